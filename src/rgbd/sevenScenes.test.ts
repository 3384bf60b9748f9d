import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodeDepthPng, groupRgbdFiles, parseIntrinsics, parsePose } from './sevenScenes';

describe('7-Scenes folder parsing', () => {
  it('groups colour, depth and pose files by frame, in natural order', () => {
    const names = [
      'frame-000010.pose.txt',
      'frame-000002.color.jpg',
      'frame-000010.color.jpg',
      'frame-000010.depth.png',
      'camera-intrinsics.txt',
      'frame-000002.depth.png',
      'frame-000003.depth.png',
    ];
    expect(groupRgbdFiles(names)).toEqual([
      { id: 'frame-000002', color: 'frame-000002.color.jpg', depth: 'frame-000002.depth.png' },
      { id: 'frame-000010', color: 'frame-000010.color.jpg', depth: 'frame-000010.depth.png', pose: 'frame-000010.pose.txt' },
    ]);
  });

  it('reads intrinsics and refuses nonsense', () => {
    expect(parseIntrinsics('585 0 320\n0 585 240\n0 0 1\n')).toEqual({ fx: 585, fy: 585, cx: 320, cy: 240 });
    expect(() => parseIntrinsics('585 0 320')).toThrow(/3x3/);
  });

  it('reads a row-major pose into column-major order, and rejects NaN', () => {
    const m = parsePose('1 0 0 0.5\n0 1 0 -1\n0 0 1 2\n0 0 0 1');
    expect(Array.from(m!.slice(12, 15))).toEqual([0.5, -1, 2]);
    expect(parsePose('nan 0 0 0\n0 1 0 0\n0 0 1 0\n0 0 0 1')).toBeNull();
    // A rotation written with too few digits (columns off unit length by ~1e-4) comes back exactly orthonormal.
    const r = parsePose('0.99995 0 0 0\n0 0.99990 0.0001 0\n0 -0.0001 1.00004 0\n0 0 0 1')!;
    const pairs: [number, number][] = [
      [0, 0],
      [4, 4],
      [8, 8],
      [0, 4],
      [4, 8],
    ];
    for (const [i, j] of pairs) {
      const dot = r[i]! * r[j]! + r[i + 1]! * r[j + 1]! + r[i + 2]! * r[j + 2]!;
      expect(dot).toBeCloseTo(i === j ? 1 : 0, 6);
    }
  });

  it('decodes 16-bit millimetre depth to metres and refuses 8-bit images', () => {
    const png = encode({ width: 2, height: 1, data: Uint16Array.of(1500, 0), depth: 16, channels: 1 });
    expect(Array.from(decodeDepthPng(png).depth)).toEqual([1.5, 0]);
    const grey8 = encode({ width: 1, height: 1, data: Uint8Array.of(9), depth: 8, channels: 1 });
    expect(() => decodeDepthPng(grey8)).toThrow(/16-bit/);
  });
});
