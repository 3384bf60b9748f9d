// VSTI-Bench camera questions (camera displacement, camera movement direction) generated from ground-truth
// camera poses, following the benchmark's generators (VITA-Group/VLM-3R vlm_3r_data_process/src/tasks/
// vstibench/get_camera_displacement_qa.py, get_camera_movement_direction_qa_v{1,2,3}.py, question_templates.py,
// utils/common_utils.py) and its prompt (thinking-in-space lmms_eval/tasks/vstibench/utils.py). The rules, the
// sources and where we had to guess are in docs/vsti-rules.md. Reimplemented, not copied.
//
// Frame numbering: the benchmark names "frame k of N" over the N (≤ 32) frames it sampled uniformly from the
// video. We sample the same way, pick pairs over those sampled frames by the benchmark's rules, and then name
// the frames in source-frame numbers, as Room3R reads "frame k": the k-th frame of the source, counting from 1
// ("frame 20 and frame 64 of 100").
import { pyRound } from '../vsibench/benchmarkGeometry';
import { formatPrompt, hashString, placeAnswer, Rng } from '../vsibench/questions';

export type VstiCameraQuestionType = 'camera_displacement' | 'camera_movement_direction';

/** Movement direction comes in three variants; the benchmark labels all of them camera_movement_direction. */
export type DirectionVariant = 'v1' | 'v2' | 'v3';

export type MovementLabel = 'Forward' | 'Backward' | 'Left' | 'Right';

export interface VstiQuestion {
  /** `${sceneId}/camera_displacement/${n}` or `${sceneId}/camera_movement_direction/${variant}/${n}`. */
  id: string;
  questionType: VstiCameraQuestionType;
  variant?: DirectionVariant;
  /** The full prompt: pre-prompt, question, ("Options:" and "A. ..." lines,) post-prompt. */
  question: string;
  /** The bare question (the benchmark's `question` field). */
  stem: string;
  /** Metres rounded to 0.1 (displacement) or the correct option's letter (direction). */
  groundTruth: number | string;
  /** "A. Forward", ... (direction only: displacement is scored as a number and shows no options). */
  options?: string[];
  /** The correct option's text ("Forward"). */
  answerText?: MovementLabel;
  /** The frames the question names: 1-based source frame numbers, start then end. */
  frames: [number, number];
  /** The same frames, 0-based (CameraSample.sourceFrame). */
  sourceFrames: [number, number];
  /** Where they sit among the sampled frames, 1-based: the numbers the benchmark itself would have printed
   * (displacement ranks only the sampled frames with a pose; direction ranks all of them). */
  sampledRanks: [number, number];
  /** The exact measurement behind the ground truth. */
  measured: { displacement: number; cameraAxes: [number, number, number] };
}

// ---- Prompt wording (question_templates.py) ----

const frameWords = (start: number, end: number, total: number) => [`frame ${start}`, `frame ${end} of ${total}`] as const;

/** "a and b", "a, b, and c", "a, b, c, and d" (the templates' own wording for 2, 3 and 4 choices). */
function listChoices(choices: string[]): string {
  if (choices.length <= 2) return choices.join(' and ');
  return `${choices.slice(0, -1).join(', ')}, and ${choices[choices.length - 1]}`;
}

export const templates = {
  /** VSTI_CAMERA_DISPLACEMENT_TEMPLATE. */
  displacement: (start: number, end: number, total: number) => {
    const [a, b] = frameWords(start, end, total);
    return `Approximately how far (in meters) did the camera move between ${a} and ${b}?`;
  },
  /** VSTI_CAMERA_MOVEMENT_DIRECTION_TEMPLATE_V1/V2/V3 (4, 3, 2 choices). */
  movementDirection: (start: number, end: number, total: number, choices: string[]) => {
    const [a, b] = frameWords(start, end, total);
    return (
      `During the sequence between ${a} and ${b}, what was the primary consistent direction of the camera's movement ` +
      `relative to its orientation at the start? The options are ${listChoices(choices)}.`
    );
  },
};

// ---- The rules ----

/** Frames the benchmark samples from a video (export_sampled_frames.py --num_frames 32). */
export const SAMPLED_FRAMES = 32;
/** get_camera_displacement_qa.py: pairs min_frame_diff..max_frame_diff sampled frames apart, 0.2–10 m. */
export const DISPLACEMENT_RULES = { minFrameDiff: 5, maxFrameDiff: 30, minMetres: 0.2, maxMetres: 10 } as const;
/** get_camera_movement_direction_qa_v*.py: choices and the "significant" translation (m) along x or z. */
export const DIRECTION_VARIANTS: Record<DirectionVariant, { choices: number; threshold: number }> = {
  v1: { choices: 4, threshold: 1.0 },
  v2: { choices: 3, threshold: 0.5 },
  v3: { choices: 2, threshold: 0.5 },
};
/** DIRECTION_OPTIONS, in the generator's order. */
export const MOVEMENT_LABELS: MovementLabel[] = ['Forward', 'Backward', 'Left', 'Right'];

/**
 * np.unique(np.linspace(0, total - 1, n, dtype=int)): the indices of n frames sampled uniformly from total
 * (all of them when total ≤ n). linspace computes i * ((total - 1) / (n - 1)), truncates, and ends exactly on
 * total - 1; the same doubles give the same indices here.
 */
export function sampleFrameIndices(total: number, n = SAMPLED_FRAMES): number[] {
  if (total <= n) return Array.from({ length: Math.max(0, total) }, (_, i) => i);
  if (n <= 1) return [0];
  const step = (total - 1) / (n - 1);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = i === n - 1 ? total - 1 : Math.trunc(i * step);
    if (out[out.length - 1] !== v) out.push(v);
  }
  return out;
}

/** A pose usable as ground truth: 16 finite numbers. */
const usable = (p: ArrayLike<number> | null | undefined): p is ArrayLike<number> =>
  !!p && p.length >= 16 && Array.from({ length: 16 }, (_, i) => p[i]!).every(Number.isFinite);

/** Camera centre of a column-major camera-to-world 4x4: the translation column (not -Rᵀt; see the rules doc). */
export const cameraCentre = (p: ArrayLike<number>): [number, number, number] => [p[12]!, p[13]!, p[14]!];

/** A world vector in the camera's own axes (x right, y down, z forward): Rᵀ v, R the pose's rotation. */
export function toCameraAxes(p: ArrayLike<number>, v: [number, number, number]): [number, number, number] {
  // Column c of R is (p[4c], p[4c+1], p[4c+2]); (Rᵀ v)_c is that column dotted with v.
  return [0, 1, 2].map((c) => p[4 * c]! * v[0] + p[4 * c + 1]! * v[1] + p[4 * c + 2]! * v[2]) as [number, number, number];
}

/**
 * _determine_movement_direction: dy is ignored; x or z counts when its magnitude exceeds the threshold; when
 * both do, z (forward/backward) wins ties. Null when neither moved enough.
 */
export function movementLabel(local: [number, number, number], threshold: number): MovementLabel | null {
  const [dx, , dz] = local;
  const sigX = Math.abs(dx) > threshold;
  const sigZ = Math.abs(dz) > threshold;
  if (sigZ && (!sigX || Math.abs(dz) >= Math.abs(dx))) return dz > 0 ? 'Forward' : 'Backward';
  if (sigX) return dx > 0 ? 'Right' : 'Left';
  return null;
}

/**
 * generate_multiple_choice(gt, margin 0.2, 25–175 %, 1 decimal): three distractors the generator must be
 * able to place at least EPS apart (from each other and from the truth). The numbers are not shown (the
 * benchmark scores displacement as a number) but a truth the generator could not surround with options was
 * dropped ("E"), so the draw decides which small displacements survive.
 */
export function numericDistractors(gt: number, rng: Rng): number[] | null {
  const eps = Math.ceil(gt * 0.2 * 10) / 10;
  const draw = () => pyRound(gt * 0.25 + rng.random() * (gt * 1.75 - gt * 0.25), 1);
  const choices = [draw(), draw(), draw()];
  const closeTo = (i: number) => [...choices.filter((_, k) => k !== i), gt].some((o) => Math.abs(choices[i]! - o) < eps);
  const tooClose = () =>
    choices.some((_, i) =>
      choices
        .slice(i + 1)
        .concat(gt)
        .some((o) => Math.abs(choices[i]! - o) < eps),
    );
  for (let attempt = 0; attempt <= 30 && tooClose(); attempt++) {
    for (let i = 0; i < choices.length; i++) if (closeTo(i)) choices[i] = draw();
  }
  return tooClose() ? null : choices;
}

// ---- Generation ----

export interface GenerateOptions {
  /** Names the scene in ids and seeds; default "scene". */
  sceneId?: string;
  /** Mixed into every random stream; default 0. */
  seed?: number;
  /** Frames in the source (the "of N" the questions print); default poses.length. */
  sourceFrameCount?: number;
  /** Frames sampled from the source; default 32. */
  sampledFrames?: number;
  /** Displacement questions wanted (the generator's num_subsample); default 30. */
  displacement?: number;
  /** Direction questions wanted per variant; default 10. */
  directionPerVariant?: number;
  /** Default all three. */
  variants?: DirectionVariant[];
}

interface Sampled {
  /** Rank among the sampled frames (0-based). */
  rank: number;
  /** Source frame (0-based). */
  source: number;
  pose: ArrayLike<number> | null;
}

const sub = (a: number[], b: number[]): [number, number, number] => [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!];

function pairFacts(a: Sampled & { pose: ArrayLike<number> }, b: Sampled & { pose: ArrayLike<number> }) {
  const v = sub(cameraCentre(b.pose), cameraCentre(a.pose));
  return { displacement: Math.hypot(...v), cameraAxes: toCameraAxes(a.pose, v) };
}

/**
 * Camera displacement and movement direction questions from ground-truth camera-to-world poses (column-major
 * 4x4, metres, OpenCV camera axes; index = source frame; null where a frame has no pose). Deterministic for a
 * given seed and scene id: each question type draws from its own stream.
 */
export function generateCameraQuestions(poses: readonly (ArrayLike<number> | null)[], options: GenerateOptions = {}): VstiQuestion[] {
  const sceneId = options.sceneId ?? 'scene';
  const seed = options.seed ?? 0;
  const total = options.sourceFrameCount ?? poses.length;
  const sampled: Sampled[] = sampleFrameIndices(poses.length, options.sampledFrames ?? SAMPLED_FRAMES).map((source, rank) => ({
    rank,
    source,
    pose: usable(poses[source]) ? poses[source]! : null,
  }));
  const stream = (name: string) => new Rng(hashString(`${seed}/${sceneId}/${name}`));
  const base = (s: Sampled, e: Sampled) => ({
    frames: [s.source + 1, e.source + 1] as [number, number],
    sourceFrames: [s.source, e.source] as [number, number],
    sampledRanks: [s.rank + 1, e.rank + 1] as [number, number],
  });
  const out: VstiQuestion[] = [];

  // Displacement: random pairs of frames with a pose, ranked among those frames only.
  const wanted = options.displacement ?? 30;
  const valid = sampled.filter((s): s is Sampled & { pose: ArrayLike<number> } => s.pose !== null);
  if (wanted > 0 && valid.length >= DISPLACEMENT_RULES.minFrameDiff + 1) {
    const rng = stream('camera_displacement');
    const attempts = Math.max(wanted, Math.min(wanted * 20, 200));
    const seen = new Set<string>();
    const found: { s: (typeof valid)[number]; e: (typeof valid)[number]; ranks: [number, number]; facts: ReturnType<typeof pairFacts> }[] = [];
    for (let t = 0; t < attempts && found.length < wanted; t++) {
      const [x, y] = rng.sample(
        valid.map((_, i) => i),
        2,
      ) as [number, number];
      const i = Math.min(x, y);
      const j = Math.max(x, y);
      if (seen.has(`${i},${j}`)) continue;
      seen.add(`${i},${j}`);
      if (j - i < DISPLACEMENT_RULES.minFrameDiff || j - i > DISPLACEMENT_RULES.maxFrameDiff) continue;
      const facts = pairFacts(valid[i]!, valid[j]!);
      if (facts.displacement < DISPLACEMENT_RULES.minMetres || facts.displacement > DISPLACEMENT_RULES.maxMetres) continue;
      found.push({ s: valid[i]!, e: valid[j]!, ranks: [i + 1, j + 1], facts });
    }
    for (const { s, e, ranks, facts } of found) {
      const gt = pyRound(facts.displacement, 1);
      // The released labels were re-checked against the range after rounding (fix_vstibench_gt_labels.py).
      if (gt < DISPLACEMENT_RULES.minMetres || gt > DISPLACEMENT_RULES.maxMetres) continue;
      if (!numericDistractors(gt, rng)) continue;
      const stem = templates.displacement(s.source + 1, e.source + 1, total);
      out.push({
        id: `${sceneId}/camera_displacement/${out.length}`,
        questionType: 'camera_displacement',
        question: formatPrompt(stem),
        stem,
        groundTruth: gt,
        ...base(s, e),
        // The displacement generator ranks frames among those with a pose.
        sampledRanks: ranks,
        measured: facts,
      });
    }
  }

  // Movement direction: every ordered pair of sampled frames (ranked among all of them), labelled by the net
  // translation in the start frame's camera axes; a random subset, each with its choices.
  for (const variant of options.variants ?? (['v1', 'v2', 'v3'] as DirectionVariant[])) {
    const { choices, threshold } = DIRECTION_VARIANTS[variant];
    const per = options.directionPerVariant ?? 10;
    if (per <= 0) continue;
    const rng = stream(`camera_movement_direction_${variant}`);
    const potential: { s: Sampled; e: Sampled; facts: ReturnType<typeof pairFacts>; label: MovementLabel }[] = [];
    for (let i = 0; i < sampled.length; i++) {
      for (let j = i + 1; j < sampled.length; j++) {
        const s = sampled[i]!;
        const e = sampled[j]!;
        if (!s.pose || !e.pose) continue;
        const facts = pairFacts(s as Sampled & { pose: ArrayLike<number> }, e as Sampled & { pose: ArrayLike<number> });
        const label = movementLabel(facts.cameraAxes, threshold);
        if (label) potential.push({ s, e, facts, label });
      }
    }
    const picked = potential.length > per ? rng.sample(potential, per) : potential;
    const counts = [0, 0, 0, 0];
    picked.forEach(({ s, e, facts, label }, n) => {
      const wrong = rng.sample(
        MOVEMENT_LABELS.filter((l) => l !== label),
        choices - 1,
      );
      const { ordered, index } = placeAnswer([label, ...wrong], label, counts, rng);
      const stem = templates.movementDirection(s.source + 1, e.source + 1, total, ordered);
      const lettered = ordered.map((o, i) => `${'ABCD'[i]}. ${o}`);
      out.push({
        id: `${sceneId}/camera_movement_direction/${variant}/${n}`,
        questionType: 'camera_movement_direction',
        variant,
        question: formatPrompt(stem, lettered),
        stem,
        groundTruth: 'ABCD'[index]!,
        options: lettered,
        answerText: label,
        ...base(s, e),
        measured: facts,
      });
    });
  }
  return out;
}
