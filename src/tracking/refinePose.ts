// Pose refinement by reprojection: Gauss-Newton on SE(3) minimising the Huber-weighted pixel error of map
// points seen in the current image. Pixels are where the colour camera measured a feature, so this is more
// precise than fitting 3D to 3D with noisy (and, on Kinect data, imperfectly registered) depth.
import { applyRigid, composeRigid, invertRigid, rotationFromVector, solveLinear, type Rigid, type Vec3 } from '../geometry/rigid';
import type { Intrinsics } from '../geometry/types';

/** exp of a twist (ω, v) as a rigid transform (first-order translation is enough for small steps). */
function expTwist(d: number[]): Rigid {
  const [wx, wy, wz, vx, vy, vz] = d as [number, number, number, number, number, number];
  return { R: rotationFromVector(wx, wy, wz), t: [vx, vy, vz] };
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
    const step = solveLinear(
      H,
      g.map((v) => -v),
      6,
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
