import { describe, expect, it } from 'vitest';
import { backproject } from './backproject';
import { identity } from './mat4';
import type { DepthResult, RgbaImage } from './types';

const W = 64;
const H = 48;
const intrinsics = { fx: 80, fy: 80, cx: W / 2, cy: H / 2 };

/** A fronto-parallel wall at `z` metres; pixel colour encodes its column and row. */
function wall(z: number): { depth: DepthResult; image: RgbaImage } {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let v = 0; v < H; v++) for (let u = 0; u < W; u++) data.set([u, v, 200, 255], 4 * (v * W + u));
  return {
    depth: { width: W, height: H, depth: new Float32Array(W * H).fill(z), confidence: new Float32Array(W * H).fill(1), intrinsics },
    image: { width: W, height: H, data },
  };
}

/** Camera-to-world: rotate 90° about world y (camera z → world x), then translate by t. */
function poseYaw90(t: [number, number, number]): Float32Array {
  // Columns are the camera axes in world coordinates: x → (0,0,-1), y → (0,1,0), z → (1,0,0).
  return Float32Array.from([0, 0, -1, 0, 0, 1, 0, 0, 1, 0, 0, 0, ...t, 1]);
}

describe('backproject', () => {
  it('puts a wall at its depth with the identity pose, pixel rays through the intrinsics', () => {
    const { depth, image } = wall(2);
    const { points, colors } = backproject(depth, image, identity());
    expect(points.length).toBe(W * H * 3);
    for (let i = 0; i < W * H; i++) expect(points[3 * i + 2]).toBeCloseTo(2, 6);
    // Pixel (u=10, v=5), centred at integer coordinates (OpenCV convention).
    const i = 5 * W + 10;
    expect(points[3 * i]).toBeCloseTo(((10 - 32) / 80) * 2, 5);
    expect(points[3 * i + 1]).toBeCloseTo(((5 - 24) / 80) * 2, 5);
    expect(Array.from(colors.slice(3 * i, 3 * i + 3))).toEqual([10, 5, 200]);
  });

  it('moves the wall into the world by the camera pose', () => {
    const { depth, image } = wall(3);
    const pose = poseYaw90([1, 2, 3]);
    const { points } = backproject(depth, image, pose);
    // Every point lies on the world plane x = 1 + 3 (camera looks along world +x).
    for (let i = 0; i < W * H; i++) expect(points[3 * i]).toBeCloseTo(4, 5);
    // The pixel right of centre (camera +x) goes to world −z.
    const i = 24 * W + 40;
    expect(points[3 * i + 2]).toBeCloseTo(3 - ((40 - 32) / 80) * 3, 5);
    expect(points[3 * i + 1]).toBeCloseTo(2 + ((24 - 24) / 80) * 3, 5);
  });

  it('skips invalid and low-confidence pixels', () => {
    const { depth, image } = wall(2);
    depth.depth[0] = 0;
    depth.confidence[1] = 0.2;
    depth.depth[2] = Number.NaN;
    const { points, colors } = backproject(depth, image, identity());
    expect(points.length).toBe((W * H - 3) * 3);
    expect(colors.length).toBe(points.length);
    expect(Array.from(colors.slice(0, 3))).toEqual([3, 0, 200]);
  });

  it('subsamples by stride and caps the count', () => {
    const { depth, image } = wall(2);
    expect(backproject(depth, image, identity(), { stride: 4 }).points.length).toBe((W / 4) * (H / 4) * 3);
    const capped = backproject(depth, image, identity(), { maxPoints: 100 });
    expect(capped.points.length / 3).toBeLessThanOrEqual(100);
    expect(capped.points.length / 3).toBeGreaterThan(50);
  });

  it('rejects an image of another size', () => {
    const { depth } = wall(2);
    expect(() => backproject(depth, { width: 1, height: 1, data: new Uint8ClampedArray(4) }, identity())).toThrow(/64x48/);
  });
});
