import { describe, expect, it } from 'vitest';
import type { Rigid } from '../geometry/rigid';
import { frameErrors, trajectoryMetrics } from './trajectoryMetrics';

const I = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const at = (x: number, y = 0, z = 0): Rigid => ({ R: I, t: [x, y, z] });

describe('trajectoryMetrics', () => {
  it('is perfect for a rigidly moved copy of the ground truth', () => {
    const gt = [at(0), at(1), at(2), at(2, 1)];
    const est = gt.map((p) => ({ R: [0, -1, 0, 1, 0, 0, 0, 0, 1], t: [-p.t[1] + 5, p.t[0], p.t[2] - 1] as [number, number, number] }));
    const m = trajectoryMetrics(est, gt);
    expect(m.ateRmse).toBeCloseTo(0, 9);
    expect(m.scaleRatio).toBeCloseTo(1, 9);
    expect(m.displacementMra).toBe(1);
  });

  it('measures a scale error in path length, ATE and displacement MRA', () => {
    const gt = [at(0), at(1), at(2), at(3)];
    const est = gt.map((p) => at(p.t[0] * 1.2));
    const m = trajectoryMetrics(est, gt);
    expect(m.scaleRatio).toBeCloseTo(1.2, 9);
    expect(m.ateRmse).toBeGreaterThan(0.1);
    expect(m.displacementMra).toBeCloseTo(0.7, 9); // 20 % off everywhere: θ ≤ 0.80 pass
    expect(m.rpeTranslation).toBeCloseTo(0.2, 9);
    // The shape is right: the similarity takes the scale out, and says how large the map is.
    expect(m.ateSimilarityRmse).toBeCloseTo(0, 9);
    expect(m.mapScale).toBeCloseTo(1.2, 9);
  });

  it('finds the one frame placed wrongly: its position and the steps into and out of it', () => {
    const gt = [at(0), at(0.1), at(0.2), at(0.3), at(0.4)];
    const est = gt.map((p, i) => (i === 2 ? at(0.2, 0.15) : p));
    const m = trajectoryMetrics(est, gt);
    const errors = frameErrors(est, gt, m.similarity);
    expect(errors.map((e) => e.step > 0.1)).toEqual([false, false, true, true, false]);
    expect(errors[2]!.position).toBeGreaterThan(0.1);
    expect(errors[0]!.step).toBe(0);
  });
});
