// Keeps the map's gravity frame up to date as the map grows: re-estimated every few keyframes from the fused
// voxels and the cameras' up axes, with the map's extent measured in that frame (robustly: 1st–99th percentile).
import { applyRigid, matrixToRigid, rigidToMatrix, type Rigid, type Vec3 } from '../geometry/rigid';
import type { WorldFrame } from '../geometry/types';
import { cameraUp, estimateGravity, gravityAlignment } from './gravity';
import type { VoxelMap } from './voxelMap';

const EVERY = 10;
const SAMPLE = 20_000;

export class WorldFrameTracker {
  private ups: Vec3[] = [];
  private current: WorldFrame | null = null;
  private sinceUpdate = 0;

  /** Call for each tracked keyframe; returns the current world frame (updated every few keyframes). */
  update(pose: Float32Array, map: VoxelMap): WorldFrame {
    this.ups.push(cameraUp(matrixToRigid(pose)));
    if (this.current && ++this.sinceUpdate < EVERY) return { ...this.current, voxels: map.size };
    this.sinceUpdate = 0;
    const voxels = map.snapshot(2).points;
    const g = estimateGravity(voxels, this.ups);
    const T = gravityAlignment(g);
    this.current = { toGravity: rigidToMatrix(T), gravitySource: g.source, voxels: map.size, extent: extentIn(T, voxels) };
    return this.current;
  }

  /**
   * After a loop closure moved the keyframes (`poses`, in order): their up axes are taken again for the next
   * re-estimate. The gravity frame itself is kept until then: a correction moves the map by centimetres, and
   * re-fitting the floor over the whole map would add its cost to the loop closure's.
   */
  correct(poses: Float32Array[], map: VoxelMap): WorldFrame {
    this.ups = poses.map((pose) => cameraUp(matrixToRigid(pose)));
    if (!this.current) return this.update(poses[poses.length - 1]!, map);
    return { ...this.current, voxels: map.size };
  }

  reset(): void {
    this.ups = [];
    this.current = null;
    this.sinceUpdate = 0;
  }
}

function extentIn(T: Rigid, points: Float32Array): [number, number, number] | null {
  const n = points.length / 3;
  if (n < 100) return null;
  const step = Math.max(1, Math.floor(n / SAMPLE));
  const axes: number[][] = [[], [], []];
  for (let i = 0; i < n; i += step) {
    const p = applyRigid(T, [points[3 * i]!, points[3 * i + 1]!, points[3 * i + 2]!]);
    for (let a = 0; a < 3; a++) axes[a]!.push(p[a]!);
  }
  return axes.map((v) => {
    v.sort((a, b) => a - b);
    return v[Math.floor(0.99 * (v.length - 1))]! - v[Math.floor(0.01 * (v.length - 1))]!;
  }) as [number, number, number];
}
