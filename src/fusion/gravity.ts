// Gravity alignment: which way is up, and where is the floor. A handheld camera is held roughly upright,
// so the mean of the cameras' up axes is a prior; the floor is the largest plane roughly perpendicular to
// it that lies low in the map. The map is then shown and measured with +y up and the floor at y = 0,
// so heights, floor area and left / right mean something.
import type { Rigid, Vec3 } from '../geometry/rigid';
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
  // Candidates come from the lowest third of the points along the prior: the floor is below everything else.
  const heights = new Float32Array(n);
  for (let i = 0; i < n; i++) heights[i] = points[3 * i]! * prior[0] + points[3 * i + 1]! * prior[1] + points[3 * i + 2]! * prior[2];
  const sorted = Float32Array.from(heights).sort();
  const lowCut = sorted[Math.floor(n / 3)]!;
  const low: number[] = [];
  for (let i = 0; i < n; i++) if (heights[i]! <= lowCut) low.push(i);
  const sample = (k: number) => [points[3 * k]!, points[3 * k + 1]!, points[3 * k + 2]!] as Vec3;
  // Score on a subsample for speed.
  const step = Math.max(1, Math.floor(n / 20000));
  let best: { normal: Vec3; d: number; inliers: number } | null = null;
  for (let it = 0; it < (options.iterations ?? 300); it++) {
    const a = sample(low[Math.floor(rand() * low.length)]!);
    const b = sample(low[Math.floor(rand() * low.length)]!);
    const c = sample(low[Math.floor(rand() * low.length)]!);
    const raw = cross([b[0] - a[0], b[1] - a[1], b[2] - a[2]], [c[0] - a[0], c[1] - a[1], c[2] - a[2]]);
    if (Math.hypot(...raw) < 1e-9) continue;
    let normal = normalise(raw);
    if (dot(normal, prior) < 0) normal = [-normal[0], -normal[1], -normal[2]];
    if (dot(normal, prior) < cosTilt) continue;
    const d = dot(normal, a);
    let inliers = 0;
    for (let i = 0; i < n; i += step) if (Math.abs(dot(normal, sample(i)) - d) < eps) inliers++;
    inliers *= step;
    if (!best || inliers > best.inliers) best = { normal, d, inliers };
  }
  if (!best || best.inliers < minInliers) return { up: prior, floor: null, source: 'cameras' };
  return { up: best.normal, floor: { height: best.d, inliers: best.inliers }, source: 'floor' };
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
