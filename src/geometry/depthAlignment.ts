// Dense alignment of a keyframe's depth with the map: the map's surface as the keyframe's camera sees it
// (VoxelMap.view, a coarse z-buffer) is matched to the depth map by projection, and Gauss-Newton on point-to-plane
// distances finds the pose from a guess (frame-to-model, as KinectFusion does) and, for a model's depth, the depth's
// scale: a monocular model's metric scale wanders from frame to frame. What is left of a model's error is smooth in
// the image (a few % of shape), so it is measured on a coarse grid and taken out too, and the keyframe lands on the
// surfaces the map already has. The pipeline uses it as odometry for keyframes the tracker's features cannot place.
// Plain TypeScript (tests and evaluations run it in Node).
import type { MapView } from '../fusion/voxelMap';
import { composeRigid, rotationFromVector, solveLinear, vectorFromRotation, type Rigid } from './rigid';
import type { DepthResult } from './types';

export interface DepthAlignment {
  /** Camera-to-world after alignment. */
  pose: Rigid;
  /** Factor the depth was multiplied by to agree with the map (1 for a sensor's depth). */
  scale: number;
  /** The depth as aligned: scaled and, for a model's depth, its smooth shape error taken out. */
  depth: Float32Array;
  /** Map points matched within the robust threshold at the last step. */
  inliers: number;
  /** Robust standard deviation of the inliers' point-to-plane distance over depth (a relative error). */
  relativeResidual: number;
}

export interface AlignOptions {
  /** Estimate the depth's scale (a model's depth) or keep it (a sensor's). */
  estimateScale: boolean;
  /** The expected scale (the last keyframe's); the estimate is drawn to it where the view cannot tell scale from motion. */
  scalePrior?: number;
  /** Standard deviation of the log scale's change from the prior (a model's frame-to-frame wander). */
  scalePriorStd?: number;
  /** How far (m, rad; one standard deviation) the pose may be from the guess before the view says otherwise. */
  motionPriorStd?: { translation: number; rotation: number };
  iterations?: number;
}

/** Fewer matched map points than this: the map cannot say where the keyframe is; it is fused as tracked. */
const MIN_MATCHES = 150;
/** The shape correction's grid (cells across, down): a model's shape error is smooth at this scale. */
const SHAPE_GRID: [number, number] = [6, 4];
const MIN_SHAPE_SAMPLES = 12;
/** A constant-velocity guess over a keyframe's interval is off by a few centimetres and degrees. */
const MOTION_PRIOR_STD = { translation: 0.05, rotation: 0.05 };

type Vec = [number, number, number];

/**
 * Aligns `depth` (the keyframe's, at its intrinsics) to `view` (the map seen from `initial`, with the same intrinsics and
 * image size). Null when the map and the keyframe share too little to tell.
 */
export function alignDepthToMap(depth: DepthResult, view: MapView, initial: Rigid, options: AlignOptions): DepthAlignment | null {
  const { width, height } = depth;
  const { fx, fy, cx, cy } = depth.intrinsics;
  const prior = Math.log(options.scalePrior ?? 1);
  const priorStd = options.scalePriorStd ?? 0.05;
  // The correction Δ (new camera → the initial camera's frame) is kept as its inverse applied to map points.
  let R = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  let t: Vec = [0, 0, 0];
  let logScale = options.estimateScale ? prior : 0;
  const cells = view.cols * view.rows;
  const depthAt = (u: number, v: number): number => {
    const z = depth.depth[v * width + u]!;
    return z > 0 && depth.confidence[v * width + u]! >= 0.5 ? z : 0;
  };
  // The camera-frame point of pixel (u, v) at unit scale, or null.
  const lift = (u: number, v: number): Vec | null => {
    const z = depthAt(u, v);
    return z > 0 ? [((u - cx) / fx) * z, ((v - cy) / fy) * z, z] : null;
  };
  // Normals over a few centimetres, not neighbouring pixels: a sensor's depth is quantised, a model's is smooth.
  const gap = Math.max(2, Math.round(width / 80));
  const normalAt = (u: number, v: number): Vec | null => {
    if (u < gap || v < gap || u >= width - gap || v >= height - gap) return null;
    const l = lift(u - gap, v);
    const r = lift(u + gap, v);
    const up = lift(u, v - gap);
    const dn = lift(u, v + gap);
    if (!l || !r || !up || !dn) return null;
    const a: Vec = [r[0] - l[0], r[1] - l[1], r[2] - l[2]];
    const b: Vec = [dn[0] - up[0], dn[1] - up[1], dn[2] - up[2]];
    const n: Vec = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
    const len = Math.hypot(...n);
    if (!(len > 0)) return null;
    return [n[0] / len, n[1] / len, n[2] / len];
  };

  let threshold = 0.1; // relative point-to-plane distance; tightened to the residuals' spread each step
  let inliers = 0;
  let spread = threshold;
  const iterations = options.iterations ?? 8;
  for (let iter = 0; iter < iterations; iter++) {
    const H = new Float64Array(49);
    const g = new Float64Array(7);
    const residuals: number[] = [];
    inliers = 0;
    const s = Math.exp(logScale);
    for (let c = 0; c < cells; c++) {
      const mz = view.points[3 * c + 2]!;
      if (mz === 0) continue;
      const m: Vec = [view.points[3 * c]!, view.points[3 * c + 1]!, mz];
      // The map point in the current estimate of the keyframe's camera.
      const p: Vec = [
        R[0]! * m[0] + R[1]! * m[1] + R[2]! * m[2] + t[0],
        R[3]! * m[0] + R[4]! * m[1] + R[5]! * m[2] + t[1],
        R[6]! * m[0] + R[7]! * m[1] + R[8]! * m[2] + t[2],
      ];
      if (p[2] < 0.1) continue;
      const u = Math.round((fx * p[0]) / p[2] + cx);
      const v = Math.round((fy * p[1]) / p[2] + cy);
      if (u < 0 || v < 0 || u >= width || v >= height) continue;
      const x0 = lift(u, v);
      const n = x0 && normalAt(u, v);
      if (!x0 || !n) continue;
      const x: Vec = [s * x0[0], s * x0[1], s * x0[2]];
      // The plane faces the camera; seen edge-on it says little about where the surface is.
      const facing = n[0] * x[0] + n[1] * x[1] + n[2] * x[2];
      if (facing > 0) for (let a = 0; a < 3; a++) n[a] = -n[a]!;
      if (Math.abs(facing) < 0.2 * Math.hypot(...x)) continue;
      // Point-to-plane distance over depth (a relative error: farther is less sure).
      const r = (n[0] * (p[0] - x[0]) + n[1] * (p[1] - x[1]) + n[2] * (p[2] - x[2])) / x[2];
      residuals.push(Math.abs(r));
      if (Math.abs(r) > threshold) continue;
      inliers++;
      // d r / d(ω, v, σ), r relative to depth; Huber weight inside the threshold.
      const pxn: Vec = [p[1] * n[2] - p[2] * n[1], p[2] * n[0] - p[0] * n[2], p[0] * n[1] - p[1] * n[0]];
      const J = [-pxn[0] / x[2], -pxn[1] / x[2], -pxn[2] / x[2], -n[0] / x[2], -n[1] / x[2], -n[2] / x[2], 0];
      // The residual over depth does not change with scale where the map agrees; its derivative is the plane term.
      if (options.estimateScale) J[6] = -(n[0] * x[0] + n[1] * x[1] + n[2] * x[2]) / x[2];
      const huber = spread / 2;
      const w = Math.abs(r) <= huber ? 1 : huber / Math.abs(r);
      for (let a = 0; a < 7; a++) {
        g[a]! += w * J[a]! * r;
        for (let b = 0; b <= a; b++) H[a * 7 + b]! += w * J[a]! * J[b]!;
      }
    }
    if (inliers < MIN_MATCHES) return null;
    residuals.sort((a, b) => a - b);
    spread = Math.max(1e-3, 1.4826 * residuals[Math.floor(residuals.length / 2)]!);
    threshold = Math.min(threshold, Math.max(3 * spread, 0.01));
    for (let a = 0; a < 7; a++) for (let b = a + 1; b < 7; b++) H[a * 7 + b] = H[b * 7 + a]!;
    if (options.estimateScale) {
      // The prior, in the residuals' units: where the view cannot tell scale from motion it holds the scale.
      const lambda = (spread * spread) / (priorStd * priorStd);
      H[48]! += lambda;
      g[6]! += lambda * (logScale - prior);
    } else H[48] = 1;
    // The guess as a prior: a view of one or two planes (a wall, a cabinet front) says nothing about sliding along
    // them, and without the prior the solution slides there as far as noise takes it.
    const motion = options.motionPriorStd ?? MOTION_PRIOR_STD;
    const moved = [...vectorFromRotation(R), ...t];
    for (let a = 0; a < 6; a++) {
      const lambda = (spread * spread) / (a < 3 ? motion.rotation : motion.translation) ** 2;
      H[a * 7 + a]! += lambda;
      g[a]! -= lambda * moved[a]!;
    }
    const step = solveLinear(H, g, 7);
    if (!step) return null;
    // The Gauss-Newton step is −H⁻¹g: Δ ← Δ·exp(−step), so map points in the keyframe's camera move by exp(step).
    const dR = rotationFromVector(step[0]!, step[1]!, step[2]!);
    R = mul3(dR, R);
    const dt = [step[3]!, step[4]!, step[5]!];
    t = [
      dR[0]! * t[0] + dR[1]! * t[1] + dR[2]! * t[2] + dt[0]!,
      dR[3]! * t[0] + dR[4]! * t[1] + dR[5]! * t[2] + dt[1]!,
      dR[6]! * t[0] + dR[7]! * t[1] + dR[8]! * t[2] + dt[2]!,
    ];
    if (options.estimateScale) logScale -= step[6]!;
    if (Math.hypot(step[0]!, step[1]!, step[2]!) < 1e-5 && Math.hypot(step[3]!, step[4]!, step[5]!) < 1e-5 && Math.abs(step[6]!) < 1e-5) break;
  }
  // (R, t) maps the initial camera's frame into the keyframe's: the keyframe's pose is initial · (R, t)⁻¹.
  const Rt = [R[0]!, R[3]!, R[6]!, R[1]!, R[4]!, R[7]!, R[2]!, R[5]!, R[8]!];
  const delta: Rigid = { R: Rt, t: [0, 1, 2].map((a) => -(Rt[a * 3]! * t[0] + Rt[a * 3 + 1]! * t[1] + Rt[a * 3 + 2]! * t[2])) as Vec };
  const scale = Math.exp(logScale);
  const aligned = options.estimateScale ? correctShape(depth, view, R, t, scale, spread) : depth.depth;
  return { pose: composeRigid(initial, delta), scale: options.estimateScale ? scale : 1, depth: aligned, inliers, relativeResidual: spread };
}

/**
 * A model's depth after scaling still bends a few % against the map, smoothly across the image: the log ratio of the
 * map's depth to the keyframe's is taken per cell of a coarse grid (median of agreeing pixels), cells without enough
 * samples take the global value (0), and the grid is interpolated bilinearly over the image.
 */
function correctShape(depth: DepthResult, view: MapView, R: number[], t: Vec, scale: number, spread: number): Float32Array {
  const { width, height } = depth;
  const { fx, fy, cx, cy } = depth.intrinsics;
  const [gx, gy] = SHAPE_GRID;
  const samples: number[][] = Array.from({ length: gx * gy }, () => []);
  for (let c = 0; c < view.cols * view.rows; c++) {
    const mz = view.points[3 * c + 2]!;
    if (mz === 0) continue;
    const m = [view.points[3 * c]!, view.points[3 * c + 1]!, mz];
    const pz = R[6]! * m[0]! + R[7]! * m[1]! + R[8]! * m[2]! + t[2];
    if (pz < 0.1) continue;
    const px = R[0]! * m[0]! + R[1]! * m[1]! + R[2]! * m[2]! + t[0];
    const py = R[3]! * m[0]! + R[4]! * m[1]! + R[5]! * m[2]! + t[1];
    const u = Math.round((fx * px) / pz + cx);
    const v = Math.round((fy * py) / pz + cy);
    if (u < 0 || v < 0 || u >= width || v >= height) continue;
    const z = depth.depth[v * width + u]!;
    if (!(z > 0) || depth.confidence[v * width + u]! < 0.5) continue;
    const logRatio = Math.log(pz / (scale * z));
    // Only where the map and the keyframe see the same surface (occluders and the map's far side are left out).
    if (Math.abs(logRatio) > Math.max(3 * spread, 0.02)) continue;
    samples[Math.min(gy - 1, Math.floor((v / height) * gy)) * gx + Math.min(gx - 1, Math.floor((u / width) * gx))]!.push(logRatio);
  }
  const medians = samples.map((list) => {
    if (list.length < MIN_SHAPE_SAMPLES) return Number.NaN;
    list.sort((a, b) => a - b);
    return list[Math.floor(list.length / 2)]!;
  });
  // The grid corrects shape only: its mean is scale, which the caller has decided on.
  const filled = medians.filter((m) => !Number.isNaN(m));
  const mean = filled.length ? filled.reduce((a, b) => a + b, 0) / filled.length : 0;
  const grid = medians.map((m) => (Number.isNaN(m) ? 0 : m - mean));
  const out = new Float32Array(width * height);
  for (let v = 0; v < height; v++) {
    const fy0 = Math.min(gy - 1, Math.max(0, ((v + 0.5) / height) * gy - 0.5));
    const y0 = Math.floor(fy0);
    const y1 = Math.min(gy - 1, y0 + 1);
    const wy = fy0 - y0;
    for (let u = 0; u < width; u++) {
      const z = depth.depth[v * width + u]!;
      if (!(z > 0)) continue;
      const fx0 = Math.min(gx - 1, Math.max(0, ((u + 0.5) / width) * gx - 0.5));
      const x0 = Math.floor(fx0);
      const x1 = Math.min(gx - 1, x0 + 1);
      const wx = fx0 - x0;
      const top = grid[y0 * gx + x0]! * (1 - wx) + grid[y0 * gx + x1]! * wx;
      const bottom = grid[y1 * gx + x0]! * (1 - wx) + grid[y1 * gx + x1]! * wx;
      out[v * width + u] = scale * z * Math.exp(top * (1 - wy) + bottom * wy);
    }
  }
  return out;
}

function mul3(A: number[], B: number[]): number[] {
  const out = new Array<number>(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[r * 3 + c] = A[r * 3]! * B[c]! + A[r * 3 + 1]! * B[3 + c]! + A[r * 3 + 2]! * B[6 + c]!;
  return out;
}
