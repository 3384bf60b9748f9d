// Geometry on oriented boxes and points: the measurements the solvers make.
import type { OrientedBox, Vec3 } from './types';

export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export const distance = (a: Vec3, b: Vec3): number => norm(sub(a, b));

/** The point of the box nearest to p (p itself when inside). */
export function closestPointOnBox(box: OrientedBox, p: Vec3): Vec3 {
  const d = sub(p, box.center);
  let q: Vec3 = [...box.center];
  for (let a = 0; a < 3; a++) {
    const axis = box.axes[a]!;
    const half = box.size[a]! / 2;
    const t = Math.max(-half, Math.min(half, dot(d, axis)));
    q = add(q, scale(axis, t));
  }
  return q;
}

export function pointToBoxDistance(box: OrientedBox, p: Vec3): number {
  return distance(p, closestPointOnBox(box, p));
}

/** The 8 corners of a box. */
export function boxCorners(box: OrientedBox): Vec3[] {
  const corners: Vec3[] = [];
  for (let i = 0; i < 8; i++) {
    let c: Vec3 = [...box.center];
    for (let a = 0; a < 3; a++) c = add(c, scale(box.axes[a]!, ((i >> a) & 1 ? 0.5 : -0.5) * box.size[a]!));
    corners.push(c);
  }
  return corners;
}

/** Whether two boxes overlap (separating-axis test over the 15 candidate axes). */
export function boxesOverlap(a: OrientedBox, b: OrientedBox): boolean {
  const axes: Vec3[] = [...a.axes, ...b.axes];
  for (const u of a.axes)
    for (const v of b.axes) {
      const c = cross(u, v);
      if (norm(c) > 1e-9) axes.push(c);
    }
  const d = sub(b.center, a.center);
  const radius = (box: OrientedBox, axis: Vec3) => box.axes.reduce((s, u, i) => s + (Math.abs(dot(u, axis)) * box.size[i]!) / 2, 0);
  return axes.every((axis) => Math.abs(dot(d, axis)) <= radius(a, axis) + radius(b, axis) + 1e-9);
}

/**
 * The closest points of two boxes and their distance (0 when they overlap). Alternating projection onto
 * two convex sets converges to a closest pair; boxes converge in a few dozen steps.
 */
export function closestPointsOfBoxes(a: OrientedBox, b: OrientedBox): { onA: Vec3; onB: Vec3; distance: number } {
  if (boxesOverlap(a, b)) {
    const mid = scale(add(closestPointOnBox(a, b.center), closestPointOnBox(b, a.center)), 0.5);
    return { onA: mid, onB: mid, distance: 0 };
  }
  let onA = closestPointOnBox(a, b.center);
  let onB = closestPointOnBox(b, onA);
  for (let i = 0; i < 200; i++) {
    const nextA = closestPointOnBox(a, onB);
    const nextB = closestPointOnBox(b, nextA);
    const moved = distance(nextA, onA) + distance(nextB, onB);
    onA = nextA;
    onB = nextB;
    if (moved < 1e-7) break;
  }
  return { onA, onB, distance: distance(onA, onB) };
}

/** The box's extent along the vertical (+y) and its two horizontal sides, whichever axes carry them. */
export function boxDimensions(box: OrientedBox): { height: number; horizontal: [number, number]; longest: number } {
  // The axis most aligned with up is the height; the other two are horizontal, longer first.
  let up = 0;
  for (let a = 1; a < 3; a++) if (Math.abs(box.axes[a]![1]) > Math.abs(box.axes[up]![1])) up = a;
  const others = [0, 1, 2]
    .filter((a) => a !== up)
    .map((a) => box.size[a]!)
    .sort((x, y) => y - x) as [number, number];
  return { height: box.size[up]!, horizontal: others, longest: Math.max(...box.size) };
}

/** The smallest box around points, with a vertical axis and the horizontal axes of the points' spread. */
export function fitUprightBox(points: ArrayLike<number>): OrientedBox | null {
  const n = Math.floor(points.length / 3);
  if (n < 4) return null;
  let mx = 0;
  let mz = 0;
  for (let i = 0; i < n; i++) {
    mx += points[3 * i]!;
    mz += points[3 * i + 2]!;
  }
  mx /= n;
  mz /= n;
  let sxx = 0;
  let sxz = 0;
  let szz = 0;
  for (let i = 0; i < n; i++) {
    const dx = points[3 * i]! - mx;
    const dz = points[3 * i + 2]! - mz;
    sxx += dx * dx;
    sxz += dx * dz;
    szz += dz * dz;
  }
  // Principal horizontal direction of the 2x2 covariance.
  const angle = 0.5 * Math.atan2(2 * sxz, sxx - szz);
  const u: Vec3 = [Math.cos(angle), 0, Math.sin(angle)];
  const w: Vec3 = [-Math.sin(angle), 0, Math.cos(angle)]; // = u × up: the axes u, up, w are right-handed
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    const p: Vec3 = [points[3 * i]!, points[3 * i + 1]!, points[3 * i + 2]!];
    const c = [dot(p, u), p[1], dot(p, w)];
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a]!, c[a]!);
      max[a] = Math.max(max[a]!, c[a]!);
    }
  }
  const mid = [0, 1, 2].map((a) => (min[a]! + max[a]!) / 2);
  const center = add(add(scale(u, mid[0]!), [0, mid[1]!, 0]), scale(w, mid[2]!));
  return { center, axes: [u, [0, 1, 0], w], size: [max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!] };
}
