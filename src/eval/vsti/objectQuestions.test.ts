import { describe, expect, it } from 'vitest';
import type { OrientedBox, Vec3 } from '../../spatial/types';
import { type FrameView, generateObjectQuestions, type SceneBox } from './objectQuestions';

const cube = (center: Vec3, s = 0.4): OrientedBox => ({
  center,
  axes: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  size: [s, s, s],
});
// A camera at the origin looking along world +z, y down (identity camera-to-world: OpenCV axes = world axes).
const pose = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

describe('generateObjectQuestions', () => {
  const objects: SceneBox[] = [
    { instance: 1, label: 'sofa', box: cube([-1, 0, 3]) },
    { instance: 2, label: 'lamp', box: cube([1, 0, 2]) },
    { instance: 3, label: 'plant', box: cube([0, 0, 5]) },
    // Two chairs in view: "the chair" would be ambiguous, so never asked about.
    { instance: 4, label: 'chair', box: cube([0.5, 0, 4]) },
    { instance: 5, label: 'chair', box: cube([-0.5, 0, 4]) },
  ];
  const frames: (FrameView | null)[] = Array.from({ length: 10 }, () => ({ pose, visible: new Set([1, 2, 3, 4, 5]) }));
  const qs = generateObjectQuestions(frames, objects, { seed: 1, perType: 20 });

  it('asks the camera-to-object distance to the nearest point of a uniquely named visible object', () => {
    const abs = qs.filter((q) => q.questionType === 'camera_obj_abs_dist');
    expect(abs.length).toBeGreaterThan(0);
    for (const q of abs) {
      const label = /nearest point of the (\w+) in frame/.exec(q.stem)![1]!;
      expect(label).not.toBe('chair');
      const expected = { sofa: 2.9, lamp: 2.0, plant: 4.8 }[label as 'sofa' | 'lamp' | 'plant'];
      expect(q.groundTruth).toBeCloseTo(expected, 5);
    }
  });

  it('marks the closest object, and the side, near/far and up/down of two objects as the camera sees them', () => {
    for (const q of qs.filter((x) => x.questionType === 'camera_obj_rel_dist')) {
      const names = /objects \(([^)]+)\)/.exec(q.stem)![1]!.split(', ');
      const nearest = ['lamp', 'sofa', 'plant'].find((n) => names.includes(n));
      expect(q.answerText).toBe(nearest);
      expect(q.options).toContain(`${q.groundTruth}. ${nearest}`);
    }
    const pos = qs.filter((x) => x.questionType === 'obj_obj_relative_pos');
    expect(pos.length).toBeGreaterThan(0);
    const x = (l: string) => objects.find((o) => o.label === l)!.box.center;
    for (const q of pos) {
      const lr = /relative to the (\w+), is the (\w+) to the left or right/.exec(q.stem);
      const nf = /is the (\w+) near or far compared to the (\w+)/.exec(q.stem);
      if (lr) expect(q.answerText).toBe(x(lr[2]!)[0] < x(lr[1]!)[0] ? 'Left' : 'Right');
      if (nf) expect(q.answerText).toBe(x(nf[1]!)[2] < x(nf[2]!)[2] ? 'Near' : 'Far');
      // All five sit at one height: never separated up or down.
      expect(q.stem).not.toContain('up or down');
    }
  });
});
