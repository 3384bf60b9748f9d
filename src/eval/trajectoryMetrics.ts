// Trajectory accuracy as ../shared/docs/benchmarks.md defines it: ATE RMSE after the best rigid
// alignment (no scale) and after the best similarity (the shape of the path, whatever its metric scale), RPE between consecutive keyframes, path-length scale ratio, and VSTI-Bench's
// camera-displacement MRA over all keyframe pairs 0.2–10 m apart.
import { alignRigid, alignSimilarity, applyRigid, composeRigid, invertRigid, type Rigid, type Vec3 } from '../geometry/rigid';
import { meanRelativeAccuracy } from './mra';

export interface TrajectoryMetrics {
  frames: number;
  /** The rigid transform that best maps the estimated camera centres onto the ground truth's. */
  alignment: Rigid;
  ateRmse: number;
  /** ATE RMSE after the best similarity alignment. */
  ateSimilarityRmse: number;
  /** The similarity's scale inverted: the estimate's size over the truth's (1.05: the map is 5 % too large). */
  mapScale: number;
  /** The similarity that best maps the estimated camera centres onto the ground truth's. */
  similarity: { scale: number; rigid: Rigid };
  rpeTranslation: number;
  rpeRotationDeg: number;
  scaleRatio: number;
  displacementMra: number;
  displacementPairs: number;
}

const dist = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

function rotationAngleDeg(R: number[]): number {
  return (Math.acos(Math.min(1, Math.max(-1, (R[0]! + R[4]! + R[8]! - 1) / 2))) * 180) / Math.PI;
}

/** `est[i]` and `gt[i]` are camera-to-world poses of the same frame (only frames with both). */
export function trajectoryMetrics(est: Rigid[], gt: Rigid[]): TrajectoryMetrics {
  const n = est.length;
  if (n !== gt.length || n < 3) throw new Error(`need ≥ 3 paired poses, got ${n} and ${gt.length}`);
  const ce = est.map((p) => p.t);
  const cg = gt.map((p) => p.t);
  const align = alignRigid(ce, cg);
  const ate = Math.sqrt(ce.reduce((s, c, i) => s + dist(applyRigid(align, c), cg[i]!) ** 2, 0) / n);
  const similarity = alignSimilarity(ce, cg);
  const scaled = (c: Vec3): Vec3 => applyRigid(similarity.rigid, [similarity.scale * c[0], similarity.scale * c[1], similarity.scale * c[2]]);
  const ateSimilarity = Math.sqrt(ce.reduce((s, c, i) => s + dist(scaled(c), cg[i]!) ** 2, 0) / n);

  let rpeT = 0;
  let rpeR = 0;
  let lenE = 0;
  let lenG = 0;
  for (let i = 1; i < n; i++) {
    const relE = composeRigid(invertRigid(est[i - 1]!), est[i]!);
    const relG = composeRigid(invertRigid(gt[i - 1]!), gt[i]!);
    const err = composeRigid(invertRigid(relG), relE);
    rpeT += Math.hypot(...err.t);
    rpeR += rotationAngleDeg(err.R);
    lenE += dist(ce[i]!, ce[i - 1]!);
    lenG += dist(cg[i]!, cg[i - 1]!);
  }

  let mra = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const g = dist(cg[i]!, cg[j]!);
      if (g < 0.2 || g > 10) continue;
      mra += meanRelativeAccuracy(dist(ce[i]!, ce[j]!), g);
      pairs++;
    }
  }
  return {
    frames: n,
    alignment: align,
    ateRmse: ate,
    ateSimilarityRmse: ateSimilarity,
    mapScale: 1 / similarity.scale,
    similarity,
    rpeTranslation: rpeT / (n - 1),
    rpeRotationDeg: rpeR / (n - 1),
    scaleRatio: lenG > 0 ? lenE / lenG : Number.NaN,
    displacementMra: pairs ? mra / pairs : Number.NaN,
    displacementPairs: pairs,
  };
}

/**
 * Per frame, in the similarity alignment (the path's shape): how far the camera centre is from the truth, and how far
 * its step from the frame before is from the true step (0 for the first). A single wrong placement shows as one large
 * step error and, if the next frame is right again, another; drift as small ones adding up.
 */
export function frameErrors(est: Rigid[], gt: Rigid[], similarity: { scale: number; rigid: Rigid }): { position: number; step: number }[] {
  const s = similarity.scale;
  return est.map((p, i) => {
    const c = applyRigid(similarity.rigid, [s * p.t[0], s * p.t[1], s * p.t[2]]);
    if (i === 0) return { position: dist(c, gt[i]!.t), step: 0 };
    const relE = composeRigid(invertRigid(est[i - 1]!), p);
    const relG = composeRigid(invertRigid(gt[i - 1]!), gt[i]!);
    return { position: dist(c, gt[i]!.t), step: dist([s * relE.t[0], s * relE.t[1], s * relE.t[2]], relG.t) };
  });
}
