// The router's accuracy on questions as people ask them (src/eval/router/peopleQuestions.ts): an entry is
// right when the route's type is the expected one (null: left to the VLM) and every parameter the entry
// names (labels, frames, dimension, variant, axis, unit, threshold) is what the router gave. The known labels
// are the app's indoor vocabulary, as in the chat before anything is mapped.
import { INDOOR_VOCABULARY } from '../../perception/vocabulary';
import { routeQuestion, type RoutedQuestion } from '../../spatial/router';
import { PEOPLE_QUESTIONS, type PeopleQuestion } from './peopleQuestions';

export interface RouterFailure {
  question: string;
  expected: Omit<PeopleQuestion, 'question'>;
  /** What the router gave: the route's type and the parameters the entry checks, or null (the VLM). */
  got: Partial<RoutedQuestion> | null;
}

export interface RouterAccuracy {
  total: number;
  correct: number;
  accuracy: number;
  failures: RouterFailure[];
}

const sameList = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether the routed question is what the entry expects, on the entry's named parameters. */
export function routedAsExpected(entry: PeopleQuestion, got: RoutedQuestion | null): boolean {
  if (entry.type === null || got === null) return entry.type === null && got === null;
  if (got.type !== entry.type) return false;
  if (entry.labels && !sameList(entry.labels, got.labels)) return false;
  if (entry.frames && !sameList(entry.frames, got.frames)) return false;
  if (entry.dimension && (got.dimension ?? 'longest') !== entry.dimension) return false;
  if (entry.variant && got.variant !== entry.variant) return false;
  if (entry.axis && got.axis !== entry.axis) return false;
  if (entry.unit && got.unit !== entry.unit) return false;
  if (entry.threshold && (got.threshold?.op !== entry.threshold.op || Math.abs(got.threshold.metres - entry.threshold.metres) > 1e-6)) return false;
  return true;
}

/** The parameters an entry checks, as the router gave them (for the failure list). */
function shown(entry: PeopleQuestion, got: RoutedQuestion | null): Partial<RoutedQuestion> | null {
  if (!got) return null;
  const out: Partial<RoutedQuestion> = { type: got.type, labels: got.labels, frames: got.frames };
  for (const key of ['dimension', 'variant', 'axis', 'unit', 'threshold'] as const) {
    if (entry[key] !== undefined || got[key] !== undefined) (out as Record<string, unknown>)[key] = got[key];
  }
  return out;
}

export function routerAccuracy(set: readonly PeopleQuestion[] = PEOPLE_QUESTIONS): RouterAccuracy {
  const known = new Set(INDOOR_VOCABULARY);
  const failures: RouterFailure[] = [];
  for (const entry of set) {
    const got = routeQuestion(entry.question, known);
    if (!routedAsExpected(entry, got)) {
      const { question, ...expected } = entry;
      failures.push({ question, expected, got: shown(entry, got) });
    }
  }
  const total = set.length;
  const correct = total - failures.length;
  return { total, correct, accuracy: total ? correct / total : 0, failures };
}
