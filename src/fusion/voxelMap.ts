// The world map: a sparse voxel grid (a few centimetres a voxel) holding the mean position, mean colour
// and observation count of the surface points that fall in each voxel. Memory grows with the
// surface seen, not with the number of frames: filming the same room again updates voxels instead of adding.
// Storage is an open-addressing hash table over typed arrays (no per-voxel objects). Each voxel remembers the keyframe
// that first saw it (its anchor), so a loop closure that moves keyframes moves their voxels with them.
import type { Rigid } from '../geometry/rigid';

export interface VoxelMapOptions {
  /** Edge of a voxel (m). */
  voxelSize?: number;
  initialCapacity?: number;
}

/**
 * The map as a camera sees it, on a coarse grid of cells: per cell the nearest voxel's mean position in the camera's
 * frame (x, y, z; z = 0 where the cell sees nothing) and its observation count. A z-buffer of points: what the
 * keyframe alignment compares a new depth map with.
 */
export interface MapView {
  cols: number;
  rows: number;
  /** Image pixels per cell. */
  cell: number;
  points: Float32Array;
  observations: Uint16Array;
}

/** The voxels a keyframe added to the map (for the 3D view: only new voxels are sent). */
export interface NewVoxels {
  points: Float32Array;
  colors: Uint8Array;
}

const EMPTY = -1;
/** Voxel coordinates are offset to be non-negative and packed into one integer key below 2^51 (exact in a float64):
 * ±65,536 voxels per axis, ±1.3 km at 2 cm. */
const OFFSET = 1 << 16;
const SPAN = 1 << 17;
/** Edge (m) of the chunks voxels are listed by, so a camera's view visits the chunks in front of it, not the whole map. */
const CHUNK = 0.5;
/** Chunk coordinates are offset and packed like voxel keys: ±4,096 chunks (±2 km) per axis. */
const CHUNK_OFFSET = 1 << 12;
const CHUNK_SPAN = 1 << 13;

export class VoxelMap {
  readonly voxelSize: number;
  private capacity: number;
  private keys: Float64Array;
  private slots: Int32Array;
  private count = 0;
  // Per voxel, by insertion index.
  private sum: Float32Array;
  private rgb: Float32Array;
  private observations: Uint16Array;
  /** The keyframe (id) that first saw each voxel; -1 when none was named. */
  private anchors: Int32Array;
  /** Voxel indices by chunk of space (CHUNK metres a side). */
  private readonly chunks = new Map<number, number[]>();

  constructor(options: VoxelMapOptions = {}) {
    this.voxelSize = options.voxelSize ?? 0.02;
    this.capacity = options.initialCapacity ?? 1 << 16;
    this.keys = new Float64Array(this.capacity * 2);
    this.slots = new Int32Array(this.capacity * 2).fill(EMPTY);
    this.sum = new Float32Array(this.capacity * 3);
    this.rgb = new Float32Array(this.capacity * 3);
    this.observations = new Uint16Array(this.capacity);
    this.anchors = new Int32Array(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the map's arrays. */
  get bytes(): number {
    return this.keys.byteLength + this.slots.byteLength + this.sum.byteLength + this.rgb.byteLength + this.observations.byteLength + this.anchors.byteLength;
  }

  /**
   * Adds world points (xyz) with colours (rgb), seen from keyframe `anchor`. Returns the voxels this call created (mean
   * position and colour).
   */
  integrate(points: Float32Array, colors: Uint8Array, anchor = -1): NewVoxels {
    const created: number[] = [];
    for (let p = 0; p < points.length / 3; p++) {
      const x = points[3 * p]!;
      const y = points[3 * p + 1]!;
      const z = points[3 * p + 2]!;
      const before = this.count;
      const v = this.voxelAt(x, y, z, anchor);
      if (v === EMPTY) continue;
      if (this.count > before) created.push(v);
      this.sum[3 * v]! += x;
      this.sum[3 * v + 1]! += y;
      this.sum[3 * v + 2]! += z;
      this.rgb[3 * v]! += colors[3 * p]!;
      this.rgb[3 * v + 1]! += colors[3 * p + 1]!;
      this.rgb[3 * v + 2]! += colors[3 * p + 2]!;
      if (this.observations[v]! < 65535) this.observations[v]!++;
    }
    return this.means(created);
  }

  /**
   * Moves every voxel by the correction of the keyframe that first saw it (a world transform; undefined leaves it), as a
   * loop closure moved the keyframes. Voxels that land in one cell merge.
   */
  correct(correctionOf: (anchor: number) => Rigid | undefined): void {
    const n = this.count;
    const sum = this.sum.slice(0, 3 * n);
    const rgb = this.rgb.slice(0, 3 * n);
    const observations = this.observations.slice(0, n);
    const anchors = this.anchors.slice(0, n);
    const corrections = new Map<number, Rigid | undefined>();
    this.clear();
    for (let i = 0; i < n; i++) {
      const count = observations[i]!;
      const anchor = anchors[i]!;
      if (!corrections.has(anchor)) corrections.set(anchor, correctionOf(anchor));
      const c = corrections.get(anchor);
      let x = sum[3 * i]! / count;
      let y = sum[3 * i + 1]! / count;
      let z = sum[3 * i + 2]! / count;
      if (c) {
        const { R, t } = c;
        [x, y, z] = [R[0]! * x + R[1]! * y + R[2]! * z + t[0], R[3]! * x + R[4]! * y + R[5]! * z + t[1], R[6]! * x + R[7]! * y + R[8]! * z + t[2]];
      }
      const v = this.voxelAt(x, y, z, anchor);
      if (v === EMPTY) continue;
      this.sum[3 * v]! += x * count;
      this.sum[3 * v + 1]! += y * count;
      this.sum[3 * v + 2]! += z * count;
      for (let a = 0; a < 3; a++) this.rgb[3 * v + a]! += rgb[3 * i + a]!;
      this.observations[v] = Math.min(65535, this.observations[v]! + count);
    }
  }

  /** The voxel holding (x, y, z), created (with `anchor`) when new; EMPTY outside the grid or for a non-finite point. */
  private voxelAt(x: number, y: number, z: number, anchor: number): number {
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) return EMPTY;
    const inv = 1 / this.voxelSize;
    const ix = Math.floor(x * inv) + OFFSET;
    const iy = Math.floor(y * inv) + OFFSET;
    const iz = Math.floor(z * inv) + OFFSET;
    if (ix < 0 || iy < 0 || iz < 0 || ix >= SPAN || iy >= SPAN || iz >= SPAN) return EMPTY;
    const key = (ix * SPAN + iy) * SPAN + iz;
    const found = this.find(key);
    if (found !== EMPTY) return found;
    const v = this.insert(key);
    this.anchors[v] = anchor;
    const chunk =
      ((Math.floor(x / CHUNK) + CHUNK_OFFSET) * CHUNK_SPAN + Math.floor(y / CHUNK) + CHUNK_OFFSET) * CHUNK_SPAN + Math.floor(z / CHUNK) + CHUNK_OFFSET;
    const list = this.chunks.get(chunk);
    if (list) list.push(v);
    else this.chunks.set(chunk, [v]);
    return v;
  }

  /** Mean position and colour of every voxel seen at least `minObservations` times. */
  snapshot(minObservations = 1): NewVoxels {
    const picked: number[] = [];
    for (let v = 0; v < this.count; v++) if (this.observations[v]! >= minObservations) picked.push(v);
    return this.means(picked);
  }

  /**
   * The voxels in front of a camera (`worldToCamera`: row-major 3x3 R and t), projected with the pinhole `k` into a
   * width x height image cut into cells of `cell` pixels. Per cell, the front surface: the mean of the voxels within
   * `band` (relative depth, at least three voxels) of the nearest, weighted by their observations. Not the nearest
   * alone: a surface observed many times is a few voxels thick, and always taking its front would pull every keyframe
   * aligned to it towards the camera.
   */
  view(
    worldToCamera: { R: number[]; t: number[] },
    k: { fx: number; fy: number; cx: number; cy: number },
    width: number,
    height: number,
    cell: number,
    options: { maxDepth?: number; band?: number } = {},
  ): MapView {
    const cols = Math.ceil(width / cell);
    const rows = Math.ceil(height / cell);
    const maxDepth = options.maxDepth ?? 10;
    const band = options.band ?? 0.05;
    const nearest = new Float32Array(cols * rows).fill(Number.POSITIVE_INFINITY);
    const [r0, r1, r2, r3, r4, r5, r6, r7, r8] = worldToCamera.R as [number, number, number, number, number, number, number, number, number];
    const [t0, t1, t2] = worldToCamera.t as [number, number, number];
    // Voxels in view, as (voxel, cell) pairs, so the second pass does not project again.
    const seen: number[] = [];
    const camera: number[] = [];
    // Only the chunks whose bounding sphere reaches into the view (a sphere's projection grows by its radius).
    const radius = (CHUNK * Math.sqrt(3)) / 2;
    for (const [chunk, voxels] of this.chunks) {
      const gz = (chunk % CHUNK_SPAN) - CHUNK_OFFSET;
      const gy = (Math.floor(chunk / CHUNK_SPAN) % CHUNK_SPAN) - CHUNK_OFFSET;
      const gx = Math.floor(chunk / (CHUNK_SPAN * CHUNK_SPAN)) - CHUNK_OFFSET;
      const ox = (gx + 0.5) * CHUNK;
      const oy = (gy + 0.5) * CHUNK;
      const oz = (gz + 0.5) * CHUNK;
      const depth = r6 * ox + r7 * oy + r8 * oz + t2;
      if (depth < -radius || depth > maxDepth + radius) continue;
      if (depth > radius) {
        // Twice the sphere's angular radius on the view plane: off-axis, a sphere's image stretches (up to 1 + u²).
        const grow = (2 * radius) / (depth - radius);
        const u = (r0 * ox + r1 * oy + r2 * oz + t0) / depth;
        const w = (r3 * ox + r4 * oy + r5 * oz + t1) / depth;
        if (u < -k.cx / k.fx - grow || u > (width - k.cx) / k.fx + grow || w < -k.cy / k.fy - grow || w > (height - k.cy) / k.fy + grow) continue;
      }
      for (const v of voxels) {
        const n = this.observations[v]!;
        const x = this.sum[3 * v]! / n;
        const y = this.sum[3 * v + 1]! / n;
        const z = this.sum[3 * v + 2]! / n;
        const cz = r6 * x + r7 * y + r8 * z + t2;
        if (!(cz > 0.1 && cz < maxDepth)) continue;
        const cx = r0 * x + r1 * y + r2 * z + t0;
        const cy = r3 * x + r4 * y + r5 * z + t1;
        const u = (k.fx * cx) / cz + k.cx;
        const w = (k.fy * cy) / cz + k.cy;
        if (!(u >= 0 && w >= 0 && u < width && w < height)) continue;
        const c = Math.floor(w / cell) * cols + Math.floor(u / cell);
        if (cz < nearest[c]!) nearest[c] = cz;
        seen.push(v, c);
        camera.push(cx, cy, cz);
      }
    }
    const points = new Float32Array(cols * rows * 3);
    const weight = new Float32Array(cols * rows);
    const observations = new Uint16Array(cols * rows);
    for (let i = 0; i < seen.length / 2; i++) {
      const c = seen[2 * i + 1]!;
      const cz = camera[3 * i + 2]!;
      if (cz > nearest[c]! * (1 + band) + 3 * this.voxelSize) continue;
      const n = this.observations[seen[2 * i]!]!;
      points[3 * c]! += n * camera[3 * i]!;
      points[3 * c + 1]! += n * camera[3 * i + 1]!;
      points[3 * c + 2]! += n * cz;
      weight[c]! += n;
      observations[c] = Math.min(65535, observations[c]! + n);
    }
    for (let c = 0; c < cols * rows; c++) {
      if (weight[c]! > 0) for (let a = 0; a < 3; a++) points[3 * c + a]! /= weight[c]!;
    }
    return { cols, rows, cell, points, observations };
  }

  /** Mean position and colour of the given voxels. */
  private means(voxels: number[]): NewVoxels {
    const out: NewVoxels = { points: new Float32Array(voxels.length * 3), colors: new Uint8Array(voxels.length * 3) };
    voxels.forEach((v, i) => {
      const n = this.observations[v]!;
      for (let a = 0; a < 3; a++) {
        out.points[3 * i + a] = this.sum[3 * v + a]! / n;
        out.colors[3 * i + a] = Math.round(this.rgb[3 * v + a]! / n);
      }
    });
    return out;
  }

  clear(): void {
    this.chunks.clear();
    this.slots.fill(EMPTY);
    this.count = 0;
    this.sum.fill(0);
    this.rgb.fill(0);
    this.observations.fill(0);
    this.anchors.fill(-1);
  }

  private hash(key: number): number {
    // Mix the high and low halves of the key (an integer below 2^63 stored exactly in a float64).
    const lo = key % 4294967296;
    const hi = Math.floor(key / 4294967296);
    return (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 0) & (this.slots.length - 1);
  }

  private find(key: number): number {
    const mask = this.slots.length - 1;
    for (let h = this.hash(key); ; h = (h + 1) & mask) {
      const v = this.slots[h]!;
      if (v === EMPTY) return EMPTY;
      if (this.keys[h] === key) return v;
    }
  }

  private insert(key: number): number {
    if (this.count >= this.capacity) this.grow();
    const mask = this.slots.length - 1;
    let h = this.hash(key);
    while (this.slots[h] !== EMPTY) h = (h + 1) & mask;
    this.keys[h] = key;
    this.slots[h] = this.count;
    return this.count++;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    this.capacity *= 2;
    this.keys = new Float64Array(this.capacity * 2);
    this.slots = new Int32Array(this.capacity * 2).fill(EMPTY);
    const mask = this.slots.length - 1;
    for (let i = 0; i < oldSlots.length; i++) {
      if (oldSlots[i] === EMPTY) continue;
      let h = this.hash(oldKeys[i]!);
      while (this.slots[h] !== EMPTY) h = (h + 1) & mask;
      this.keys[h] = oldKeys[i]!;
      this.slots[h] = oldSlots[i]!;
    }
    const extend = <T extends Float32Array | Uint16Array | Int32Array>(a: T, per: number, make: (n: number) => T): T => {
      const b = make(this.capacity * per);
      b.set(a);
      return b;
    };
    this.sum = extend(this.sum, 3, (n) => new Float32Array(n));
    this.rgb = extend(this.rgb, 3, (n) => new Float32Array(n));
    this.observations = extend(this.observations, 1, (n) => new Uint16Array(n));
    this.anchors = extend(this.anchors, 1, (n) => new Int32Array(n));
  }
}
