// Pose refinement by reprojection: Gauss-Newton on SE(3) minimising the Huber-weighted pixel error of map
// points seen in the current image. Pixels are where the colour camera measured a feature, so this is more
// precise than fitting 3D to 3D with noisy (and, on Kinect data, imperfectly registered) depth.
import { applyRigid, composeRigid, invertRigid, type Rigid, type Vec3 } from '../geometry/rigid';
import type { Intrinsics } from '../geometry/types';

/** Solves the 6x6 system A x = b (A symmetric positive definite) by Gaussian elimination with pivoting. */
function solve6(A: number[], b: number[]): number[] | null {
  const n = 6;
  const M = A.map((v) => v);
  const x = b.slice();
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]!) > Math.abs(M[p * n + c]!)) p = r;
    if (Math.abs(M[p * n + c]!) < 1e-12) return null;
    if (p !== c) {
      for (let k = 0; k < n; k++) [M[c * n + k], M[p * n + k]] = [M[p * n + k]!, M[c * n + k]!];
      [x[c], x[p]] = [x[p]!, x[c]!];
    }
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c]! / M[c * n + c]!;
      for (let k = c; k < n; k++) M[r * n + k]! -= f * M[c * n + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= M[r * n + k]! * x[k]!;
    x[r] = s / M[r * n + r]!;
  }
  return x;
}

/** exp of a twist (ω, v) as a rigid transform (first-order translation is enough for small steps). */
function expTwist(d: number[]): Rigid {
  const [wx, wy, wz, vx, vy, vz] = d as [number, number, number, number, number, number];
  const th = Math.hypot(wx, wy, wz);
  let R: number[];
  if (th < 1e-12) R = [1, -wz, wy, wz, 1, -wx, -wy, wx, 1];
  else {
    const [kx, ky, kz] = [wx / th, wy / th, wz / th];
    const c = Math.cos(th);
    const s = Math.sin(th);
    const C = 1 - c;
    R = [
      c + kx * kx * C,
      kx * ky * C - kz * s,
      kx * kz * C + ky * s,
      ky * kx * C + kz * s,
      c + ky * ky * C,
      ky * kz * C - kx * s,
      kz * kx * C - ky * s,
      kz * ky * C + kx * s,
      c + kz * kz * C,
    ];
  }
  return { R, t: [vx, vy, vz] };
}

export interface ReprojectionResult {
  pose: Rigid;
  /** Indices of pairs whose final error is under the inlier threshold. */
  inliers: number[];
  rmsPx: number;
}

/**
 * Refines a camera-to-world pose so that `world[i]` projects onto `pixels[i]`.
 * Huber weights (δ = 2 px) keep wrong matches from pulling the pose; pairs beyond `inlierPx` at the end are outliers.
 */
export function refineByReprojection(pose: Rigid, world: Vec3[], pixels: [number, number][], k: Intrinsics, iterations = 8, inlierPx = 4): ReprojectionResult {
  let Tcw = invertRigid(pose);
  const huber = 2;
  for (let it = 0; it < iterations; it++) {
    const H = new Array<number>(36).fill(0);
    const g = new Array<number>(6).fill(0);
    for (let i = 0; i < world.length; i++) {
      const [X, Y, Z] = applyRigid(Tcw, world[i]!);
      if (Z < 0.05) continue;
      const iz = 1 / Z;
      const eu = k.fx * X * iz + k.cx - pixels[i]![0];
      const ev = k.fy * Y * iz + k.cy - pixels[i]![1];
      const e = Math.hypot(eu, ev);
      const w = e <= huber ? 1 : huber / e;
      // d(u,v)/d(δω, δv) for a left perturbation: dPc = −[Pc]× δω + δv.
      const du = [-k.fx * X * Y * iz * iz, k.fx * (1 + X * X * iz * iz), -k.fx * Y * iz, k.fx * iz, 0, -k.fx * X * iz * iz];
      const dv = [-k.fy * (1 + Y * Y * iz * iz), k.fy * X * Y * iz * iz, k.fy * X * iz, 0, k.fy * iz, -k.fy * Y * iz * iz];
      for (let a = 0; a < 6; a++) {
        g[a]! += w * (du[a]! * eu + dv[a]! * ev);
        for (let b = a; b < 6; b++) H[a * 6 + b]! += w * (du[a]! * du[b]! + dv[a]! * dv[b]!);
      }
    }
    for (let a = 0; a < 6; a++) for (let b = 0; b < a; b++) H[a * 6 + b] = H[b * 6 + a]!;
    for (let a = 0; a < 6; a++) H[a * 6 + a]! *= 1.0001; // a touch of damping
    const step = solve6(
      H,
      g.map((v) => -v),
    );
    if (!step) break;
    Tcw = composeRigid(expTwist(step), Tcw);
    if (Math.hypot(...step) < 1e-8) break;
  }
  const inliers: number[] = [];
  let sq = 0;
  for (let i = 0; i < world.length; i++) {
    const [X, Y, Z] = applyRigid(Tcw, world[i]!);
    if (Z < 0.05) continue;
    const e = Math.hypot((k.fx * X) / Z + k.cx - pixels[i]![0], (k.fy * Y) / Z + k.cy - pixels[i]![1]);
    if (e < inlierPx) {
      inliers.push(i);
      sq += e * e;
    }
  }
  return { pose: invertRigid(Tcw), inliers, rmsPx: Math.sqrt(sq / Math.max(1, inliers.length)) };
}
