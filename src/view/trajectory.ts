// The camera path and a small frustum per keyframe, in preallocated line buffers.
import * as THREE from 'three';
import type { Intrinsics } from '../geometry/types';

const FRUSTUM_SEGMENTS = 8; // 4 edges from the centre + 4 around the image rectangle
const VERTS_PER_FRUSTUM = FRUSTUM_SEGMENTS * 2;

/** Corners of the image plane at `depth` in camera coordinates (OpenCV axes). */
export function frustumCorners(k: Intrinsics, width: number, height: number, depth: number): [number, number, number][] {
  return [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ].map(([u, v]) => [((u! - k.cx) / k.fx) * depth, ((v! - k.cy) / k.fy) * depth, depth]);
}

export class TrajectoryView {
  readonly group = new THREE.Group();
  private readonly pathPositions: Float32Array;
  private readonly frustumPositions: Float32Array;
  private readonly path = new THREE.BufferGeometry();
  private readonly frusta = new THREE.BufferGeometry();
  private count = 0;
  /** Each camera drawn (slot = position in this list), so a loop closure can redraw it where it moved. */
  private readonly cameras: { index: number; k: Intrinsics; width: number; height: number; scale: number }[] = [];

  constructor(readonly capacity: number) {
    this.pathPositions = new Float32Array(capacity * 3);
    this.frustumPositions = new Float32Array(capacity * VERTS_PER_FRUSTUM * 3);
    this.path.setAttribute('position', new THREE.BufferAttribute(this.pathPositions, 3).setUsage(THREE.DynamicDrawUsage));
    this.frusta.setAttribute('position', new THREE.BufferAttribute(this.frustumPositions, 3).setUsage(THREE.DynamicDrawUsage));
    this.path.setDrawRange(0, 0);
    this.frusta.setDrawRange(0, 0);
    const pathLine = new THREE.Line(this.path, new THREE.LineBasicMaterial({ color: 0xffb020 }));
    const frustumLines = new THREE.LineSegments(this.frusta, new THREE.LineBasicMaterial({ color: 0x40c0ff }));
    pathLine.frustumCulled = false;
    frustumLines.frustumCulled = false;
    this.group.add(pathLine, frustumLines);
  }

  get size(): number {
    return this.count;
  }

  /** Adds keyframe `index`'s camera; `pose` is a column-major camera-to-world matrix. */
  add(index: number, pose: Float32Array, k: Intrinsics, width: number, height: number, scale = 0.15): void {
    if (this.count >= this.capacity) return;
    this.cameras.push({ index, k, width, height, scale });
    this.write(this.count, pose);
    this.markUpdated(this.count, 1);
    this.count++;
    this.path.setDrawRange(0, this.count);
    this.frusta.setDrawRange(0, this.count * VERTS_PER_FRUSTUM);
  }

  /** Redraws the cameras a loop closure moved (new poses by keyframe index). */
  move(poses: ReadonlyMap<number, Float32Array>): void {
    this.cameras.forEach((c, slot) => {
      const pose = poses.get(c.index);
      if (pose) this.write(slot, pose);
    });
    this.markUpdated(0, this.count);
  }

  private write(slot: number, pose: Float32Array): void {
    const { k, width, height, scale } = this.cameras[slot]!;
    const m = new THREE.Matrix4().fromArray(pose);
    const centre = new THREE.Vector3().setFromMatrixPosition(m);
    centre.toArray(this.pathPositions, slot * 3);
    const corners = frustumCorners(k, width, height, scale).map(([x, y, z]) => new THREE.Vector3(x, y, z).applyMatrix4(m));
    const segments: THREE.Vector3[] = [];
    for (let i = 0; i < 4; i++) segments.push(centre, corners[i]!, corners[i]!, corners[(i + 1) % 4]!);
    segments.forEach((v, i) => v.toArray(this.frustumPositions, (slot * VERTS_PER_FRUSTUM + i) * 3));
  }

  private markUpdated(from: number, n: number): void {
    const pathAttr = this.path.getAttribute('position') as THREE.BufferAttribute;
    pathAttr.addUpdateRange(from * 3, n * 3);
    pathAttr.needsUpdate = true;
    const frAttr = this.frusta.getAttribute('position') as THREE.BufferAttribute;
    frAttr.addUpdateRange(from * VERTS_PER_FRUSTUM * 3, n * VERTS_PER_FRUSTUM * 3);
    frAttr.needsUpdate = true;
  }

  clear(): void {
    this.cameras.length = 0;
    this.count = 0;
    this.path.setDrawRange(0, 0);
    this.frusta.setDrawRange(0, 0);
  }
}
