// The room from the map: its floor footprint (area and outline) and the ceiling height where a ceiling
// was seen. Points are in the gravity frame (+y up, the floor at y = 0).
import type { StoredKeyframe } from '../geometry/keyframeStore';
import { multiply } from '../geometry/mat4';
import type { Room } from './types';

const CELL = 0.1; // m: footprint grid
const MIN_POINTS_PER_CELL = 2;
const CEILING_MIN = 1.8; // m above the floor
const BIN = 0.05;
/** Sight lines taken from at most this many keyframes, on a grid of about SIGHTLINE_GRID pixels across. */
const SIGHTLINE_KEYFRAMES = 400;
const SIGHTLINE_GRID = 32;
/** Depth beyond which a sight line is not trusted to stay in the room (a doorway, a window). */
const SIGHTLINE_MAX_DEPTH = 8;
/** Fewer sight lines than this (a few keyframes' worth): the footprint comes from the points alone. */
const MIN_SIGHTLINES = 2000;
/** A sight line ending this close above the floor ended on the floor. */
const FLOOR_HIT = 0.1;

/**
 * The floor under what the cameras saw: for a sample of each keyframe's pixels, the line on the floor plan from the
 * camera to the point its depth puts there, as [x0, z0, x1, z1, height of the end] in the gravity frame. The air a
 * camera looked through is inside the room, so these fill the floor that furniture hid or the map's points left sparse.
 */
export function sightlines(stored: readonly Pick<StoredKeyframe, 'pose' | 'depth' | 'intrinsics'>[], toGravity: Float32Array): Float32Array {
  const step = Math.max(1, stored.length / SIGHTLINE_KEYFRAMES);
  const out: number[] = [];
  for (let k = 0; k < stored.length; k += step) {
    const { pose, depth, intrinsics } = stored[Math.floor(k)]!;
    const { fx, fy, cx, cy } = intrinsics;
    const m = multiply(toGravity, pose); // camera to gravity frame: the camera sits at m's translation
    const stride = Math.max(1, Math.round(depth.width / SIGHTLINE_GRID));
    for (let v = stride >> 1; v < depth.height; v += stride) {
      for (let u = stride >> 1; u < depth.width; u += stride) {
        const d = depth.data[v * depth.width + u]!;
        if (!(d > 0) || d > SIGHTLINE_MAX_DEPTH) continue;
        const X = ((u - cx) / fx) * d;
        const Y = ((v - cy) / fy) * d;
        out.push(
          m[12]!,
          m[14]!,
          m[0]! * X + m[4]! * Y + m[8]! * d + m[12]!,
          m[2]! * X + m[6]! * Y + m[10]! * d + m[14]!,
          m[1]! * X + m[5]! * Y + m[9]! * d + m[13]!,
        );
      }
    }
  }
  return Float32Array.from(out);
}

/**
 * Counts, per cell, the sight lines that pass over it and those that end on something standing in it (a line that
 * ends on the floor passes: the floor is inside). The depth's noise carries some ends past a wall: beyond it, lines
 * mostly end; inside, they mostly pass.
 */
function countLine(passes: Uint32Array, ends: Uint32Array, w: number, h: number, x0: number, z0: number, line: ArrayLike<number>, i: number): void {
  const [ax, az, bx, bz] = [(line[i]! - x0) / CELL, (line[i + 1]! - z0) / CELL, (line[i + 2]! - x0) / CELL, (line[i + 3]! - z0) / CELL];
  const onFloor = line[i + 4]! < FLOOR_HIT;
  const end = Math.floor(bz) * w + Math.floor(bx);
  const inGrid = (x: number, z: number) => x >= 0 && x < w && z >= 0 && z < h;
  if (inGrid(Math.floor(bx), Math.floor(bz))) (onFloor ? passes : ends)[end]!++;
  const n = Math.ceil(3 * Math.hypot(bx - ax, bz - az));
  let last = -1;
  for (let s = 0; s < n; s++) {
    const x = Math.floor(ax + ((bx - ax) * s) / n);
    const z = Math.floor(az + ((bz - az) * s) / n);
    const cell = z * w + x;
    if (cell === end) break;
    if (cell !== last && inGrid(x, z)) passes[cell]!++;
    last = cell;
  }
}

/**
 * `points`: the map's points in the gravity frame. `lines`: sight lines (`sightlines`): the footprint is the floor more
 * of them cross (or end on) than end on something standing there, closed and filled (furniture they end on is enclosed
 * by it). The wall is where they end, so the depth's noise does not widen the room by the band it spreads walls over.
 * Without enough of them, or with no floor to stand them on, the cells the points cover.
 */
export function estimateRoom(points: Float32Array, floorSeen: boolean, lines?: Float32Array): Room | null {
  const n = Math.floor(points.length / 3);
  if (n < 500) return null;
  const xs: number[] = [];
  const zs: number[] = [];
  for (let i = 0; i < n; i++) {
    xs.push(points[3 * i]!);
    zs.push(points[3 * i + 2]!);
  }
  const [x0, x1] = trimmedRange(xs);
  const [z0, z1] = trimmedRange(zs);
  const w = Math.max(1, Math.ceil((x1 - x0) / CELL) + 1);
  const h = Math.max(1, Math.ceil((z1 - z0) / CELL) + 1);
  if (w * h > 4_000_000) return null; // over 200 m a side: not a room
  const counts = new Uint16Array(w * h);
  for (let i = 0; i < n; i++) {
    const cx = Math.floor((points[3 * i]! - x0) / CELL);
    const cz = Math.floor((points[3 * i + 2]! - z0) / CELL);
    if (cx >= 0 && cx < w && cz >= 0 && cz < h && counts[cz * w + cx]! < 65535) counts[cz * w + cx]!++;
  }
  // The floor the cameras looked across, where there are enough sight lines; else the cells the points cover.
  const looked = floorSeen && lines && lines.length >= 5 * MIN_SIGHTLINES;
  let grid: Uint8Array;
  if (looked) {
    const passes = new Uint32Array(w * h);
    const ends = new Uint32Array(w * h);
    for (let i = 0; i + 4 < lines.length; i += 5) countLine(passes, ends, w, h, x0, z0, lines, i);
    grid = Uint8Array.from(passes, (p, i) => (p > ends[i]! ? 1 : 0));
  } else grid = Uint8Array.from(counts, (c) => (c >= MIN_POINTS_PER_CELL ? 1 : 0));
  // Close small gaps between observed patches, then fill what the footprint encloses.
  grid = erode(dilate(grid, w, h, 2), w, h, 2);
  fillEnclosed(grid, w, h);
  let cells = 0;
  const centres: [number, number][] = [];
  for (let z = 0; z < h; z++) {
    for (let x = 0; x < w; x++) {
      if (!grid[z * w + x]) continue;
      cells++;
      for (const [dx, dz] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const)
        centres.push([x0 + (x + dx) * CELL, z0 + (z + dz) * CELL]);
    }
  }
  if (cells === 0) return null;
  return { floorPolygon: convexHull(centres), floorArea: cells * CELL * CELL, ceilingHeight: ceilingHeight(points, cells), floorSeen };
}

/** The 1st–99th percentile span: a few stray points far away must not inflate the room. */
function trimmedRange(values: number[]): [number, number] {
  const sorted = Float64Array.from(values).sort();
  return [sorted[Math.floor(0.01 * (sorted.length - 1))]!, sorted[Math.floor(0.99 * (sorted.length - 1))]!];
}

function dilate(grid: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(grid.length);
  for (let z = 0; z < h; z++)
    for (let x = 0; x < w; x++) {
      if (!grid[z * w + x]) continue;
      for (let dz = -r; dz <= r; dz++)
        for (let dx = -r; dx <= r; dx++) {
          const xx = x + dx;
          const zz = z + dz;
          if (xx >= 0 && xx < w && zz >= 0 && zz < h) out[zz * w + xx] = 1;
        }
    }
  return out;
}

function erode(grid: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const inverse = grid.map((v) => 1 - v);
  return dilate(inverse, w, h, r).map((v) => 1 - v);
}

/** Marks as filled every empty cell that cannot reach the grid's border through empty cells. */
function fillEnclosed(grid: Uint8Array, w: number, h: number): void {
  const outside = new Uint8Array(grid.length);
  const stack: number[] = [];
  const push = (i: number) => {
    if (!grid[i] && !outside[i]) {
      outside[i] = 1;
      stack.push(i);
    }
  };
  for (let x = 0; x < w; x++) {
    push(x);
    push((h - 1) * w + x);
  }
  for (let z = 0; z < h; z++) {
    push(z * w);
    push(z * w + w - 1);
  }
  while (stack.length) {
    const i = stack.pop()!;
    const x = i % w;
    const z = (i - x) / w;
    if (x > 0) push(i - 1);
    if (x < w - 1) push(i + 1);
    if (z > 0) push(i - w);
    if (z < h - 1) push(i + w);
  }
  for (let i = 0; i < grid.length; i++) if (!grid[i] && !outside[i]) grid[i] = 1;
}

/** A dense horizontal layer high above the floor that spans a good part of the footprint. */
function ceilingHeight(points: Float32Array, floorCells: number): number | null {
  const n = Math.floor(points.length / 3);
  const bins = new Map<number, Set<number>>();
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const y = points[3 * i + 1]!;
    if (y < CEILING_MIN) continue;
    const b = Math.floor(y / BIN);
    counts.set(b, (counts.get(b) ?? 0) + 1);
    let cells = bins.get(b);
    if (!cells) {
      cells = new Set();
      bins.set(b, cells);
    }
    cells.add(Math.floor(points[3 * i]! / CELL) * 100_003 + Math.floor(points[3 * i + 2]! / CELL));
  }
  let best: number | null = null;
  let bestCount = 0;
  for (const [b, c] of counts) if (c > bestCount) [best, bestCount] = [b, c];
  if (best === null || bestCount < 0.01 * n) return null;
  // Cover: the layer and its neighbours together must span at least a fifth of the floor.
  const cover = new Set([...(bins.get(best - 1) ?? []), ...bins.get(best)!, ...(bins.get(best + 1) ?? [])]).size;
  return cover >= 0.2 * floorCells ? (best + 0.5) * BIN : null;
}

/** Convex hull (monotone chain) of [x, z] points. */
export function convexHull(points: [number, number][]): [number, number][] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const turn = (o: [number, number], a: [number, number], b: [number, number]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const q of p) {
    while (lower.length >= 2 && turn(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: [number, number][] = [];
  for (const q of p.reverse()) {
    while (upper.length >= 2 && turn(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop();
    upper.push(q);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}
