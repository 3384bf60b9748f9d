// Gravity alignment: which way is up, and where is the floor. A handheld camera is held roughly upright,
// so the mean of the cameras' up axes is a prior; the floor is the largest plane roughly perpendicular to
// it that lies low in the map. The map is then shown and measured with +y up and the floor at y = 0,
// so heights, floor area and left / right mean something.
import { symmetricEigen, type Rigid, type Vec3 } from '../geometry/rigid';
import { seededRandom } from '../util/random';

export interface GravityEstimate {
  /** Unit up direction in the tracking world frame. */
  up: Vec3;
  /** The floor plane (n·x = d, n = up), when found. */
  floor: { height: number; inliers: number } | null;
  source: 'floor' | 'cameras';
}

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const normalise = (a: Vec3): Vec3 => {
  const n = Math.hypot(...a);
  return [a[0] / n, a[1] / n, a[2] / n];
};

/** Up axis of a camera-to-world pose in OpenCV camera axes (y points down in the image). */
export function cameraUp(pose: Rigid): Vec3 {
  return [-pose.R[1]!, -pose.R[4]!, -pose.R[7]!];
}

export interface GravityOptions {
  /** Largest angle between the floor normal and the cameras' up prior. */
  maxTiltDeg?: number;
  /** Distance to the plane that counts as on it (m). */
  inlierDistance?: number;
  /** Fewest points on a plane for it to count as the floor. */
  minInliers?: number;
  iterations?: number;
}

export function estimateGravity(points: Float32Array, cameraUps: Vec3[], options: GravityOptions = {}): GravityEstimate {
  const prior = normalise(cameraUps.reduce<Vec3>((s, u) => [s[0] + u[0], s[1] + u[1], s[2] + u[2]], [0, 0, 0]));
  const n = points.length / 3;
  const minInliers = options.minInliers ?? 500;
  if (n < minInliers || !Number.isFinite(prior[0])) return { up: Number.isFinite(prior[0]) ? prior : [0, -1, 0], floor: null, source: 'cameras' };
  const cosTilt = Math.cos(((options.maxTiltDeg ?? 30) * Math.PI) / 180);
  const eps = options.inlierDistance ?? 0.03;
  const rand = seededRandom(42);
  // Work on an even subsample: plane statistics need thousands of points, not the whole map.
  const step = Math.max(1, Math.floor(n / 15000));
  const pts: Vec3[] = [];
  for (let i = 0; i < n; i += step) pts.push([points[3 * i]!, points[3 * i + 1]!, points[3 * i + 2]!]);
  // Candidates come from the lowest third of the points along the prior: the floor is below everything else.
  const heights = pts.map((p) => dot(p, prior));
  const lowCut = Float32Array.from(heights).sort()[Math.floor(pts.length / 3)]!;
  const low = pts.filter((_, i) => heights[i]! <= lowCut);
  let best: { normal: Vec3; d: number; inliers: number } | null = null;
  for (let it = 0; it < (options.iterations ?? 200); it++) {
    const a = low[Math.floor(rand() * low.length)]!;
    const b = low[Math.floor(rand() * low.length)]!;
    const c = low[Math.floor(rand() * low.length)]!;
    const raw = cross([b[0] - a[0], b[1] - a[1], b[2] - a[2]], [c[0] - a[0], c[1] - a[1], c[2] - a[2]]);
    if (Math.hypot(...raw) < 1e-9) continue;
    let normal = normalise(raw);
    if (dot(normal, prior) < 0) normal = [-normal[0], -normal[1], -normal[2]];
    if (dot(normal, prior) < cosTilt) continue;
    const d = dot(normal, a);
    let inliers = 0;
    for (const p of pts) if (Math.abs(dot(normal, p) - d) < eps) inliers++;
    if (!best || inliers > best.inliers) best = { normal, d, inliers };
  }
  if (best) {
    // Least-squares refinement on the inliers: the plane's normal is the smallest principal axis.
    const on = pts.filter((p) => Math.abs(dot(best!.normal, p) - best!.d) < eps);
    const fit = fitPlane(on);
    const sign = fit && dot(fit.normal, best.normal) < 0 ? -1 : 1;
    if (fit && sign * dot(fit.normal, best.normal) > 0.9) {
      best = { normal: [sign * fit.normal[0], sign * fit.normal[1], sign * fit.normal[2]], d: sign * fit.d, inliers: best.inliers };
    }
    best.inliers *= step;
  }
  if (!best || best.inliers < minInliers) return { up: prior, floor: null, source: 'cameras' };
  return { up: best.normal, floor: { height: best.d, inliers: best.inliers }, source: 'floor' };
}

/** Least-squares plane through points (normal = eigenvector of the smallest covariance eigenvalue). */
function fitPlane(pts: Vec3[]): { normal: Vec3; d: number } | null {
  if (pts.length < 3) return null;
  const c = [0, 1, 2].map((a) => pts.reduce((s, p) => s + p[a]!, 0) / pts.length) as Vec3;
  const C = new Array<number>(9).fill(0);
  for (const p of pts) {
    const q = [p[0] - c[0], p[1] - c[1], p[2] - c[2]];
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) C[a * 3 + b]! += q[a]! * q[b]!;
  }
  const { values, vectors } = symmetricEigen(C, 3);
  let k = 0;
  for (let i = 1; i < 3; i++) if (values[i]! < values[k]!) k = i;
  const normal = normalise([vectors[k]!, vectors[3 + k]!, vectors[6 + k]!]);
  return { normal, d: dot(normal, c) };
}

/** The rigid transform from the tracking world to the gravity frame: up → +y, floor (when found) at y = 0. */
export function gravityAlignment(g: GravityEstimate): Rigid {
  const y = g.up;
  // Any horizontal x perpendicular to up; z completes a right-handed frame.
  const ref: Vec3 = Math.abs(y[0]) < 0.9 ? [1, 0, 0] : [0, 0, 1];
  const x = normalise(cross(y, cross(ref, y)));
  const z = cross(x, y);
  const R = [...x, ...y, ...z];
  return { R, t: [0, -(g.floor?.height ?? 0), 0] };
}
