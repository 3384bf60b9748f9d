// A point cloud that grows inside preallocated GPU buffers: new points are appended and only
// their range is uploaded, so old points are never sent to the GPU again. When the buffer is full, the view thins
// rather than stops: everything drawn is cut to one point per cell (a level of detail, coarser at each refill, the
// whole buffer uploaded once), and later points are cut to the same cell, so the room keeps one density throughout.
import * as THREE from 'three';

export class GrowingPointCloud {
  readonly object: THREE.Points;
  private readonly positions: Float32Array;
  private readonly colors: Uint8Array;
  private readonly geometry = new THREE.BufferGeometry();
  private count = 0;
  /** The thinning cell's edge (m): 0 until the buffer first fills. */
  private cell = 0;

  constructor(
    readonly capacity: number,
    pointSize = 0.012,
    /** The first thinning cell (m): twice the map's 2 cm voxels. */
    private readonly firstCell = 0.04,
  ) {
    this.positions = new Float32Array(capacity * 3);
    this.colors = new Uint8Array(capacity * 3);
    const position = new THREE.BufferAttribute(this.positions, 3).setUsage(THREE.DynamicDrawUsage);
    const color = new THREE.BufferAttribute(this.colors, 3, true).setUsage(THREE.DynamicDrawUsage);
    this.geometry.setAttribute('position', position);
    this.geometry.setAttribute('color', color);
    this.geometry.setDrawRange(0, 0);
    const material = new THREE.PointsMaterial({ size: pointSize, vertexColors: true, sizeAttenuation: true });
    this.object = new THREE.Points(this.geometry, material);
    this.object.frustumCulled = false; // bounds change with every append
  }

  get size(): number {
    return this.count;
  }

  /** The points' coordinates (xyz, map frame); the first `size` are in use. For picking: read, never write. */
  get positionArray(): Float32Array {
    return this.positions;
  }

  /** The thinning cell's edge in metres (0: not thinned yet). */
  get thinningCell(): number {
    return this.cell;
  }

  /** Appends points (xyz) and colours (rgb 0..255), thinned once the buffer has filled; returns how many were kept. */
  append(points: Float32Array, colors: Uint8Array): number {
    let kept = this.cell > 0 ? thinToCells(points, colors, this.cell) : { points, colors };
    while (this.count + kept.points.length / 3 > this.capacity) {
      this.cell = this.cell > 0 ? this.cell * 2 : this.firstCell;
      const drawn = thinToCells(this.positions.subarray(0, this.count * 3), this.colors.subarray(0, this.count * 3), this.cell);
      this.positions.set(drawn.points);
      this.colors.set(drawn.colors);
      this.count = drawn.points.length / 3;
      this.markUpdated(0, this.count);
      this.geometry.setDrawRange(0, this.count);
      kept = thinToCells(points, colors, this.cell);
    }
    const n = kept.points.length / 3;
    if (n === 0) return 0;
    this.positions.set(kept.points, this.count * 3);
    this.colors.set(kept.colors, this.count * 3);
    this.markUpdated(this.count, n);
    this.count += n;
    this.geometry.setDrawRange(0, this.count);
    return n;
  }

  private markUpdated(from: number, n: number): void {
    for (const name of ['position', 'color'] as const) {
      const attr = this.geometry.getAttribute(name) as THREE.BufferAttribute;
      attr.addUpdateRange(from * 3, n * 3);
      attr.needsUpdate = true;
    }
  }

  clear(): void {
    this.count = 0;
    this.cell = 0;
    this.geometry.setDrawRange(0, 0);
  }

  dispose(): void {
    this.geometry.dispose();
    (this.object.material as THREE.Material).dispose();
  }
}

/** Cell indices up to ±2^16 per axis (±2.6 km at 4 cm) pack into one exact number. */
const CELL_RANGE = 2 ** 16;

/** The first point (and its colour) of each `cell`-sized cube, in input order. */
function thinToCells(points: Float32Array, colors: Uint8Array, cell: number): { points: Float32Array; colors: Uint8Array } {
  const seen = new Set<number>();
  const keep: number[] = [];
  const inv = 1 / cell;
  const index = (v: number) => Math.min(CELL_RANGE - 1, Math.max(-CELL_RANGE, Math.floor(v * inv))) + CELL_RANGE;
  for (let i = 0; i < points.length / 3; i++) {
    const key = (index(points[3 * i]!) * 2 * CELL_RANGE + index(points[3 * i + 1]!)) * 2 * CELL_RANGE + index(points[3 * i + 2]!);
    if (seen.has(key)) continue;
    seen.add(key);
    keep.push(i);
  }
  const outPoints = new Float32Array(keep.length * 3);
  const outColors = new Uint8Array(keep.length * 3);
  for (let k = 0; k < keep.length; k++) {
    const from = 3 * keep[k]!;
    for (let a = 0; a < 3; a++) {
      outPoints[3 * k + a] = points[from + a]!;
      outColors[3 * k + a] = colors[from + a]!;
    }
  }
  return { points: outPoints, colors: outColors };
}
