import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../scripts/fixtures/onnxBuilder';
import {
  alignRigid,
  alignSimilarity,
  applyRigid,
  rotationFromVector,
  solveLinear,
  composeRigid,
  constantVelocityPose,
  nearestRotation,
  type Rigid,
  invertRigid,
  matrixToRigid,
  rigidToMatrix,
  symmetricEigen,
  type Vec3,
} from './rigid';

/** The rotation by `angle` about `axis` (any length). */
function rotation(axis: Vec3, angle: number): number[] {
  const n = Math.hypot(...axis);
  return rotationFromVector((axis[0] / n) * angle, (axis[1] / n) * angle, (axis[2] / n) * angle);
}

describe('rotationFromVector and solveLinear', () => {
  it('turns a vector about its axis by its length, and solves a linear system or says it cannot', () => {
    const R = rotationFromVector(0, 0, Math.PI / 2); // a quarter turn about z: x → y
    expect(applyRigid({ R, t: [0, 0, 0] }, [1, 0, 0]).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([0, 1, 0]);
    expect(solveLinear([2, 1, 1, 3], [3, 5], 2)!.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([0.8, 1.4]);
    expect(solveLinear([1, 2, 2, 4], [1, 2], 2)).toBeNull();
  });
});

describe('alignRigid', () => {
  it('recovers a known rotation and translation exactly', () => {
    const rand = seededRandom(7);
    const T = { R: rotation([0.3, -1, 0.5], 2.1), t: [0.5, -2, 3] as Vec3 };
    const src = Array.from({ length: 20 }, () => [rand() * 4 - 2, rand() * 4 - 2, rand() * 4] as Vec3);
    const dst = src.map((p) => applyRigid(T, p));
    const est = alignRigid(src, dst);
    est.R.forEach((v, i) => expect(v).toBeCloseTo(T.R[i]!, 9));
    est.t.forEach((v, i) => expect(v).toBeCloseTo(T.t[i]!, 9));
  });

  it('handles a 180° rotation and noise, and weights outliers away', () => {
    const rand = seededRandom(3);
    const T = { R: rotation([0, 1, 0], Math.PI), t: [1, 0, 0] as Vec3 };
    const src = Array.from({ length: 50 }, () => [rand() * 4, rand() * 4, rand() * 4] as Vec3);
    const dst = src.map((p) => applyRigid(T, p).map((v) => v + (rand() - 0.5) * 0.002) as Vec3);
    dst[0] = [100, 100, 100];
    const weights = src.map((_, i) => (i === 0 ? 0 : 1));
    const est = alignRigid(src, dst, weights);
    est.R.forEach((v, i) => expect(v).toBeCloseTo(T.R[i]!, 2));
    const err = Math.hypot(...applyRigid(est, src[5]!).map((v, a) => v - applyRigid(T, src[5]!)[a]!));
    expect(err).toBeLessThan(0.005);
  });
});

describe('rigid helpers', () => {
  it('inverts and composes poses, and converts to and from column-major matrices', () => {
    const T = { R: rotation([0, 1, 0], Math.PI / 2), t: [1, 2, 3] as Vec3 };
    const I = composeRigid(invertRigid(T), T);
    I.R.forEach((v, i) => expect(v).toBeCloseTo([1, 0, 0, 0, 1, 0, 0, 0, 1][i]!, 12));
    I.t.forEach((v) => expect(v).toBeCloseTo(0, 12));
    applyRigid(invertRigid(T), applyRigid(T, [4, 2, 3])).forEach((v, i) => expect(v).toBeCloseTo([4, 2, 3][i]!, 12));
    const m = rigidToMatrix(T);
    expect(Array.from(m.slice(12, 15))).toEqual([1, 2, 3]);
    const back = matrixToRigid(m);
    back.R.forEach((v, i) => expect(v).toBeCloseTo(T.R[i]!, 6));
  });
});

describe('symmetricEigen', () => {
  it('diagonalises a symmetric matrix', () => {
    const a = [4, 1, 2, 1, 3, 0, 2, 0, 5];
    const { values, vectors } = symmetricEigen(a, 3);
    for (let k = 0; k < 3; k++) {
      const v = [0, 1, 2].map((r) => vectors[r * 3 + k]!);
      const av = [0, 1, 2].map((r) => a[r * 3]! * v[0]! + a[r * 3 + 1]! * v[1]! + a[r * 3 + 2]! * v[2]!);
      av.forEach((x, r) => expect(x).toBeCloseTo(values[k]! * v[r]!, 9));
    }
  });
});

describe('alignSimilarity', () => {
  it('recovers a known scale, rotation and translation', () => {
    const rand = seededRandom(11);
    const T = { R: rotation([1, 0.2, -0.4], 0.9), t: [1, 2, -0.5] as Vec3 };
    const src = Array.from({ length: 30 }, () => [rand() * 4 - 2, rand() * 2 - 1, rand() * 3] as Vec3);
    const dst = src.map((p) => applyRigid(T, [0.92 * p[0], 0.92 * p[1], 0.92 * p[2]]));
    const { scale, rigid } = alignSimilarity(src, dst);
    expect(scale).toBeCloseTo(0.92, 6);
    for (let i = 0; i < 9; i++) expect(rigid.R[i]).toBeCloseTo(T.R[i]!, 6);
    for (let a = 0; a < 3; a++) expect(rigid.t[a]).toBeCloseTo(T.t[a]!, 6);
  });
});

describe('constantVelocityPose', () => {
  const orthonormalityError = (R: ArrayLike<number>) => {
    let worst = 0;
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        const dot = R[a]! * R[b]! + R[3 + a]! * R[3 + b]! + R[6 + a]! * R[6 + b]!;
        worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
      }
    }
    return worst;
  };

  it('keeps extrapolating a turning camera without its rotation going non-orthonormal', () => {
    // Poses rounded to float32 (as the pipeline stores them), then extrapolated frame after frame: unchecked,
    // the rounding error compounds by 1 + √2 a frame and shears the rotation within a few dozen frames.
    const step: Rigid = { R: rotationFromVector(0.01, 0.03, -0.005), t: [0.04, 0, 0.02] };
    let prev = matrixToRigid(rigidToMatrix({ R: rotationFromVector(0.3, -0.2, 0.1), t: [1, 2, 3] }));
    let last = matrixToRigid(rigidToMatrix(composeRigid(prev, step)));
    for (let frame = 0; frame < 60; frame++) [prev, last] = [last, constantVelocityPose(prev, last)];
    expect(orthonormalityError(last.R)).toBeLessThan(1e-12);
    // And it is still the same motion: 62 steps from the first pose.
    let truth: Rigid = { R: rotationFromVector(0.3, -0.2, 0.1), t: [1, 2, 3] };
    for (let frame = 0; frame < 61; frame++) truth = composeRigid(truth, step);
    for (let i = 0; i < 9; i++) expect(last.R[i]).toBeCloseTo(truth.R[i]!, 4);
  });

  it('nearestRotation leaves a rotation as it is and pulls a sheared one back', () => {
    const R = rotationFromVector(0.5, -1, 2);
    const same = nearestRotation({ R, t: [1, 2, 3] });
    for (let i = 0; i < 9; i++) expect(same.R[i]).toBeCloseTo(R[i]!, 12);
    expect(same.t).toEqual([1, 2, 3]);
    const sheared = R.map((v, i) => v + (i === 1 ? 0.02 : 0));
    expect(orthonormalityError(nearestRotation({ R: sheared, t: [0, 0, 0] }).R)).toBeLessThan(1e-12);
  });
});
