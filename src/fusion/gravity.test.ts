import { describe, expect, it } from 'vitest';
import { applyRigid, type Vec3 } from '../geometry/rigid';
import { seededRandom } from '../util/random';
import { estimateGravity, gravityAlignment } from './gravity';

/** A room in a frame where up is `up`: a floor at height −1.2 along up, a wall, and clutter. */
function room(up: Vec3): Float32Array {
  const rand = seededRandom(9);
  const ref: Vec3 = [1, 0, 0];
  const x: Vec3 = [ref[0] - up[0] * up[0], -up[0] * up[1], -up[0] * up[2]];
  const nx = Math.hypot(...x);
  const ex = x.map((v) => v / nx) as Vec3;
  const ez: Vec3 = [up[1] * ex[2] - up[2] * ex[1], up[2] * ex[0] - up[0] * ex[2], up[0] * ex[1] - up[1] * ex[0]];
  const at = (a: number, h: number, b: number) => [0, 1, 2].map((i) => a * ex[i]! + h * up[i]! + b * ez[i]!);
  const pts: number[] = [];
  for (let i = 0; i < 4000; i++) pts.push(...at(rand() * 4 - 2, -1.2 + (rand() - 0.5) * 0.01, rand() * 4));
  for (let i = 0; i < 3000; i++) pts.push(...at(rand() * 4 - 2, -1.2 + rand() * 2.5, 4));
  for (let i = 0; i < 2000; i++) pts.push(...at(rand() * 4 - 2, -1.2 + rand() * 1.0, rand() * 4));
  return Float32Array.from(pts);
}

describe('estimateGravity', () => {
  const up: Vec3 = [0.1, -0.97, 0.2].map((v, _, a) => v / Math.hypot(...(a as Vec3))) as Vec3;

  it('finds the floor from a tilted camera prior and puts it at y = 0 with +y up', () => {
    const tiltedPrior: Vec3 = [0.35, -0.9, 0.25];
    const g = estimateGravity(room(up), [tiltedPrior]);
    expect(g.source).toBe('floor');
    const angle = (Math.acos(g.up[0] * up[0] + g.up[1] * up[1] + g.up[2] * up[2]) * 180) / Math.PI;
    expect(angle).toBeLessThan(2);
    const T = gravityAlignment(g);
    const onFloor = applyRigid(T, [-1.2 * up[0], -1.2 * up[1], -1.2 * up[2]]);
    expect(onFloor[1]).toBeCloseTo(0, 1);
    const upAfter = applyRigid({ R: T.R, t: [0, 0, 0] }, up);
    expect(upAfter[1]).toBeGreaterThan(0.999);
  });

  it('falls back to the cameras when there is no floor to see', () => {
    const g = estimateGravity(new Float32Array(30), [[0, -1, 0]]);
    expect(g).toMatchObject({ source: 'cameras', floor: null, up: [0, -1, 0] });
  });
});
