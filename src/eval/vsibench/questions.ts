// VSI-Bench questions generated from a scene's metadata, following the benchmark's generator (VITA-Group/
// VLM-3R vlm_3r_data_process/src/tasks/vsibench/*.py, question_templates.py) and its prompt
// (vision-x-nyu/thinking-in-space lmms_eval/tasks/vsibench/utils.py). The rules, and where we had to
// guess, are in docs/benchmark-rules.md. Everything random comes from a seeded generator, one stream per
// (seed, scene, question type), so a scene's questions do not depend on which other scenes were generated.
import { seededRandom } from '../../util/random';
import { categoryDistance, pyRound, relativeDirectionGt, type DirectionVariant } from './benchmarkGeometry';
import type { MetaBox, MetaScene } from './metaScene';

export type VsiQuestionType =
  | 'object_counting'
  | 'object_abs_distance'
  | 'object_size_estimation'
  | 'room_size_estimation'
  | 'object_rel_distance'
  | 'object_rel_direction_easy'
  | 'object_rel_direction_medium'
  | 'object_rel_direction_hard'
  // These two need the video (when each category first appears) or are written by people in the benchmark: generated
  // only where that ground truth exists (videoQuestions.ts).
  | 'obj_appearance_order'
  | 'route_planning';

/** The types the metadata alone can pose and our oracle scene memory can answer (room size needs a floor outline). */
export const OBJECT_QUESTION_TYPES: VsiQuestionType[] = [
  'object_counting',
  'object_abs_distance',
  'object_size_estimation',
  'object_rel_distance',
  'object_rel_direction_easy',
  'object_rel_direction_medium',
  'object_rel_direction_hard',
];
export const ALL_QUESTION_TYPES: VsiQuestionType[] = [...OBJECT_QUESTION_TYPES, 'room_size_estimation'];

/** Multiple-choice types (scored by the option letter); the others are numeric (scored by MRA). */
export const CHOICE_TYPES = new Set<VsiQuestionType>([
  'object_rel_distance',
  'object_rel_direction_easy',
  'object_rel_direction_medium',
  'object_rel_direction_hard',
]);

export interface VsiQuestion {
  /** `${sceneId}/${questionType}/${n}`. */
  id: string;
  sceneId: string;
  dataset: string;
  questionType: VsiQuestionType;
  /** The full prompt the model sees: pre-prompt, question, "Options:" and "A. ..." lines, post-prompt. */
  question: string;
  /** The bare question (the benchmark's `question` field). */
  stem: string;
  /** A number (count, metres, centimetres, m²) or the correct option's letter. */
  groundTruth: number | string;
  /** "A. chair", "B. sofa", ... for multiple choice. */
  options?: string[];
  /** The correct option's text ("left", "sofa"). */
  answerText?: string;
  /** The categories the question names, by role (first object, second; or positioning, orienting, querying;
   * or the reference object then the choices). */
  categories: string[];
}

// ---- Prompt (thinking-in-space vsibench_doc_to_text, default kwargs) ----

/** The default pre_prompt is empty, so the code's fallback is used. */
export const PRE_PROMPT = 'These are frames of a video.';
export const NA_POST_PROMPT = 'Please answer the question using a single word or phrase.';
export const MCA_POST_PROMPT = "Answer with the option's letter from the given choices directly.";

/** What the model sees: numeric "pre\nquestion\npost"; choice "pre\nquestion\nOptions:\nA. x\nB. y\npost". */
export function formatPrompt(stem: string, options?: string[]): string {
  if (!options) return `${PRE_PROMPT}\n${stem}\n${NA_POST_PROMPT}`;
  return [PRE_PROMPT, stem, `Options:\n${options.join('\n')}`, MCA_POST_PROMPT].join('\n');
}

// ---- Templates ----

/**
 * 'vsibench': the wording of the released benchmark where it differs from the generator's templates
 * (object_abs_distance says "the distance between", object_rel_distance has no second sentence; see the
 * rules doc). 'vlm3r': VLM-3R's question_templates.py verbatim.
 */
export type Wording = 'vsibench' | 'vlm3r';

export const templates = {
  counting: (category: string) => `How many ${category}(s) are in this room?`,
  size: (category: string) => `What is the length of the longest dimension (length, width, or height) of the ${category}, measured in centimeters?`,
  room: () => 'What is the size of this room (in square meters)? \nIf multiple rooms are shown, estimate the size of the combined space.',
  absDistance: (a: string, b: string, wording: Wording = 'vsibench') =>
    `Measuring from the closest point of each object, what is the ${wording === 'vlm3r' ? 'direct ' : ''}distance between the ${a} and the ${b} (in meters)?`,
  relDistance: (category: string, choices: string[], wording: Wording = 'vsibench') =>
    `Measuring from the closest point of each object, which of these objects (${choices.join(', ')}) is the closest to the ${category}?` +
    (wording === 'vlm3r' ? '\nIf there are multiple instances of an object category, measure to the closest.' : ''),
  directionHard: (p: string, o: string, q: string) =>
    `If I am standing by the ${p} and facing the ${o}, is the ${q} to my front-left, front-right, back-left, or back-right?\n` +
    'The directions refer to the quadrants of a Cartesian plane (if I am standing at the origin and facing along the positive y-axis).',
  directionMedium: (p: string, o: string, q: string) =>
    `If I am standing by the ${p} and facing the ${o}, is the ${q} to my left, right, or back?\n` +
    'An object is to my back if I would have to turn at least 135 degrees in order to face it.',
  directionEasy: (p: string, o: string, q: string) => `If I am standing by the ${p} and facing the ${o}, is the ${q} to the left or the right of the ${o}?`,
};

const DIRECTION_OPTIONS: Record<DirectionVariant, string[]> = {
  hard: ['front-left', 'front-right', 'back-left', 'back-right'],
  medium: ['left', 'right', 'back'],
  easy: ['left', 'right'],
};

// ---- Randomness ----

/** FNV-1a, for per-scene seeds. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  random(): number {
    return this.next();
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  choice<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
  /** k distinct items, as Python's random.sample (all of them, shuffled, when k ≥ n). */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = [...items];
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + this.int(copy.length - i);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  }
}

/**
 * from_options_to_mc_answer: the correct option goes to a letter picked at random among the letters used
 * least so far (so ground-truth letters stay balanced), the other options are shuffled around it.
 */
export function placeAnswer(options: string[], correct: string, counts: number[], rng: Rng): { ordered: string[]; index: number } {
  const used = counts.slice(0, options.length);
  const least = Math.min(...used);
  const candidates = used.flatMap((c, i) => (c === least ? [i] : []));
  const index = rng.choice(candidates);
  const rest = rng.shuffle(options.filter((o) => o !== correct));
  counts[index]! += 1;
  return { ordered: [...rest.slice(0, index), correct, ...rest.slice(index)], index };
}

const LETTERS = 'ABCDEFGH';
const lettered = (options: string[]) => options.map((o, i) => `${LETTERS[i]}. ${o}`);

/** n choose k. */
function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** The r-th k-combination of [0, n) in itertools.combinations (lexicographic) order. */
export function unrankCombination(r: number, n: number, k: number): number[] {
  const out: number[] = [];
  let x = 0;
  for (let slot = 0; slot < k; slot++) {
    for (; ; x++) {
      const c = choose(n - x - 1, k - slot - 1);
      if (r < c) break;
      r -= c;
    }
    out.push(x);
    x++;
  }
  return out;
}

// ---- Generation ----

export interface GenerateOptions {
  /** Mixed into every stream; default 0. */
  seed?: number;
  /** Default OBJECT_QUESTION_TYPES. */
  types?: VsiQuestionType[];
  /**
   * The generator's num_subsample: at most this many questions per type per scene (the relative-direction
   * generator also samples this many object triples before expanding them). Default 6, the generator
   * scripts' own default; Infinity keeps every valid question.
   */
  perScene?: number;
  wording?: Wording;
}

type Draft = Omit<VsiQuestion, 'id' | 'sceneId' | 'dataset' | 'questionType' | 'question'>;

/** Distances between categories, computed once per scene (the generator's dist_lookup). */
class DistanceCache {
  private cache = new Map<string, number>();
  constructor(private meta: MetaScene) {}
  get(a: string, b: string): number {
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    let d = this.cache.get(key);
    if (d === undefined) {
      d = categoryDistance(this.boxes(a), this.boxes(b));
      this.cache.set(key, d);
    }
    return d;
  }
  boxes(category: string): MetaBox[] {
    return this.meta.object_bbox[category] ?? [];
  }
}

const singleCount = (meta: MetaScene) =>
  Object.entries(meta.object_counts)
    .filter(([, n]) => n === 1)
    .map(([c]) => c);

function countingDrafts(meta: MetaScene, rng: Rng, cap: number): Draft[] {
  // Categories with more than one instance (count 1 is skipped: "how many" with answer 1 is too easy).
  const cats = Object.entries(meta.object_counts).filter(([, n]) => n > 1);
  return rng.sample(cats, cap).map(([c, n]) => ({ stem: templates.counting(c), groundTruth: n, categories: [c] }));
}

function sizeDrafts(meta: MetaScene, rng: Rng, cap: number): Draft[] {
  // Single-instance categories; the longest of the box's three lengths, in whole centimetres.
  const drafts = singleCount(meta).flatMap((c) => {
    const b = meta.object_bbox[c]?.[0];
    return b ? [{ stem: templates.size(c), groundTruth: pyRound(Math.max(...b.axesLengths.slice(0, 3)) * 100), categories: [c] }] : [];
  });
  return rng.sample(drafts, cap);
}

function roomDrafts(meta: MetaScene): Draft[] {
  return [{ stem: templates.room(), groundTruth: pyRound(meta.room_size, 1), categories: [] }];
}

function absDistanceDrafts(meta: MetaScene, dist: DistanceCache, rng: Rng, cap: number, wording: Wording): Draft[] {
  // Every pair of single-instance categories, the later one (in object_counts order) named first; the
  // sampled distance rounded to 0.1 m; pairs under 0.2 m after rounding are dropped.
  const drafts: Draft[] = [];
  const earlier: string[] = [];
  for (const c of singleCount(meta)) {
    for (const e of earlier) {
      const gt = pyRound(dist.get(c, e), 1);
      if (gt < 0.2) continue;
      drafts.push({ stem: templates.absDistance(c, e, wording), groundTruth: gt, categories: [c, e] });
    }
    earlier.push(c);
  }
  return rng.sample(drafts, cap);
}

function relDistanceDrafts(meta: MetaScene, dist: DistanceCache, rng: Rng, cap: number, wording: Wording): Draft[] {
  // Candidates: a single-instance reference category and any 4 other categories (any count); at least 5
  // categories in the scene. Sampled first, then filtered, so a scene may keep fewer than `cap`.
  const all = Object.keys(meta.object_counts);
  const singles = singleCount(meta);
  if (all.length < 5 || singles.length === 0) return [];
  const perPrimary = choose(all.length - 1, 4);
  const total = singles.length * perPrimary;
  const picks: number[] = [];
  if (total <= cap) for (let i = 0; i < total; i++) picks.push(i);
  else {
    const seen = new Set<number>();
    while (picks.length < cap) {
      const r = rng.int(total);
      if (!seen.has(r)) {
        seen.add(r);
        picks.push(r);
      }
    }
  }
  const counts = [0, 0, 0, 0];
  const drafts: Draft[] = [];
  for (const r of picks) {
    const primary = singles[Math.floor(r / perPrimary)]!;
    const others = all.filter((c) => c !== primary);
    const choices = unrankCombination(r % perPrimary, others.length, 4).map((i) => others[i]!);
    const d = choices.map((c) => dist.get(c, primary));
    const min = Math.min(...d);
    // Ambiguous: the closest is within 0.15 m of the reference, or two choices are within 0.15 m of each
    // other (get_obj_rel_distance_v1_qa.py uses 0.15 m whatever the room size).
    if (min < 0.15) continue;
    if (d.some((x, i) => d.some((y, j) => j > i && Math.abs(x - y) <= 0.15))) continue;
    const correct = choices[d.indexOf(min)]!;
    const { ordered, index } = placeAnswer(choices, correct, counts, rng);
    drafts.push({
      stem: templates.relDistance(primary, ordered, wording),
      groundTruth: LETTERS[index]!,
      options: lettered(ordered),
      answerText: correct,
      categories: [primary, ...ordered],
    });
  }
  return drafts;
}

function directionDrafts(meta: MetaScene, dist: DistanceCache, rng: Rng, cap: number, variant: DirectionVariant): Draft[] {
  // Triples of single-instance categories (itertools.combinations order), `cap` of them sampled; a triple
  // is dropped unless every pair is 0.30–5.0 m apart (sampled distance); each kept triple gives three
  // questions (a,b,c), (a,c,b), (b,a,c) as (positioning, orienting, querying), minus the ambiguous ones;
  // then at most `cap` of those.
  const singles = singleCount(meta);
  if (singles.length < 3) return [];
  const n = singles.length;
  const triples: number[][] = [];
  for (let r = 0; r < choose(n, 3); r++) triples.push(unrankCombination(r, n, 3));
  const counts = DIRECTION_OPTIONS[variant].map(() => 0);
  const drafts: Draft[] = [];
  for (const t of rng.sample(triples, cap)) {
    const [a, b, c] = t.map((i) => singles[i]!) as [string, string, string];
    const pairs: [string, string][] = [
      [a, b],
      [a, c],
      [b, c],
    ];
    if (
      pairs.some(([x, y]) => {
        const d = dist.get(x, y);
        return d < 0.3 || d > 5.0;
      })
    )
      continue;
    for (const [p, o, q] of [
      [a, b, c],
      [a, c, b],
      [b, a, c],
    ] as [string, string, string][]) {
      const box = (cat: string) => meta.object_bbox[cat]![0]!;
      const result = relativeDirectionGt(box(p), box(o), box(q), variant);
      if (!('answer' in result)) continue;
      const { ordered, index } = placeAnswer([...DIRECTION_OPTIONS[variant]], result.answer, counts, rng);
      const stem =
        variant === 'hard' ? templates.directionHard(p, o, q) : variant === 'medium' ? templates.directionMedium(p, o, q) : templates.directionEasy(p, o, q);
      drafts.push({ stem, groundTruth: LETTERS[index]!, options: lettered(ordered), answerText: result.answer, categories: [p, o, q] });
    }
  }
  return drafts.length > cap ? rng.sample(drafts, cap) : drafts;
}

/** The questions of one scene, in the order of `types`. */
export function generateSceneQuestions(sceneId: string, dataset: string, meta: MetaScene, options: GenerateOptions = {}): VsiQuestion[] {
  const { seed = 0, types = OBJECT_QUESTION_TYPES, perScene = 6, wording = 'vsibench' } = options;
  const dist = new DistanceCache(meta);
  const out: VsiQuestion[] = [];
  for (const type of types) {
    const rng = new Rng(hashString(`${seed}/${sceneId}/${type}`));
    let drafts: Draft[];
    switch (type) {
      case 'object_counting':
        drafts = countingDrafts(meta, rng, perScene);
        break;
      case 'object_size_estimation':
        drafts = sizeDrafts(meta, rng, perScene);
        break;
      case 'room_size_estimation':
        drafts = roomDrafts(meta);
        break;
      case 'object_abs_distance':
        drafts = absDistanceDrafts(meta, dist, rng, perScene, wording);
        break;
      case 'object_rel_distance':
        drafts = relDistanceDrafts(meta, dist, rng, perScene, wording);
        break;
      case 'object_rel_direction_easy':
        drafts = directionDrafts(meta, dist, rng, perScene, 'easy');
        break;
      case 'object_rel_direction_medium':
        drafts = directionDrafts(meta, dist, rng, perScene, 'medium');
        break;
      case 'object_rel_direction_hard':
        drafts = directionDrafts(meta, dist, rng, perScene, 'hard');
        break;
      case 'obj_appearance_order':
      case 'route_planning':
        throw new Error(`${type} questions need more than the metadata: see videoQuestions.ts`);
    }
    drafts.forEach((d, n) => {
      out.push({
        id: `${sceneId}/${type}/${n}`,
        sceneId,
        dataset,
        questionType: type,
        question: formatPrompt(d.stem, d.options),
        ...d,
      });
    });
  }
  return out;
}
