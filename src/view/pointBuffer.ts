// A point cloud that grows inside preallocated GPU buffers: new points are appended and only
// their range is uploaded, so old points are never sent to the GPU again.
import * as THREE from 'three';

export class GrowingPointCloud {
  readonly object: THREE.Points;
  private readonly positions: Float32Array;
  private readonly colors: Uint8Array;
  private readonly geometry = new THREE.BufferGeometry();
  private count = 0;

  constructor(
    readonly capacity: number,
    pointSize = 0.012,
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

  /** Appends points (xyz) and colours (rgb 0..255); returns how many fitted. */
  append(points: Float32Array, colors: Uint8Array): number {
    const n = Math.min(points.length / 3, this.capacity - this.count);
    if (n <= 0) return 0;
    this.positions.set(points.subarray(0, n * 3), this.count * 3);
    this.colors.set(colors.subarray(0, n * 3), this.count * 3);
    for (const name of ['position', 'color'] as const) {
      const attr = this.geometry.getAttribute(name) as THREE.BufferAttribute;
      attr.addUpdateRange(this.count * 3, n * 3);
      attr.needsUpdate = true;
    }
    this.count += n;
    this.geometry.setDrawRange(0, this.count);
    return n;
  }

  clear(): void {
    this.count = 0;
    this.geometry.setDrawRange(0, 0);
  }

  dispose(): void {
    this.geometry.dispose();
    (this.object.material as THREE.Material).dispose();
  }
}
