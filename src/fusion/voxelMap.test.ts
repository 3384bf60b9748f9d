import { describe, expect, it } from 'vitest';
import { VoxelMap } from './voxelMap';

describe('VoxelMap', () => {
  it('merges points in one voxel, averages them, and reports only new voxels', () => {
    const map = new VoxelMap({ voxelSize: 0.1 });
    const first = map.integrate(Float32Array.of(0.01, 0.01, 0.01, 0.05, 0.05, 0.05, 0.5, 0.5, 0.5), Uint8Array.of(10, 10, 10, 30, 30, 30, 200, 0, 0));
    expect(map.size).toBe(2);
    expect(first.points.length).toBe(6);
    const again = map.integrate(Float32Array.of(0.02, 0.02, 0.02), Uint8Array.of(20, 20, 20));
    expect(again.points.length).toBe(0);
    expect(map.snapshot(3).points.length).toBe(3); // one voxel seen three times
    const snap = map.snapshot(2);
    expect(Array.from(snap.points)).toEqual([expect.closeTo(0.0267, 3), expect.closeTo(0.0267, 3), expect.closeTo(0.0267, 3)]);
    expect(Array.from(snap.colors)).toEqual([20, 20, 20]);
  });

  it('keeps its memory flat when the same surface is seen again, and grows for new surface', () => {
    const map = new VoxelMap({ voxelSize: 0.05, initialCapacity: 16 });
    const wall = (shift: number) => {
      const pts: number[] = [];
      for (let i = 0; i < 100; i++) for (let j = 0; j < 100; j++) pts.push(i * 0.02 + shift, j * 0.02, 2);
      return Float32Array.from(pts);
    };
    const colors = new Uint8Array(30000).fill(100);
    map.integrate(wall(0), colors);
    const size = map.size;
    const bytes = map.bytes;
    for (let k = 0; k < 5; k++) map.integrate(wall(0.001 * k), colors);
    expect(map.size).toBe(size);
    expect(map.bytes).toBe(bytes);
    map.integrate(wall(5), colors);
    expect(map.size).toBe(2 * size);
  });

  it('ignores non-finite points and handles negative coordinates', () => {
    const map = new VoxelMap({ voxelSize: 0.1 });
    map.integrate(Float32Array.of(Number.NaN, 0, 0, -0.05, -0.05, -0.05, 0.05, 0.05, 0.05), new Uint8Array(9));
    expect(map.size).toBe(2);
  });
});
