// VSI-Bench's two question types that need more than the scene's boxes: appearance order (needs when each category
// first appears in the video) and route planning (written by people in VSI-Bench; our rule below). Generated for
// rooms whose ground truth has both (the synthetic rooms); the wording is the benchmark's.
//
// Appearance order: "What will be the first-time appearance order of the following categories in the video: A, B,
// C, D?" with four orders as options. Our rules where the sources say nothing: a category's first appearance is its
// first instance's; the four categories' first appearances are at least MIN_ORDER_GAP_S apart (closer ones are a
// toss-up for a viewer too); the three wrong options are other orders of the same four, distinct.
//
// Route planning: "You are a robot beginning at the A facing the B. You want to navigate to the D. You will perform
// the following actions (Note: for each [please fill in], choose either 'turn back,' 'turn left,' or 'turn right.'): 1.
// Go forward until the C 2. [please fill in] 3. Go forward until the D. You have reached the final destination." Ours
// entirely: single-instance categories; one or two turns to fill in; a turn is the horizontal angle between the way
// the robot came and the way to the next object (left positive): back beyond 135°, else left or right; a route is
// dropped when any turn is within ROUTE_MARGIN_DEG of 0°, ±135° or 180° (ambiguous) or a leg is shorter than 0.5 m.
// Options: every sequence of turns of that length (3 for one turn), at most four, the right one among them.
import type { MetaBox, MetaScene } from './metaScene';
import { formatPrompt, hashString, placeAnswer, Rng, type VsiQuestion } from './questions';

export const MIN_ORDER_GAP_S = 1;
export const ROUTE_MARGIN_DEG = 20;
const BACK_DEG = 135;
const MIN_LEG_M = 0.5;

export type VideoQuestionType = Extract<VsiQuestion['questionType'], 'obj_appearance_order' | 'route_planning'>;

/** A category's first appearance (seconds into the video). */
export type FirstAppearance = ReadonlyMap<string, number>;

const LETTERS = 'ABCD';

export function appearanceOrderQuestions(
  sceneId: string,
  dataset: string,
  first: FirstAppearance,
  options: { seed?: number; perScene?: number } = {},
): VsiQuestion[] {
  const rng = new Rng(hashString(`${options.seed ?? 0}/${sceneId}/obj_appearance_order`));
  const cats = [...first.keys()];
  const counts = [0, 0, 0, 0];
  const out: VsiQuestion[] = [];
  for (let attempt = 0; attempt < 200 && out.length < (options.perScene ?? 6) && cats.length >= 4; attempt++) {
    const chosen = rng.sample(cats, 4);
    const times = chosen.map((c) => first.get(c)!);
    const sorted = [...times].sort((a, b) => a - b);
    if (sorted.some((t, i) => i > 0 && t - sorted[i - 1]! < MIN_ORDER_GAP_S)) continue;
    const order = [...chosen].sort((a, b) => first.get(a)! - first.get(b)!);
    const correct = order.join(', ');
    if (out.some((q) => q.answerText === correct)) continue;
    const wrong = new Set<string>();
    for (let k = 0; wrong.size < 3 && k < 100; k++) {
      const o = rng.shuffle([...order]).join(', ');
      if (o !== correct) wrong.add(o);
    }
    const { ordered, index } = placeAnswer([correct, ...wrong], correct, counts, rng);
    const stem = `What will be the first-time appearance order of the following categories in the video: ${chosen.join(', ')}?`;
    const lettered = ordered.map((o, i) => `${LETTERS[i]}. ${o}`);
    out.push(question(sceneId, dataset, 'obj_appearance_order', out.length, stem, lettered, LETTERS[index]!, correct, chosen));
  }
  return out;
}

export function routePlanQuestions(sceneId: string, dataset: string, meta: MetaScene, options: { seed?: number; perScene?: number } = {}): VsiQuestion[] {
  const rng = new Rng(hashString(`${options.seed ?? 0}/${sceneId}/route_planning`));
  const single = Object.entries(meta.object_counts)
    .filter(([, n]) => n === 1)
    .map(([c]) => c);
  const centre = (c: string): [number, number] => {
    const b = meta.object_bbox[c]![0] as MetaBox;
    return [b.centroid[0]!, b.centroid[1]!];
  };
  const counts = [0, 0, 0, 0];
  const out: VsiQuestion[] = [];
  for (let attempt = 0; attempt < 300 && out.length < (options.perScene ?? 6) && single.length >= 4; attempt++) {
    const turns = single.length >= 5 && rng.random() < 0.5 ? 2 : 1;
    const [start, facing, ...legs] = rng.sample(single, 3 + turns);
    // Walk: start → legs[0] (no turn asked: the robot first goes forward), then a turn before each next leg.
    const path = [start!, ...legs].map(centre);
    if (path.some((p, i) => i > 0 && Math.hypot(p[0] - path[i - 1]![0], p[1] - path[i - 1]![1]) < MIN_LEG_M)) continue;
    const needed: string[] = [];
    let ambiguous = false;
    for (let i = 1; i < legs.length; i++) {
      const [a, b, c] = [path[i - 1]!, path[i]!, path[i + 1]!];
      // Metadata is z-up: (x, y) is the floor plane, seen from above with y away from the viewer; left is positive.
      const angle = ((Math.atan2(c[1] - b[1], c[0] - b[0]) - Math.atan2(b[1] - a[1], b[0] - a[0])) * 180) / Math.PI;
      const wrapped = ((angle + 540) % 360) - 180;
      const near = [0, BACK_DEG, -BACK_DEG, 180, -180].some((edge) => Math.abs(wrapped - edge) < ROUTE_MARGIN_DEG);
      if (near) ambiguous = true;
      needed.push(Math.abs(wrapped) > BACK_DEG ? 'turn back' : wrapped > 0 ? 'turn left' : 'turn right');
    }
    if (ambiguous) continue;
    const correct = needed.join(', ');
    const all = turns === 1 ? ['turn left', 'turn right', 'turn back'] : sequences(2);
    const wrong = rng.sample(
      all.filter((o) => o !== correct),
      3,
    );
    const { ordered, index } = placeAnswer([correct, ...wrong].slice(0, 4), correct, counts, rng);
    const steps = [`1. Go forward until the ${legs[0]}`];
    for (let i = 1; i < legs.length; i++) steps.push(`${2 * i}. [please fill in]`, `${2 * i + 1}. Go forward until the ${legs[i]}`);
    const stem = `You are a robot beginning at the ${start} facing the ${facing}. You want to navigate to the ${legs[legs.length - 1]}. You will perform the following actions (Note: for each [please fill in], choose either 'turn back,' 'turn left,' or 'turn right.'): ${steps.join(' ')}. You have reached the final destination.`;
    const lettered = ordered.map((o, i) => `${LETTERS[i]}. ${o}`);
    out.push(question(sceneId, dataset, 'route_planning', out.length, stem, lettered, LETTERS[index]!, correct, [start!, facing!, ...legs]));
  }
  return out;
}

function sequences(n: number): string[] {
  const turns = ['turn left', 'turn right', 'turn back'];
  return n === 1 ? turns : sequences(n - 1).flatMap((s) => turns.map((t) => `${s}, ${t}`));
}

function question(
  sceneId: string,
  dataset: string,
  type: VideoQuestionType,
  n: number,
  stem: string,
  options: string[],
  letter: string,
  answerText: string,
  categories: string[],
): VsiQuestion {
  return {
    id: `${sceneId}/${type}/${n}`,
    sceneId,
    dataset,
    questionType: type,
    question: formatPrompt(stem, options),
    stem,
    groundTruth: letter,
    options,
    answerText,
    categories,
  };
}
