// Reads a question and decides which solver answers it, with what: the objects it names (in the
// order of their roles), the frames, the options of a multiple-choice question, and the details a
// solver needs. Covers the benchmarks' phrasings and everyday variants; anything else returns null
// and goes to the VLM.
import { labelPhrases, normaliseLabel } from '../perception/vocabulary';
import type { SpatialQuestionType } from './types';
import type { Option } from './solvers/common';
import type { Dimension } from './solvers/objects';
import type { DirectionVariant, RoutePlan } from './solvers/directions';
import type { RelationAxis } from './solvers/camera';

export interface RoutedQuestion {
  type: SpatialQuestionType;
  /** Object labels by role (see each type's solver for the order). */
  labels: string[];
  /** Frame numbers named in the question (1-based), in order. */
  frames: number[];
  options: Option[];
  dimension?: Dimension;
  variant?: DirectionVariant;
  axis?: RelationAxis;
  route?: RoutePlan;
  threshold?: { op: 'more' | 'less'; metres: number };
}

interface Mention {
  label: string;
  start: number;
  end: number;
}

/** Words a determiner phrase may start with that are never objects (they are what is measured). */
const NOT_OBJECTS = new Set(
  `closest nearest farthest furthest point points distance direct length width height depth dimension dimensions longest size area room space
   camera person video frame frames following objects object categories category order way floor plan route robot destination
   left right back front middle quadrant quadrants center centre end start beginning positive x y z axis cartesian plane same
   total whole air my me it them this that these those one ones number amount meters metres centimeters centimetres`.split(/\s+/),
);

/** Words that end a determiner phrase. */
const PHRASE_END =
  /^(and|or|from|to|of|in|at|on|is|are|was|were|by|with|the|a|an|if|when|than|between|measured|facing|closest|nearest|do|does|did|i|you|it|which|what|how|as|for|into|while)$/;

/** Objects named in a text: known labels anywhere, plus unknown nouns after a determiner. */
export function findMentions(text: string, knownLabels: Iterable<string>): Mention[] {
  const lower = text.toLowerCase();
  const found: Mention[] = [];
  const phrases: { phrase: string; label: string }[] = [];
  for (const label of new Set(knownLabels)) for (const phrase of labelPhrases(label)) phrases.push({ phrase, label });
  phrases.sort((a, b) => b.phrase.length - a.phrase.length);
  const taken = new Uint8Array(lower.length);
  for (const { phrase, label } of phrases) {
    const re = new RegExp(`\\b${escapeRegExp(phrase)}(?:\\(s\\)|\\(es\\))?(?![a-z])`, 'g');
    for (let m = re.exec(lower); m; m = re.exec(lower)) {
      const end = m.index + m[0].length;
      if (taken.subarray(m.index, end).some((t) => t)) continue;
      taken.fill(1, m.index, end);
      found.push({ label, start: m.index, end });
    }
  }
  // Unknown objects: "the piano", "a giraffe", "how many bicycles" (one or two words after a determiner, not a
  // measurement word).
  const det = /\b(?:the|a|an|any|my|many)\s+([a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)/g;
  for (let m = det.exec(lower); m; m = det.exec(lower)) {
    const start = m.index + m[0].length - m[1]!.length;
    if (taken[start]) continue;
    const words = m[1]!.split(/\s+/).filter((w, i, all) => !PHRASE_END.test(w) && all.slice(0, i).every((x) => !PHRASE_END.test(x)));
    if (!words.length || NOT_OBJECTS.has(words[0]!) || NOT_OBJECTS.has(words[words.length - 1]!)) continue;
    const phrase = words.join(' ');
    found.push({ label: normaliseLabel(phrase), start, end: start + phrase.length });
    taken.fill(1, start, start + phrase.length);
  }
  return found.sort((a, b) => a.start - b.start);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Benchmark prompt lines that frame the question but ask nothing ("These are frames of a video."). */
const PROMPT_BOILERPLATE =
  /^\s*(these are frames of a video\.?|please answer the question using a single word or phrase\.?|answer with the option's letter from the given choices directly\.?|options\s*:?)\s*$/i;

/** Splits "A. text" option lines (or "(A) text") and prompt boilerplate off the question. */
export function splitOptions(question: string): { stem: string; options: Option[] } {
  const options: Option[] = [];
  const stem: string[] = [];
  for (const line of question.split(/\r?\n/)) {
    const m = /^\s*\(?([A-H])[.)]\s*(.+?)\s*$/.exec(line);
    if (m) options.push({ letter: m[1]!, text: m[2]! });
    else if (!PROMPT_BOILERPLATE.test(line)) stem.push(line);
  }
  return { stem: stem.join(' ').replace(/\s+/g, ' ').trim(), options };
}

const uniqueInOrder = (labels: string[]) => labels.filter((l, i) => labels.indexOf(l) === i);

/** Routes a question; null when it is not one the map answers. */
export function routeQuestion(question: string, knownLabels: Iterable<string>): RoutedQuestion | null {
  const { stem, options } = splitOptions(question);
  const s = stem.toLowerCase();
  const frames = [...s.matchAll(/\bframes?\s*#?\s*(\d+)/g)].map((m) => Number(m[1]));
  // "between frame 3 and 20" names the second frame without the word.
  const more = /\bframes?\s*#?\s*\d+\s*(?:and|to|-)\s*(?:frame\s*)?#?\s*(\d+)/.exec(s);
  if (more && frames.length === 1) frames.push(Number(more[1]));
  const known = [...knownLabels];
  const mentions = findMentions(stem, known);
  const labels = mentions.map((m) => m.label);
  const optionLabels = options.map((o) => normaliseLabel(o.text));
  const base = { frames, options };
  const mentionsCamera = /\b(camera|i|me|my|person filming|viewer)\b/.test(s);

  // Route planning: "You are a robot beginning at the A facing the B ... 1. Go forward until the C 2. [please fill in] ..."
  if (/\[please fill in\]|robot beginning at|navigate to/.test(s)) {
    const route = parseRoute(stem, known);
    return route ? { type: 'route_planning', labels: [route.start, route.facing, ...route.legs], route, ...base } : null;
  }
  if (/appearance order|appear(ed|s)? first|first[- ]time appearance|order (in which|of appearance)/.test(s)) {
    const listed = /categories[^:]*:\s*(.+?)\??$/.exec(stem);
    const cats = listed ? listed[1]!.split(/\s*,\s*|\s+and\s+/).map((c) => normaliseLabel(c.replace(/[?.]$/, ''))) : uniqueInOrder(labels);
    return { type: 'obj_appearance_order', labels: cats.filter(Boolean), ...base };
  }
  if (/standing (by|at|next to|beside)|stand (by|at|next to)/.test(s) && /facing|face/.test(s) && labels.length >= 3) {
    const optionText = options.map((o) => o.text.toLowerCase()).join(' ');
    const variant: DirectionVariant = /front-left|front-right|back-left|back-right|quadrant/.test(s + optionText)
      ? 'hard'
      : /\bback\b|behind/.test(`${s} ${optionText}`)
        ? 'medium'
        : 'easy';
    return { type: `object_rel_direction_${variant}`, labels: labels.slice(0, 3), variant, ...base };
  }
  if (
    frames.length >= 2 &&
    /\bcamera|\bi\b|\bwe\b/.test(s) &&
    /direction|which way|move[sd]? (forward|backward|left|right)|moving (forward|backward|left|right)/.test(s)
  ) {
    return { type: 'camera_movement_direction', labels: [], ...base };
  }
  // Walking: "how far did I walk", "did I walk more than 3 m", "how far did the camera travel along its path".
  const walk = /\b(walk(ed)?|travell?ed|path)\b/.test(s) && !/\b(door|window|object)\b.*\bwalk/.test(s);
  const threshold = /\b(more|further|farther|longer|less|fewer|shorter)\s+than\s+(\d+(?:\.\d+)?)\s*(m|meters?|metres?|cm|centimet(?:er|re)s?)\b/.exec(s);
  // "between the start and the window": the path up to where the camera came closest to the window.
  if (walk && mentionsCamera && labels.length <= 1) {
    const t = threshold
      ? {
          op: /more|further|farther|longer/.test(threshold[1]!) ? ('more' as const) : ('less' as const),
          metres: Number(threshold[2]) / (/^c/.test(threshold[3]!) ? 100 : 1),
        }
      : undefined;
    return { type: 'camera_path_length', labels: labels.slice(0, 1), ...base, frames: frames.slice(0, 2), ...(t ? { threshold: t } : {}) };
  }
  if (frames.length >= 2 && /\bcamera\b|\bi\b|\bwe\b/.test(s) && /how far|distance|displace|how much|move|moved|travel/.test(s) && labels.length === 0) {
    return { type: 'camera_displacement', labels: [], ...base };
  }
  if (frames.length >= 1 && /\bcamera\b/.test(s) && /(closest|nearest)/.test(s) && optionLabels.length >= 2 && !/closest point/.test(s)) {
    return { type: 'camera_obj_rel_dist', labels: optionLabels, ...base };
  }
  if (frames.length >= 1 && /\bcamera\b|\bperson filming\b|\bi\b/.test(s) && /how far|distance|how close/.test(s) && labels.length >= 1) {
    return { type: 'camera_obj_abs_dist', labels: labels.slice(0, 1), ...base };
  }
  if (frames.length >= 1 && labels.length >= 2) {
    const axis: RelationAxis | null = /\b(left|right)\b/.test(s)
      ? 'left-right'
      : /\b(above|below|up|down|higher|lower)\b/.test(s)
        ? 'up-down'
        : /\b(near|far|closer|farther|further|nearer)\b/.test(s)
          ? 'near-far'
          : null;
    if (axis) return { type: 'obj_obj_relative_pos', labels: labels.slice(0, 2), axis, ...base };
  }
  const relative = /(which|what)\b.*?\b(closest|nearest)\s+to\s+(?:the\s+)?([a-z][a-z ()-]*?)\s*(?:[?.]|$)/.exec(s);
  if (relative && optionLabels.length >= 2) {
    return { type: 'object_rel_distance', labels: [normaliseLabel(relative[3]!), ...optionLabels], ...base };
  }
  if (/\b(distance|how far|far apart|how close|gap|space) (between|from|is|are)|\bhow far\b|\bapart\b/.test(s) && labels.length >= 2) {
    return { type: 'object_abs_distance', labels: labels.slice(0, 2), ...base };
  }
  if (/\b(area|square met|size|how big|how large)\b/.test(s) && /\b(room|space|floor|apartment|house)\b/.test(s) && labels.length === 0) {
    return { type: 'room_size_estimation', labels: [], ...base };
  }
  if (/\bhow many\b|\bnumber of\b|\bcount\b/.test(s) && labels.length >= 1) {
    return { type: 'object_counting', labels: labels.slice(0, 1), ...base };
  }
  const dimension = sizeDimension(s);
  if (dimension && labels.length >= 1) return { type: 'object_size_estimation', labels: labels.slice(0, 1), dimension, ...base };
  return null;
}

function sizeDimension(s: string): Dimension | null {
  if (/longest (dimension|side)|how big|how large|\bsize of\b|\bdimensions?\b/.test(s)) return 'longest';
  if (/how (tall|high)\b|\bheight of\b/.test(s)) return 'height';
  if (/how wide\b|\bwidth of\b/.test(s)) return 'width';
  if (/how long\b|\blength of\b/.test(s)) return 'length';
  if (/how deep\b|\bdepth of\b/.test(s)) return 'depth';
  return null;
}

/** "beginning at the A facing the B. ... navigate to the X ... 1. Go forward until the C 2. [please fill in] 3. ..." */
function parseRoute(stem: string, known: string[]): RoutePlan | null {
  const lower = stem.toLowerCase();
  const start = /beginning at (?:the )?(.+?)\s+(?:and\s+)?facing (?:the )?(.+?)[.,]/.exec(lower);
  if (!start) return null;
  const steps = lower
    .slice(start.index + start[0].length)
    .split(/\s\d+\.\s/)
    .slice(1);
  const legs: string[] = [];
  const turnBefore: boolean[] = [];
  let pendingTurn = false;
  for (const step of steps) {
    if (/please fill in/.test(step)) pendingTurn = true;
    const go = /go forward until (?:the )?(.+?)(?:[.,]|$| you have| \d)/.exec(step);
    if (go) {
      legs.push(labelOf(go[1]!, known));
      turnBefore.push(pendingTurn);
      pendingTurn = false;
    }
  }
  if (!legs.length) return null;
  return { start: labelOf(start[1]!, known), facing: labelOf(start[2]!, known), legs, turnBefore };
}

/** The known label a phrase names, else the phrase normalised. */
function labelOf(phrase: string, known: string[]): string {
  return findMentions(`the ${phrase}`, known)[0]?.label ?? normaliseLabel(phrase);
}
