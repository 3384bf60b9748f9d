import { describe, expect, it } from 'vitest';
import { VoxelMap } from '../fusion/voxelMap';
import { backproject } from './backproject';
import { alignDepthToMap } from './depthAlignment';
import { KeyframePipeline, type FrameOps, type PoseSource } from './keyframePipeline';
import { applyRigid, composeRigid, invertRigid, matrixToRigid, rigidToMatrix, type Rigid, type Vec3 } from './rigid';
import type { DepthResult, KeyframeGeometry, RgbaImage } from './types';

const W = 160;
const H = 120;
const K = { fx: 140, fy: 140, cx: 79.5, cy: 59.5 };

/** A room 3 x 3 x 6 m (narrow, so the side walls are in view and pin the camera sideways) with a box on the floor;
 * depth seen from camera-to-world `pose`. */
function render(pose: Rigid, depthFactor: (u: number, v: number) => number = () => 1): DepthResult {
  const depth = new Float32Array(W * H);
  const planes: [Vec3, number][] = [
    [[1, 0, 0], 1.5],
    [[-1, 0, 0], 1.5],
    [[0, 1, 0], 1.5],
    [[0, -1, 0], 1.5],
    [[0, 0, 1], 3],
    [[0, 0, -1], 3],
  ];
  for (let v = 0; v < H; v++) {
    for (let u = 0; u < W; u++) {
      const dirCam: Vec3 = [(u - K.cx) / K.fx, (v - K.cy) / K.fy, 1];
      const d = applyRigid({ R: pose.R, t: [0, 0, 0] }, dirCam);
      const o = pose.t;
      let best = Number.POSITIVE_INFINITY;
      // Walls: n·x = c with the room inside n·x < c.
      for (const [n, c] of planes) {
        const nd = n[0] * d[0] + n[1] * d[1] + n[2] * d[2];
        if (nd <= 1e-9) continue;
        const s = (c - (n[0] * o[0] + n[1] * o[1] + n[2] * o[2])) / nd;
        if (s > 0) best = Math.min(best, s);
      }
      // A box (x in [-0.5, 0.5], y in [0.9, 1.5], z in [1, 2]): slab test.
      let t0 = 0;
      let t1 = Number.POSITIVE_INFINITY;
      const lo = [-0.5, 0.9, 1];
      const hi = [0.5, 1.5, 2];
      for (let a = 0; a < 3; a++) {
        const inv = 1 / d[a]!;
        let ta = (lo[a]! - o[a]!) * inv;
        let tb = (hi[a]! - o[a]!) * inv;
        if (ta > tb) [ta, tb] = [tb, ta];
        t0 = Math.max(t0, ta);
        t1 = Math.min(t1, tb);
      }
      if (t0 < t1 && t0 > 0) best = Math.min(best, t0);
      depth[v * W + u] = best * depthFactor(u, v); // dirCam has z = 1: the ray parameter is the depth
    }
  }
  return { width: W, height: H, depth, confidence: new Float32Array(W * H).fill(1), intrinsics: K, source: 'model' };
}

const image = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4) };

function mapFrom(depth: DepthResult, pose: Rigid): VoxelMap {
  const map = new VoxelMap({ voxelSize: 0.02 });
  const cloud = backproject(depth, image, rigidToMatrix(pose));
  map.integrate(cloud.points, cloud.colors);
  return map;
}

const turn = (angle: number): number[] => [Math.cos(angle), 0, Math.sin(angle), 0, 1, 0, -Math.sin(angle), 0, Math.cos(angle)];

describe('alignDepthToMap', () => {
  const first: Rigid = { R: turn(0), t: [0, 0, -1.5] };
  const truth: Rigid = { R: turn(0.12), t: [0.15, -0.05, -1.3] };
  // The tracker's estimate: 6 cm and 2 degrees off.
  const initial = composeRigid(truth, { R: turn(0.035), t: [0.04, 0.02, -0.03] });
  const map = mapFrom(render(first), first);

  const error = (pose: Rigid) => {
    const d = composeRigid(invertRigid(truth), pose);
    return { moved: Math.hypot(...d.t), angle: Math.acos(Math.min(1, (d.R[0]! + d.R[4]! + d.R[8]! - 1) / 2)) };
  };

  it("refines a sensor's pose against the map and keeps its scale", () => {
    const depth = { ...render(truth), source: 'sensor' as const };
    const view = map.view(invertRigid(initial), K, W, H, 2);
    const aligned = alignDepthToMap(depth, view, initial, { estimateScale: false });
    expect(aligned).not.toBeNull();
    expect(error(initial).moved).toBeGreaterThan(0.05);
    expect(error(aligned!.pose).moved).toBeLessThan(0.01);
    expect(error(aligned!.pose).angle).toBeLessThan(0.005);
    expect(aligned!.scale).toBe(1);
  });

  it("places a model's depth, 6 % too far and bent by 1 %, and brings it to the map's scale and shape", () => {
    // A bend is a shape error the pose partly absorbs (1 % over the image moves it a few cm): odometry, not tracking.
    const bend = (u: number) => 1 + 0.01 * Math.sin((u / W) * Math.PI);
    const depth = render(truth, (u) => 1.06 * bend(u));
    const view = map.view(invertRigid(initial), K, W, H, 2);
    const aligned = alignDepthToMap(depth, view, initial, { estimateScale: true, scalePrior: 1 });
    expect(aligned).not.toBeNull();
    expect(error(aligned!.pose).moved).toBeLessThan(0.04);
    expect(Math.abs(aligned!.scale * 1.06 - 1)).toBeLessThan(0.02);
    // The aligned depth agrees with the true depth far better than the model's did.
    const exact = render(truth);
    const meanError = (d: Float32Array) => {
      let sum = 0;
      for (let i = 0; i < d.length; i++) sum += Math.abs(d[i]! / exact.depth[i]! - 1);
      return sum / d.length;
    };
    expect(meanError(depth.depth)).toBeGreaterThan(0.06);
    expect(meanError(aligned!.depth)).toBeLessThan(0.015);
  });

  it('keeps the guess where the view cannot tell: facing one wall, it moves only towards or away from it', () => {
    // Depth of a wall 3 m ahead (z = 3 in the world), from a camera looking straight at it.
    const wall = (pose: Rigid): DepthResult => ({
      ...render(pose),
      depth: new Float32Array(W * H).fill(3 - pose.t[2]),
      source: 'sensor',
    });
    const at = (x: number, y: number, z: number): Rigid => ({ R: turn(0), t: [x, y, z] });
    const wallMap = mapFrom(wall(at(0, 0, 0)), at(0, 0, 0));
    const guess = at(0.13, 0.02, 0.25);
    const view = wallMap.view(invertRigid(guess), K, W, H, 2);
    // The camera is truly at (0.1, 0, 0.2): 5 cm nearer the wall than guessed, which the wall shows; 3 cm sideways,
    // which a featureless wall cannot show.
    const aligned = alignDepthToMap(wall(at(0.1, 0, 0.2)), view, guess, { estimateScale: false });
    expect(aligned).not.toBeNull();
    const [x, y, z] = aligned!.pose.t;
    expect(Math.abs(z - 0.2)).toBeLessThan(0.005);
    expect(Math.hypot(x - 0.13, y - 0.02)).toBeLessThan(0.005);
  });

  it('declines when the map and the keyframe share nothing', () => {
    const away: Rigid = { R: turn(Math.PI), t: [0, 0, -1.5] };
    const view = map.view(invertRigid(away), K, W, H, 2);
    expect(alignDepthToMap(render(away), view, away, { estimateScale: true })).toBeNull();
  });
});

describe('KeyframePipeline, a keyframe the tracker cannot place', () => {
  const first: Rigid = { R: turn(0), t: [0, 0, -1.5] };
  const second: Rigid = { R: turn(0.05), t: [0.05, 0, -1.45] };
  const third: Rigid = { R: turn(0.1), t: [0.1, 0, -1.4] };
  const ops: FrameOps<RgbaImage> = { size: (f) => ({ width: f.width, height: f.height }), toRgba: (f) => f, close: () => {} };
  const noModel = { inputSize: () => ({ width: W, height: H }), estimate: () => Promise.reject(new Error('given depth only')) };
  /** A tracker that places keyframe i at poses[i], or loses it where that is null; `resumed` records dense odometry's hand-back. */
  const trackerOf = (poses: (Rigid | null)[], resumed: Rigid[] = []): PoseSource => ({
    poseFor: (kf) => {
      const pose = poses[kf.index];
      return pose
        ? { pose: rigidToMatrix(pose), tracking: { status: 'tracked', inliers: 100 } }
        : { pose: null, tracking: { status: 'lost', reason: 'test', inliers: 0 } };
    },
    resume: (pose) => resumed.push(matrixToRigid(pose)),
    reset: () => {},
  });

  it("is placed by dense odometry from the camera's motion so far, and the tracker resumes from it", async () => {
    // The tracker places the first two keyframes and loses the third (its features could not be matched).
    const resumed: Rigid[] = [];
    const tracker = trackerOf([first, second, null], resumed);
    const out: KeyframeGeometry[] = [];
    const pipeline = new KeyframePipeline(ops, noModel, tracker, { onGeometry: (g) => out.push(g), onError: (e) => console.error(e) });
    for (const [i, pose] of [first, second, third].entries()) {
      pipeline.push(
        { ...image },
        { sourceFrame: i, timestampMs: i * 100, forceKeyframe: true },
        { width: W, height: H, depth: render(pose).depth, intrinsics: K, source: 'sensor' },
      );
    }
    await pipeline.idle();
    expect(out.map((g) => g.tracking.status)).toEqual(['tracked', 'tracked', 'tracked']);
    expect(out[2]!.tracking.odometry).toBe(true);
    const placed = matrixToRigid(out[2]!.pose);
    expect(Math.hypot(placed.t[0] - third.t[0], placed.t[1] - third.t[1], placed.t[2] - third.t[2])).toBeLessThan(0.01);
    expect(resumed).toHaveLength(1);
    expect(out[2]!.points.length).toBeGreaterThan(0);
    expect(pipeline.lostFrames).toEqual([]);
  });

  it('stays lost where the map shares nothing with the keyframe', async () => {
    const away: Rigid = { R: turn(Math.PI), t: [0, 0, -1.5] };
    const tracker = trackerOf([first, null]);
    const out: KeyframeGeometry[] = [];
    const pipeline = new KeyframePipeline(ops, noModel, tracker, { onGeometry: (g) => out.push(g), onError: (e) => console.error(e) });
    for (const [i, pose] of [first, away].entries()) {
      pipeline.push(
        { ...image },
        { sourceFrame: i, timestampMs: i * 100, forceKeyframe: true },
        { width: W, height: H, depth: render(pose).depth, intrinsics: K, source: 'sensor' },
      );
    }
    await pipeline.idle();
    expect(out[1]!.tracking.status).toBe('lost');
    expect(out[1]!.points.length).toBe(0);
    expect(pipeline.lostFrames).toEqual([1]);
  });
});
