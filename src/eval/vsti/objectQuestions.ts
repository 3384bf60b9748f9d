// VSTI-Bench's three questions about objects seen from the camera at one frame (docs/vsti-rules.md, "Other VSTI
// types"): camera–object absolute distance, camera–object relative distance (which listed object is closest to the
// camera) and object–object relative position (near/far, left/right, up/down in the frame's camera axes). They need
// which objects a frame shows, so they are generated where that ground truth exists (the synthetic rooms' masks).
// The rules follow the generators as skimmed; the exact released wording of relative position is uncertain (the rules
// doc says why), so ours is the templates' with both choices named.
import type { OrientedBox, Vec3 } from '../../spatial/types';
import { boxCorners, pointToBoxDistance } from '../../spatial/boxGeometry';
import { pyRound } from '../vsibench/benchmarkGeometry';
import { formatPrompt, hashString, placeAnswer, Rng } from '../vsibench/questions';
import { SAMPLED_FRAMES, sampleFrameIndices } from './questions';

export type VstiObjectQuestionType = 'camera_obj_abs_dist' | 'camera_obj_rel_dist' | 'obj_obj_relative_pos';

export interface VstiObjectQuestion {
  id: string;
  questionType: VstiObjectQuestionType;
  question: string;
  stem: string;
  /** Metres rounded to 0.1, or the correct option's letter. */
  groundTruth: number | string;
  options?: string[];
  answerText?: string;
  /** The frame the question names (1-based source frame). */
  frame: number;
}

/** An object of the scene: its category and box in the poses' world. */
export interface SceneBox {
  instance: number;
  label: string;
  box: OrientedBox;
}

/** One frame: its camera-to-world pose (column-major, OpenCV axes) and the instances it shows. */
export interface FrameView {
  pose: ArrayLike<number>;
  visible: ReadonlySet<number>;
}

export const OBJECT_RULES = {
  /** Distances kept (m), after rounding to 0.1. */
  minMetres: 0.2,
  maxMetres: 10,
  /** Relative distance: the closest at least this far, the two closest at least this far apart (0.1 m-rounded). */
  closestAtLeast: 0.5,
  closestApart: 0.15,
  /** Relative position: the two boxes' corners separated by more than this along the axis (m). */
  separation: 0.15,
} as const;

const LETTERS = 'ABCD';

/** A world point in the camera axes of a camera-to-world pose (x right, y down, z forward). */
function inCamera(pose: ArrayLike<number>, p: Vec3): Vec3 {
  const d = [p[0] - pose[12]!, p[1] - pose[13]!, p[2] - pose[14]!];
  return [0, 1, 2].map((c) => pose[4 * c]! * d[0]! + pose[4 * c + 1]! * d[1]! + pose[4 * c + 2]! * d[2]!) as Vec3;
}

export function generateObjectQuestions(
  frames: readonly (FrameView | null)[],
  objects: readonly SceneBox[],
  options: { sceneId?: string; seed?: number; sourceFrameCount?: number; perType?: number } = {},
): VstiObjectQuestion[] {
  const sceneId = options.sceneId ?? 'scene';
  const total = options.sourceFrameCount ?? frames.length;
  const per = options.perType ?? 10;
  const stream = (type: string) => new Rng(hashString(`${options.seed ?? 0}/${sceneId}/${type}`));
  // The sampled frames, each with the objects it shows whose category it shows once (a unique name).
  const sampled = sampleFrameIndices(frames.length, SAMPLED_FRAMES).flatMap((source) => {
    const view = frames[source];
    if (!view) return [];
    const shown = objects.filter((o) => view.visible.has(o.instance));
    const unique = shown.filter((o) => shown.filter((x) => x.label === o.label).length === 1);
    return unique.length ? [{ source, view, unique }] : [];
  });
  const out: VstiObjectQuestion[] = [];
  const push = (type: VstiObjectQuestionType, source: number, stem: string, groundTruth: number | string, opts?: string[], answerText?: string) =>
    out.push({
      id: `${sceneId}/${type}/${out.filter((q) => q.questionType === type).length}`,
      questionType: type,
      question: formatPrompt(stem, opts),
      stem,
      groundTruth,
      ...(opts ? { options: opts, answerText } : {}),
      frame: source + 1,
    });
  const at = (source: number) => `frame ${source + 1} of ${total}`;

  // Camera–object absolute distance: a visible, uniquely named object; camera centre to the box's nearest point.
  {
    const rng = stream('camera_obj_abs_dist');
    const pairs = sampled.flatMap((s) => s.unique.map((o) => ({ s, o })));
    for (const { s, o } of rng.sample(pairs, pairs.length)) {
      if (out.filter((q) => q.questionType === 'camera_obj_abs_dist').length >= per) break;
      const d = pyRound(pointToBoxDistance(o.box, [s.view.pose[12]!, s.view.pose[13]!, s.view.pose[14]!]), 1);
      if (d < OBJECT_RULES.minMetres || d > OBJECT_RULES.maxMetres) continue;
      push(
        'camera_obj_abs_dist',
        s.source,
        `What is the approximate distance (in meters) between the camera (or the person filming) and the nearest point of the ${o.label} in ${at(s.source)}?`,
        d,
      );
    }
  }

  // Camera–object relative distance: 2–4 visible, uniquely named objects; the closest to the camera.
  {
    const rng = stream('camera_obj_rel_dist');
    const counts = [0, 0, 0, 0];
    for (const s of rng.sample(sampled, sampled.length)) {
      if (out.filter((q) => q.questionType === 'camera_obj_rel_dist').length >= per) break;
      if (s.unique.length < 2) continue;
      const chosen = rng.sample(s.unique, Math.min(4, s.unique.length));
      const centre: Vec3 = [s.view.pose[12]!, s.view.pose[13]!, s.view.pose[14]!];
      const dist = chosen.map((o) => pyRound(pointToBoxDistance(o.box, centre), 1));
      const order = dist.map((d, i) => ({ d, i })).sort((a, b) => a.d - b.d);
      if (order[0]!.d < OBJECT_RULES.closestAtLeast || order[1]!.d - order[0]!.d < OBJECT_RULES.closestApart) continue;
      const names = chosen.map((o) => o.label);
      const correct = names[order[0]!.i]!;
      const { ordered, index } = placeAnswer(names, correct, counts, rng);
      push(
        'camera_obj_rel_dist',
        s.source,
        `Measuring from the closest point of each object, which of these objects (${names.join(', ')}) is the closest to the camera in ${at(s.source)}?`,
        LETTERS[index]!,
        ordered.map((o, i) => `${LETTERS[i]}. ${o}`),
        correct,
      );
    }
  }

  // Object–object relative position: two visible, uniquely named objects apart along one camera axis.
  {
    const rng = stream('obj_obj_relative_pos');
    const axes = [
      {
        axis: 0,
        words: ['Left', 'Right'] as const,
        stem: (a: string, b: string, f: string) => `In ${f}, relative to the ${b}, is the ${a} to the left or right?`,
      },
      {
        axis: 2,
        words: ['Near', 'Far'] as const,
        stem: (a: string, b: string, f: string) => `In ${f}, relative to the camera, is the ${a} near or far compared to the ${b}?`,
      },
      { axis: 1, words: ['Up', 'Down'] as const, stem: (a: string, b: string, f: string) => `In ${f}, relative to the ${b}, is the ${a} up or down?` },
    ];
    const counts = [0, 0];
    for (const s of rng.sample(sampled, sampled.length)) {
      if (out.filter((q) => q.questionType === 'obj_obj_relative_pos').length >= per) break;
      if (s.unique.length < 2) continue;
      const [a, b] = rng.sample(s.unique, 2) as [SceneBox, SceneBox];
      const { axis, words, stem } = axes[rng.int(axes.length)]!;
      const ca = boxCorners(a.box).map((p) => inCamera(s.view.pose, p)[axis]!);
      const cb = boxCorners(b.box).map((p) => inCamera(s.view.pose, p)[axis]!);
      // A wholly on the low side of B (left, near, up: camera x, z and y grow right, away and down) or the high side.
      const low = Math.min(...cb) - Math.max(...ca);
      const high = Math.min(...ca) - Math.max(...cb);
      if (Math.max(low, high) <= OBJECT_RULES.separation) continue;
      const correct = low > high ? words[0] : words[1];
      const { ordered, index } = placeAnswer([...words], correct, counts, rng);
      push(
        'obj_obj_relative_pos',
        s.source,
        stem(a.label, b.label, at(s.source)),
        LETTERS[index]!,
        ordered.map((o, i) => `${LETTERS[i]}. ${o}`),
        correct,
      );
    }
  }
  return out;
}
