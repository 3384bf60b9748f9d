// The ground-truth geometry of the VSI-Bench question generators, reimplemented from their description
// (VITA-Group/VLM-3R vlm_3r_data_process/src/utils/common_utils.py and tasks/vsibench/*.py; see
// docs/benchmark-rules.md). It works on the raw metadata boxes in their own z-up frame, exactly as the
// generator does, so that it stays independent of our conversion to the y-up scene memory.
//
// Distances are NOT exact closest-point distances: the generator samples a 5 cm grid over each box's outer
// shell, keeps the points Open3D's crop keeps, and takes the minimum point-to-point distance. Open3D's crop
// compares in floating point without tolerance, so whole faces of a box may be dropped by rounding; the
// sampled distance is then up to ~5 cm longer than the exact one. The float operations below are done in
// the same order as numpy (element-wise) and Eigen, which reproduces the published ground truth (see the
// tests: 10 released object_abs_distance answers and 10 object_rel_distance answers).
import type { MetaBox } from './metaScene';

/** Python's round(x, ndigits): the exact binary value rounded to the nearest, ties to even. */
export function pyRound(x: number, ndigits = 0): number {
  if (!Number.isFinite(x)) return x;
  // An exact tie (x = k + 0.5 at that precision) is a dyadic rational j / 2^(ndigits+1) with j odd.
  const t = x * 2 ** (ndigits + 1);
  if (Number.isInteger(t) && Math.abs(t) % 2 === 1) {
    const p = 10 ** ndigits;
    const m = x * p;
    const lo = Math.floor(m);
    const even = lo % 2 === 0 ? lo : lo + 1;
    return even / p;
  }
  // toFixed rounds the exact value of x; it only differs from Python on ties, handled above.
  return Number(x.toFixed(ndigits));
}

/** numpy.linspace(start, stop, num) with its float steps: i * step + start, the last value set to stop. */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num <= 0) return [];
  const div = num - 1;
  const delta = stop - start;
  const out: number[] = [];
  if (div > 0) {
    const step = delta / div;
    for (let i = 0; i < num; i++) out.push(step === 0 ? (i / div) * delta + start : i * step + start);
    out[num - 1] = stop;
  } else {
    out.push(0 * delta + start);
  }
  return out;
}

const axisRow = (b: MetaBox, i: number): [number, number, number] => [b.normalizedAxes[3 * i]!, b.normalizedAxes[3 * i + 1]!, b.normalizedAxes[3 * i + 2]!];

const sampleCache = new WeakMap<MetaBox, Float64Array>();

/**
 * The generator's sample of a box (sample_points_in_oriented_bbox_uniform): a grid of ceil(extent / 5 cm)
 * values per axis from −extent/2 to +extent/2 (numpy linspace; one value, −extent/2, when the extent is
 * under 5 cm), without the points inside the half-size inner box, rotated and moved onto the box, then
 * Open3D's crop to the box (|(p − c)·axis_i| ≤ extent_i / 2, no tolerance). If nothing survives, again at
 * half the spacing. Returns xyz triplets in the metadata frame.
 */
export function sampleBoxPoints(b: MetaBox, spacing = 0.05): Float64Array {
  if (spacing === 0.05) {
    const cached = sampleCache.get(b);
    if (cached) return cached;
  }
  const e = [b.axesLengths[0]!, b.axesLengths[1]!, b.axesLengths[2]!];
  const c = [b.centroid[0]!, b.centroid[1]!, b.centroid[2]!];
  const A = [axisRow(b, 0), axisRow(b, 1), axisRow(b, 2)] as const;
  const grids = e.map((x) => linspace(-x / 2, x / 2, Math.ceil(x / spacing)));
  const out: number[] = [];
  for (const gx of grids[0]!) {
    for (const gy of grids[1]!) {
      for (const gz of grids[2]!) {
        if (!(Math.abs(gx) > e[0]! / 4 || Math.abs(gy) > e[1]! / 4 || Math.abs(gz) > e[2]! / 4)) continue;
        // np.dot(points, R.T) with R.T = normalizedAxes (rows = axes), then + centre.
        const w = [0, 1, 2].map((j) => gx * A[0][j]! + gy * A[1][j]! + gz * A[2][j]! + c[j]!);
        // Open3D OrientedBoundingBox::GetPointIndicesWithinBoundingBox.
        const d = [w[0]! - c[0]!, w[1]! - c[1]!, w[2]! - c[2]!];
        let inside = true;
        for (let i = 0; i < 3 && inside; i++) {
          const a = A[i]!;
          const l = d[0]! * a[0] + d[1]! * a[1] + d[2]! * a[2];
          if (!(Math.abs(l) <= e[i]! / 2)) inside = false;
        }
        if (inside) out.push(w[0]!, w[1]!, w[2]!);
      }
    }
  }
  if (out.length === 0) {
    // The generator recurses at half the spacing; a degenerate box (zero extent) would recurse forever
    // there, so stop at 1 mm and use the centre.
    if (spacing < 1e-3) return new Float64Array(c);
    return sampleBoxPoints(b, spacing / 2);
  }
  const pts = new Float64Array(out);
  if (spacing === 0.05) sampleCache.set(b, pts);
  return pts;
}

/** Exact distance from a point to a box (0 inside): the excess of its local coordinates over the half sizes. */
function pointBoxDistance(b: MetaBox, x: number, y: number, z: number): number {
  const dx = x - b.centroid[0]!;
  const dy = y - b.centroid[1]!;
  const dz = z - b.centroid[2]!;
  let s = 0;
  for (let i = 0; i < 3; i++) {
    const l = dx * b.normalizedAxes[3 * i]! + dy * b.normalizedAxes[3 * i + 1]! + dz * b.normalizedAxes[3 * i + 2]!;
    const over = Math.abs(l) - b.axesLengths[i]! / 2;
    if (over > 0) s += over * over;
  }
  return Math.sqrt(s);
}

const dist3 = (p: Float64Array, i: number, q: Float64Array, j: number) =>
  Math.hypot(p[3 * i]! - q[3 * j]!, p[3 * i + 1]! - q[3 * j + 1]!, p[3 * i + 2]! - q[3 * j + 2]!);

/**
 * min over the two samples of the point-to-point distance (scipy cdist + min), computed without the full
 * N×M matrix but with the same result: a pair closer than an upper bound U must have each point within U
 * of the other box, which leaves a thin slab of candidates on each side.
 */
export function sampledBoxDistance(a: MetaBox, b: MetaBox): number {
  const P = sampleBoxPoints(a);
  const Q = sampleBoxPoints(b);
  const n = P.length / 3;
  const m = Q.length / 3;
  const dP = new Float64Array(n);
  const dQ = new Float64Array(m);
  let iBest = 0;
  let jBest = 0;
  for (let i = 0; i < n; i++) {
    dP[i] = pointBoxDistance(b, P[3 * i]!, P[3 * i + 1]!, P[3 * i + 2]!);
    if (dP[i]! < dP[iBest]!) iBest = i;
  }
  for (let j = 0; j < m; j++) {
    dQ[j] = pointBoxDistance(a, Q[3 * j]!, Q[3 * j + 1]!, Q[3 * j + 2]!);
    if (dQ[j]! < dQ[jBest]!) jBest = j;
  }
  let best = Infinity;
  for (let j = 0; j < m; j++) best = Math.min(best, dist3(P, iBest, Q, j));
  for (let i = 0; i < n; i++) best = Math.min(best, dist3(P, i, Q, jBest));
  const slack = best + 1e-9;
  const ci: number[] = [];
  const cj: number[] = [];
  for (let i = 0; i < n; i++) if (dP[i]! <= slack) ci.push(i);
  for (let j = 0; j < m; j++) if (dQ[j]! <= slack) cj.push(j);
  // Sweep over x: Q's candidates sorted by x, each P candidate scans the x-window of the best so far.
  cj.sort((x, y) => Q[3 * x]! - Q[3 * y]!);
  const qx = cj.map((j) => Q[3 * j]!);
  for (const i of ci) {
    const px = P[3 * i]!;
    let lo = 0;
    let hi = qx.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (qx[mid]! < px - best) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < qx.length && qx[k]! <= px + best; k++) {
      const d = dist3(P, i, Q, cj[k]!);
      if (d < best) best = d;
    }
  }
  return best;
}

/**
 * cal_3d_bbox_distance_between_categories: the smallest sampled distance over all instance pairs of two
 * categories ("if there are multiple instances, measure to the closest").
 */
export function categoryDistance(a: MetaBox[], b: MetaBox[]): number {
  let best = Infinity;
  for (const x of a) for (const y of b) best = Math.min(best, sampledBoxDistance(x, y));
  return best;
}

/** The 8 corners of a box (Open3D GetBoxPoints order), metadata frame. */
export function metaBoxCorners(b: MetaBox): [number, number, number][] {
  const c = b.centroid;
  const h = [0, 1, 2].map((i) => axisRow(b, i).map((v) => (v * b.axesLengths[i]!) / 2));
  const signs: [number, number, number][] = [
    [-1, -1, -1],
    [1, -1, -1],
    [-1, 1, -1],
    [-1, -1, 1],
    [1, 1, 1],
    [-1, 1, 1],
    [1, -1, 1],
    [1, 1, -1],
  ];
  return signs.map((s) => [0, 1, 2].map((j) => c[j]! + s[0] * h[0]![j]! + s[1] * h[1]![j]! + s[2] * h[2]![j]!) as [number, number, number]);
}

export type DirectionVariant = 'easy' | 'medium' | 'hard';
export type DirectionResult = { answer: string; angle: number } | { ambiguous: string; angle: number };

/**
 * The relative-direction ground truth (get_obj_rel_direction_v1/v2/v3_qa.py get_gt). In the horizontal
 * plane of the metadata (x, y; z is up), the angle of the querying object seen from the positioning
 * object's centroid, measured counter-clockwise (to the left) from the direction to the orienting object's
 * centroid, in [0, 360). The same angle for the querying box's 8 corners: if more than 2 corners fall in a
 * different sector than the centroid, the question is ambiguous. Sectors and margins:
 * - hard (v1): quadrants of 90° (0–90 front-left, 90–180 back-left, 180–270 back-right, 270–360
 *   front-right); ambiguous when the centroid is within 10° BELOW the end of its quadrant (only the upper
 *   boundary is checked, as the generator does).
 * - medium (v2): [0, 135) left, [135, 225) back, [225, 360) right; ambiguous within 10° of 0, 135, 225, 360.
 * - easy (v3): the medium sectors; "back" is skipped (ambiguous), else left or right.
 */
export function relativeDirectionGt(positioning: MetaBox, orienting: MetaBox, querying: MetaBox, variant: DirectionVariant): DirectionResult {
  const p = positioning.centroid;
  const v1x = orienting.centroid[0]! - p[0]!;
  const v1y = orienting.centroid[1]! - p[1]!;
  const points = [querying.centroid as [number, number, number], ...metaBoxCorners(querying)];
  const angles = points.map((q) => {
    const v2x = q[0] - p[0]!;
    const v2y = q[1] - p[1]!;
    const cos = (v1x * v2x + v1y * v2y) / (Math.hypot(v1x, v1y) * Math.hypot(v2x, v2y));
    const a = Math.acos(cos); // NaN outside [-1, 1], as numpy's arccos
    const cross = v1x * v2y - v1y * v2x;
    return (cross >= 0 ? a : 2 * Math.PI - a) * (180 / Math.PI);
  });
  const a0 = angles[0]!;
  if (angles.some((a) => Number.isNaN(a))) return { ambiguous: 'degenerate angle', angle: a0 };
  if (variant === 'hard') {
    const q = angles.map((a) => Math.floor(a / 90));
    if (q.slice(1).filter((x) => x !== q[0]).length > 2) return { ambiguous: 'box spans quadrants', angle: a0 };
    if (90 - (a0 % 90) < 10) return { ambiguous: 'near a quadrant boundary', angle: a0 };
    const answer = a0 >= 270 ? 'front-right' : a0 >= 180 ? 'back-right' : a0 >= 90 ? 'back-left' : 'front-left';
    return { answer, angle: a0 };
  }
  // numpy.digitize(angle, [0, 135, 225, 360]).
  const sector = (a: number) => (a < 0 ? 0 : a < 135 ? 1 : a < 225 ? 2 : a < 360 ? 3 : 4);
  const s = angles.map(sector);
  if (s.slice(1).filter((x) => x !== s[0]).length > 2) return { ambiguous: 'box spans sectors', angle: a0 };
  if (Math.min(...[0, 135, 225, 360].map((b) => Math.abs(a0 - b))) < 10) return { ambiguous: 'near a sector boundary', angle: a0 };
  if (s[0] === 1) return { answer: 'left', angle: a0 };
  if (s[0] === 3) return { answer: 'right', angle: a0 };
  if (s[0] === 2 && variant === 'medium') return { answer: 'back', angle: a0 };
  return { ambiguous: variant === 'easy' ? 'behind (easy asks left or right only)' : 'angle out of range', angle: a0 };
}
