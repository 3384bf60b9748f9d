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

  it('sees from a camera exactly the voxels in its view, visiting only the chunks of space in front of it', () => {
    // Points on a sphere of radius 3 m around the camera, and a wall 1 m in front: most of the map is out of view.
    const pts: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const a = (i * 2.399963) % (2 * Math.PI);
      const zUnit = 1 - (2 * (i + 0.5)) / 20000;
      const r = Math.sqrt(1 - zUnit * zUnit);
      pts.push(3 * r * Math.cos(a), 3 * r * Math.sin(a), 3 * zUnit);
    }
    for (let i = 0; i < 100; i++) for (let j = 0; j < 100; j++) pts.push(-0.5 + i * 0.01, -0.5 + j * 0.01, 1);
    const all = Float32Array.from(pts);
    const colors = new Uint8Array(all.length);
    const k = { fx: 100, fy: 100, cx: 80, cy: 60 };
    const camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] };
    // The same map with only the points the camera sees (brute force): the view must not change.
    const visible: number[] = [];
    for (let p = 0; p < all.length; p += 3) {
      const [x, y, z] = [all[p]!, all[p + 1]!, all[p + 2]!];
      const u = (k.fx * x) / z + k.cx;
      const v = (k.fy * y) / z + k.cy;
      if (z > 0.1 && u >= -2 && v >= -2 && u < 162 && v < 122) visible.push(x, y, z);
    }
    const full = new VoxelMap({ voxelSize: 0.02 });
    full.integrate(all, colors);
    const cut = new VoxelMap({ voxelSize: 0.02 });
    cut.integrate(Float32Array.from(visible), new Uint8Array(visible.length));
    expect(cut.size).toBeLessThan(full.size / 2);
    const a = full.view(camera, k, 160, 120, 4);
    const b = cut.view(camera, k, 160, 120, 4);
    expect(Array.from(a.observations)).toEqual(Array.from(b.observations));
    for (let i = 0; i < a.points.length; i++) expect(a.points[i]).toBeCloseTo(b.points[i]!, 5);
    // The wall fills the middle of the view, the sphere its corners.
    expect(a.points[3 * (15 * 40 + 20) + 2]).toBeCloseTo(1, 2);
    expect(a.points[2]).toBeCloseTo(3 / Math.hypot(0.78, 0.58, 1), 1); // a corner ray, 3 m along it
  });

  it('moves each voxel with the keyframe that first saw it when a loop closure corrects the keyframes', () => {
    const map = new VoxelMap({ voxelSize: 0.02 });
    const wall = (z: number) => {
      const pts: number[] = [];
      for (let i = 0; i < 20; i++) for (let j = 0; j < 20; j++) pts.push(i * 0.02 + 0.01, j * 0.02 + 0.01, z);
      return Float32Array.from(pts);
    };
    const grey = (v: number) => new Uint8Array(1200).fill(v);
    map.integrate(wall(1.01), grey(100), 0);
    // Keyframe 7 saw the same wall 10 cm off (drift), and keyframe 0's voxels again (those stay keyframe 0's).
    map.integrate(wall(1.11), grey(200), 7);
    map.integrate(wall(1.01), grey(100), 7);
    expect(map.size).toBe(800);
    map.correct((anchor) => (anchor === 7 ? { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, -0.1] } : undefined));
    // The two copies of the wall are one again: their sightings and colours merged.
    expect(map.size).toBe(400);
    const all = map.snapshot();
    for (let i = 0; i < all.points.length / 3; i++) {
      expect(all.points[3 * i + 2]).toBeCloseTo(1.01, 5);
      expect(all.colors[3 * i]).toBe(Math.round((100 * 2 + 200) / 3));
    }
    expect(map.snapshot(3).points.length).toBe(1200);
    // The chunk index follows: the camera's view finds the moved voxels.
    const view = map.view({ R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] }, { fx: 100, fy: 100, cx: 0, cy: 0 }, 40, 40, 4);
    expect(view.points[2]).toBeCloseTo(1.01, 5);
  });
});
