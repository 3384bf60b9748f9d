import { describe, expect, it } from 'vitest';
import { keyframeInfo, type KeyframeGeometry, type KeyframeInfo } from '../geometry/types';
import { SceneSummary, spatialContextText } from './sceneSummary';

function kf(index: number, t: [number, number, number], points: number[]): KeyframeInfo {
  const pose = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, t[0], t[1], t[2], 1]);
  const g: KeyframeGeometry = {
    index,
    sourceFrame: index * 3,
    timestampMs: index * 500,
    pose,
    tracking: { status: 'tracked', inliers: 50 },
    world: { toGravity: pose, gravitySource: 'cameras', voxels: 0, extent: null },
    intrinsics: { fx: 1, fy: 1, cx: 0, cy: 0 },
    width: 1,
    height: 1,
    points: Float32Array.from(points),
    colors: new Uint8Array(points.length),
    timings: { inferenceMs: 0, postMs: 0 },
  };
  return keyframeInfo(g);
}

describe('SceneSummary', () => {
  it('accumulates path length, extent, counts and duration', () => {
    const s = new SceneSummary();
    s.add(kf(0, [0, 0, 0], [0, 0, 1, 1, 2, 3]));
    s.add(kf(1, [3, 4, 0], [-1, 0, 2]));
    expect(s.pathLength).toBeCloseTo(5);
    expect(s.points).toBe(3);
    expect(s.extent).toEqual([2, 2, 2]);
    expect(s.durationMs).toBe(500);
    const text = spatialContextText(s);
    expect(text).toContain('Keyframes: 2');
    expect(text).toContain('Camera path length: 5.00 m');
    expect(text).toContain('2.00 m by 2.00 m horizontally, 2.00 m high');
    expect(text).toContain('no floor seen yet');
  });

  it('takes a loop closure’s corrected path, world frame and map size', () => {
    const s = new SceneSummary();
    s.add(kf(0, [0, 0, 0], [0, 0, 1]));
    s.add(kf(1, [3, 4, 0], [1, 0, 2]));
    const moved = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 3, 0, 0, 1]);
    const world = { toGravity: moved, gravitySource: 'floor' as const, voxels: 7, extent: [1, 2, 3] as [number, number, number] };
    s.correct([{ index: 1, pose: moved }], world, 7);
    expect(s.keyframes[1]!.position).toEqual([3, 0, 0]);
    expect(s.pathLength).toBeCloseTo(3);
    expect(s.points).toBe(7);
    expect(s.extent).toEqual([1, 2, 3]);
  });

  it('says plainly when nothing has been captured', () => {
    expect(spatialContextText(new SceneSummary())).toMatch(/nothing has been captured/);
  });
});
