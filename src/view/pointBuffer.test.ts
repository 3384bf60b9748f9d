// The view's point buffer past its capacity: it thins what it draws instead of dropping new points, so every part
// of the room captured, the newest included, stays drawn, at one density.
import { describe, expect, it } from 'vitest';
import { GrowingPointCloud } from './pointBuffer';

/** A keyframe's worth of points: a 1 m x 1 m patch of floor at (x0, 0), 1 cm apart, coloured by `shade`. */
function patch(x0: number, shade: number): { points: Float32Array; colors: Uint8Array } {
  const points: number[] = [];
  for (let i = 0; i < 100; i++) for (let j = 0; j < 100; j++) points.push(x0 + i / 100, 0, j / 100);
  return { points: Float32Array.from(points), colors: new Uint8Array(points.length).fill(shade) };
}

describe('GrowingPointCloud', () => {
  it('appends in full until it is full', () => {
    const cloud = new GrowingPointCloud(25_000);
    expect(cloud.append(patch(0, 10).points, patch(0, 10).colors)).toBe(10_000);
    expect(cloud.append(patch(1, 20).points, patch(1, 20).colors)).toBe(10_000);
    expect(cloud.size).toBe(20_000);
    expect(cloud.thinningCell).toBe(0);
  });

  it('past its capacity, thins everything drawn and what comes to one point per cell: no captured region is lost', () => {
    const cloud = new GrowingPointCloud(25_000);
    for (let k = 0; k < 12; k++) {
      const { points, colors } = patch(k, 10 + k);
      cloud.append(points, colors);
      expect(cloud.size).toBeLessThanOrEqual(25_000);
    }
    expect(cloud.thinningCell).toBeGreaterThan(0);
    const drawn = cloud.positionArray.subarray(0, cloud.size * 3);
    // Every patch, the first and the last included, is still drawn, with about the same number of points.
    const perPatch = new Array(12).fill(0);
    for (let i = 0; i < cloud.size; i++) perPatch[Math.floor(drawn[3 * i]!)]++;
    expect(Math.min(...perPatch)).toBeGreaterThan(0);
    expect(Math.max(...perPatch)).toBeLessThanOrEqual(2 * Math.min(...perPatch));
    // One point per cell: no two drawn points share a cell.
    const cell = cloud.thinningCell;
    const cells = new Set<string>();
    for (let i = 0; i < cloud.size; i++) cells.add([0, 1, 2].map((a) => Math.floor(drawn[3 * i + a]! / cell)).join());
    expect(cells.size).toBe(cloud.size);
    cloud.clear();
    expect(cloud.size).toBe(0);
    expect(cloud.thinningCell).toBe(0);
  });
});
