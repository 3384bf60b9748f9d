import { describe, expect, it } from 'vitest';
import { mergeDepthWithMap } from './mergeDepth';
import type { MapView } from './voxelMap';

const W = 40;
const H = 30;

/** A map seen as a wall 2 m away (seen `observations` times) on the left two thirds of a 40 x 30 image. */
function wallView(observations: number): MapView {
  const cell = 2;
  const cols = W / cell;
  const rows = H / cell;
  const points = new Float32Array(cols * rows * 3);
  const obs = new Uint16Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < (2 * cols) / 3; c++) {
      points[3 * (r * cols + c) + 2] = 2;
      obs[r * cols + c] = observations;
    }
  }
  return { cols, rows, cell, points, observations: obs };
}

describe('mergeDepthWithMap', () => {
  it("moves a keyframe's depth that agrees with the map onto the map's surface, weighted by how often the map saw it", () => {
    // The keyframe sees the wall 3 % too far, with a little noise, and an object 1 m in front of it on the right.
    const depth = new Float32Array(W * H);
    for (let i = 0; i < depth.length; i++) depth[i] = i % W < 27 ? 2.06 * (1 + 0.004 * Math.sin(i)) : 1;
    const merged = mergeDepthWithMap(depth, W, H, wallView(9))!;
    expect(merged).not.toBeNull();
    // The band follows the measured spread (the noise), not a fixed guess.
    expect(merged.band).toBeLessThan(0.02);
    // Nine observations against one: the wall moves nine tenths of the way to the map.
    expect(merged.depth[5 * W + 3]! / 2).toBeCloseTo(Math.exp(Math.log(depth[5 * W + 3]! / 2) / 10), 4);
    // Where the map has nothing (the right third), the depth is kept.
    expect(merged.depth[5 * W + 35]).toBe(1);
    expect(merged.merged).toBeCloseTo(27 / 40, 2);
  });

  it('keeps a surface the map does not have along the ray (an object in front of the wall)', () => {
    const depth = new Float32Array(W * H).fill(2);
    for (let y = 10; y < 20; y++) for (let x = 10; x < 20; x++) depth[y * W + x] = 1.2;
    const merged = mergeDepthWithMap(depth, W, H, wallView(3))!;
    expect(merged.depth[15 * W + 15]).toBeCloseTo(1.2, 6);
    expect(merged.depth[5 * W + 5]).toBeCloseTo(2, 6);
  });

  it('declines when the map and the keyframe share too few cells', () => {
    const view = wallView(3);
    view.points.fill(0, 3 * 10); // ten cells left of the wall
    expect(mergeDepthWithMap(new Float32Array(W * H).fill(2), W, H, view)).toBeNull();
  });
});
