import { describe, expect, it } from 'vitest';
import { answerSpatialQuestion } from '../../spatial/answer';
import { buildSceneMemory } from '../../spatial/sceneMemory';
import { meanRelativeAccuracy } from '../mra';
import { Rng } from '../vsibench/questions';
import {
  DIRECTION_VARIANTS,
  generateCameraQuestions,
  movementLabel,
  numericDistractors,
  sampleFrameIndices,
  templates,
  toCameraAxes,
  type VstiQuestion,
} from './questions';

type V3 = [number, number, number];

/** Column-major camera-to-world from the camera's axes in the world (x right, y down, z forward) and its centre. */
function pose(x: V3, y: V3, z: V3, t: V3): Float32Array {
  return Float32Array.from([...x, 0, ...y, 0, ...z, 0, ...t, 1]);
}
/** A camera looking along world +z, image down = world +y (OpenCV's own axes). */
const ALONG_Z = (t: V3) => pose([1, 0, 0], [0, 1, 0], [0, 0, 1], t);
/** Turned to look along world +x: its right is world -z. */
const ALONG_X = (t: V3) => pose([0, 0, -1], [0, 1, 0], [1, 0, 0], t);

const direction = (qs: VstiQuestion[]) => qs.filter((q) => q.questionType === 'camera_movement_direction');
const displacement = (qs: VstiQuestion[]) => qs.filter((q) => q.questionType === 'camera_displacement');

describe('frame sampling', () => {
  it('matches np.unique(np.linspace(0, n - 1, 32, dtype=int))', () => {
    expect(sampleFrameIndices(100)).toEqual([
      0, 3, 6, 9, 12, 15, 19, 22, 25, 28, 31, 35, 38, 41, 44, 47, 51, 54, 57, 60, 63, 67, 70, 73, 76, 79, 83, 86, 89, 92, 95, 99,
    ]);
    expect(sampleFrameIndices(40)).toEqual([
      0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13, 15, 16, 17, 18, 20, 21, 22, 23, 25, 26, 27, 28, 30, 31, 32, 33, 35, 36, 37, 39,
    ]);
    expect(sampleFrameIndices(64).slice(-3)).toEqual([58, 60, 63]);
    expect(sampleFrameIndices(1000).slice(0, 6)).toEqual([0, 32, 64, 96, 128, 161]);
    expect(sampleFrameIndices(33)).toHaveLength(32);
    expect(sampleFrameIndices(20)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('movement direction labels', () => {
  const dir = (p: Float32Array, to: V3, threshold = 0.5) => movementLabel(toCameraAxes(p, [to[0] - p[12]!, to[1] - p[13]!, to[2] - p[14]!]), threshold);

  it("reads the net motion in the start frame's camera axes: +z forward, +x right", () => {
    const p = ALONG_Z([1, 0, 2]);
    expect(dir(p, [1, 0, 3])).toBe('Forward');
    expect(dir(p, [1, 0, 1])).toBe('Backward');
    expect(dir(p, [2, 0, 2])).toBe('Right');
    expect(dir(p, [0, 0, 2])).toBe('Left');
  });

  it('turns with the camera', () => {
    const p = ALONG_X([0, 0, 0]);
    expect(dir(p, [1, 0, 0])).toBe('Forward');
    expect(dir(p, [-1, 0, 0])).toBe('Backward');
    expect(dir(p, [0, 0, -1])).toBe('Right');
    expect(dir(p, [0, 0, 1])).toBe('Left');
  });

  it('ignores vertical motion and motion under the threshold; the larger axis wins, z on a tie', () => {
    const p = ALONG_Z([0, 0, 0]);
    expect(dir(p, [0, 3, 0])).toBeNull();
    expect(dir(p, [0.4, 0, 0.45])).toBeNull();
    expect(dir(p, [0.9, 0, 0.45])).toBe('Right'); // only x is significant
    expect(dir(p, [0.6, 0, 0.8])).toBe('Forward');
    expect(dir(p, [-0.8, 0, 0.6])).toBe('Left');
    expect(movementLabel([0.7, 0, -0.7], 0.5)).toBe('Backward');
    expect(dir(p, [0, 0, 0.8], DIRECTION_VARIANTS.v1.threshold)).toBeNull(); // v1 needs more than 1 m
  });
});

/** 100 frames looking along world +z: 0.05 m a frame forward (+z), then right (+x), then back left (-x). */
function walkPositions(): V3[] {
  const out: V3[] = [];
  let p: V3 = [0, 0, 0];
  for (let f = 0; f < 100; f++) {
    out.push(p);
    p = f < 40 ? [p[0], p[1], p[2] + 0.05] : f < 70 ? [p[0] + 0.05, p[1], p[2]] : [p[0] - 0.05, p[1], p[2]];
  }
  return out;
}
const walk = () => walkPositions().map((p) => ALONG_Z(p));

describe('generated questions', () => {
  it('labels direction questions from the ground truth and words them as the benchmark does', () => {
    const qs = direction(generateCameraQuestions(walk(), { sceneId: 's', displacement: 0, directionPerVariant: 40 }));
    expect(qs.length).toBeGreaterThan(60);
    for (const q of qs) {
      const [s, e] = q.sourceFrames;
      expect(q.frames).toEqual([s + 1, e + 1]);
      // The camera looks along world +z throughout, so its axes are the world's.
      const at = walkPositions();
      const dx = at[e]![0] - at[s]![0];
      const dz = at[e]![2] - at[s]![2];
      const expected = Math.abs(dz) >= Math.abs(dx) ? (dz > 0 ? 'Forward' : 'Backward') : dx > 0 ? 'Right' : 'Left';
      expect(q.answerText, q.id).toBe(expected);
      // The letter points at the answer; the stem lists the options in the same order.
      const { choices } = DIRECTION_VARIANTS[q.variant!];
      expect(q.options).toHaveLength(choices);
      expect(q.options![['A', 'B', 'C', 'D'].indexOf(q.groundTruth as string)]).toBe(`${q.groundTruth}. ${q.answerText}`);
      const texts = q.options!.map((o) => o.slice(3));
      expect(new Set(texts).size).toBe(choices);
      expect(q.stem).toBe(templates.movementDirection(q.frames[0], q.frames[1], 100, texts));
      expect(q.question).toBe(
        `These are frames of a video.\n${q.stem}\nOptions:\n${q.options!.join('\n')}\nAnswer with the option's letter from the given choices directly.`,
      );
    }
    expect(qs.some((q) => q.answerText === 'Right') && qs.some((q) => q.answerText === 'Left') && qs.some((q) => q.answerText === 'Forward')).toBe(true);
    // Answer letters are spread over the positions.
    expect(new Set(qs.filter((q) => q.variant === 'v1').map((q) => q.groundTruth)).size).toBe(4);
  });

  it('words the v1/v2/v3 choice lists as the templates do', () => {
    expect(templates.movementDirection(3, 40, 100, ['Left', 'Forward'])).toBe(
      "During the sequence between frame 3 and frame 40 of 100, what was the primary consistent direction of the camera's movement relative to its orientation at the start? The options are Left and Forward.",
    );
    expect(templates.movementDirection(3, 40, 100, ['Left', 'Forward', 'Right'])).toMatch(/The options are Left, Forward, and Right\.$/);
    expect(templates.movementDirection(3, 40, 100, ['Left', 'Forward', 'Right', 'Backward'])).toMatch(/The options are Left, Forward, Right, and Backward\.$/);
    expect(templates.displacement(4, 90, 100)).toBe('Approximately how far (in meters) did the camera move between frame 4 and frame 90 of 100?');
  });

  it('keeps displacement pairs 5–30 sampled frames apart and 0.2–10 m apart, rounded to 0.1 m', () => {
    // 32 frames, 0.45 m apart along a line: 5 frames apart is 2.25 m, 23 or more is over 10 m.
    const poses = Array.from({ length: 32 }, (_, i) => ALONG_Z([0, 0, 0.45 * i]));
    const qs = displacement(generateCameraQuestions(poses, { displacement: 300, directionPerVariant: 0 }));
    expect(qs.length).toBeGreaterThan(50);
    for (const q of qs) {
      const gap = q.sampledRanks[1] - q.sampledRanks[0];
      expect(gap).toBeGreaterThanOrEqual(5);
      expect(gap).toBeLessThanOrEqual(22);
      expect(q.measured.displacement).toBeLessThanOrEqual(10);
      // Python's round(d, 1): within 0.05 m, on the 0.1 m grid (2.25 rounds to 2.2 there).
      expect(Math.abs((q.groundTruth as number) - q.measured.displacement)).toBeLessThanOrEqual(0.05 + 1e-6);
      expect(Number(((q.groundTruth as number) * 10).toFixed(6)) % 1).toBe(0);
      expect(q.question).toBe(
        `These are frames of a video.\n${templates.displacement(q.frames[0], q.frames[1], 32)}\nPlease answer the question using a single word or phrase.`,
      );
      expect(q.options).toBeUndefined();
    }
    // Pairs under 0.2 m are dropped: a camera that barely moves gets no displacement question.
    const still = Array.from({ length: 32 }, (_, i) => ALONG_Z([0.005 * i, 0, 0]));
    expect(displacement(generateCameraQuestions(still, { displacement: 50 }))).toHaveLength(0);
    // ... and so are pairs too close in the sequence: 6 frames can only give ranks 1 and 6.
    const six = Array.from({ length: 6 }, (_, i) => ALONG_Z([0.5 * i, 0, 0]));
    expect(displacement(generateCameraQuestions(six, { displacement: 50 })).map((q) => q.sampledRanks)).toEqual([[1, 6]]);
  });

  it('samples 32 frames of a longer source but names them in source frames', () => {
    const qs = generateCameraQuestions(walk(), { sceneId: 'k', directionPerVariant: 5 });
    const sampled = new Set(sampleFrameIndices(100));
    expect(qs.length).toBeGreaterThan(20);
    for (const q of qs) {
      for (const s of q.sourceFrames) expect(sampled.has(s)).toBe(true);
      expect(q.stem).toContain(`frame ${q.frames[0]} and frame ${q.frames[1]} of 100`);
      if (q.questionType === 'camera_movement_direction') expect(q.sampledRanks).toEqual(q.sourceFrames.map((s) => sampleFrameIndices(100).indexOf(s) + 1));
    }
  });

  it('skips frames without a pose', () => {
    const poses: (Float32Array | null)[] = walk();
    const missing = [0, 47, 51, 99];
    for (const f of missing) poses[f] = null;
    poses[3]![13] = Number.NaN;
    const qs = generateCameraQuestions(poses, { displacement: 100, directionPerVariant: 100 });
    expect(qs.length).toBeGreaterThan(30);
    for (const q of qs) for (const s of q.sourceFrames) expect([...missing, 3]).not.toContain(s);
  });

  it('is deterministic for a seed and scene, and changes with the seed', () => {
    const a = generateCameraQuestions(walk(), { sceneId: 'x', seed: 1 });
    expect(generateCameraQuestions(walk(), { sceneId: 'x', seed: 1 })).toEqual(a);
    expect(generateCameraQuestions(walk(), { sceneId: 'x', seed: 2 }).map((q) => q.question)).not.toEqual(a.map((q) => q.question));
    expect(a.map((q) => q.id)).toEqual([...new Set(a.map((q) => q.id))]);
  });
});

describe('numeric distractors (generate_multiple_choice)', () => {
  it('cannot surround 0.2 m with three options 0.1 m apart, so such a question is dropped', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 20; i++) expect(numericDistractors(0.2, rng)).toBeNull();
    // Python's float comparisons too: 0.6 − 0.4 < 0.2, so 0.6 m has no room for three options either.
    for (let i = 0; i < 20; i++) expect(numericDistractors(0.6, rng)).toBeNull();
    expect(Array.from({ length: 20 }, () => numericDistractors(0.8, rng)).filter(Boolean).length).toBeGreaterThan(15);
  });

  it('places three options within 25–175 % of a larger truth, at least 20 % of it apart', () => {
    const rng = new Rng(5);
    const c = numericDistractors(5, rng)!;
    expect(c).toHaveLength(3);
    for (const x of c) {
      expect(x).toBeGreaterThanOrEqual(1.2);
      expect(x).toBeLessThanOrEqual(8.8);
      for (const y of [...c.filter((v) => v !== x), 5]) expect(Math.abs(x - y)).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('the questions as answerSpatialQuestion reads them', () => {
  it('are answered from a scene memory built on the same poses', () => {
    // Turning while walking; x steps of 0.0613 m so that no pair ties between forward and sideways.
    const poses: Float32Array[] = [];
    let p: V3 = [0, 0, 0];
    for (let f = 0; f < 100; f++) {
      poses.push(f < 50 ? ALONG_Z(p) : ALONG_X(p));
      p = f < 40 ? [p[0], p[1], p[2] + 0.05] : [p[0] + 0.0613, p[1], p[2] - 0.01];
    }
    const identity = Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const memory = buildSceneMemory({
      stored: poses.map((pose, i) => ({ index: i, sourceFrame: i, timestampMs: i * 100, pose })),
      lostFrames: [],
      toGravity: identity,
      floorSeen: false,
      mapPoints: null,
      objects: null,
      sourceFrameCount: 100,
    });
    const qs = generateCameraQuestions(poses, { sceneId: 'rt' });
    expect(direction(qs).length).toBeGreaterThan(20);
    for (const q of direction(qs)) {
      const a = answerSpatialQuestion(q.question, memory);
      expect(a?.type, q.question).toBe('camera_movement_direction');
      expect(a?.value, `${q.id}: ${a?.text}`).toBe(q.groundTruth);
    }
    expect(displacement(qs).length).toBeGreaterThan(10);
    for (const q of displacement(qs)) {
      const a = answerSpatialQuestion(q.question, memory);
      expect(a?.type, q.question).toBe('camera_displacement');
      expect(a?.value as number).toBeCloseTo(q.measured.displacement, 5);
      expect(meanRelativeAccuracy(a!.value as number, q.groundTruth as number)).toBeGreaterThanOrEqual(0.5);
    }
  });
});
