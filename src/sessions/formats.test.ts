import { describe, expect, it } from 'vitest';
import { importSizeProblem, MAX_IMPORT_BYTES } from './exchange';
import { PlyError, readPly, writePly } from './ply';
import { poseFrom, quaternionOf, readTum, TumError, writeTum } from './tum';

describe('PLY', () => {
  it('round-trips binary little-endian across chunks', async () => {
    const a = { points: new Float32Array([0.5, -1.25, 3, 1e-3, 2, -4]), colors: new Uint8Array([1, 2, 3, 250, 251, 252]) };
    const b = { points: new Float32Array([7, 8, 9]), colors: new Uint8Array([9, 8, 7]) };
    const blob = writePly([a, b], ['a comment']);
    const text = new TextDecoder().decode((await blob.arrayBuffer()).slice(0, 300));
    expect(text).toContain('format binary_little_endian 1.0\ncomment a comment\nelement vertex 3\n');
    const back = readPly(await blob.arrayBuffer());
    expect([...back.points]).toEqual([...a.points, ...b.points]);
    expect([...back.colors]).toEqual([...a.colors, ...b.colors]);
  });

  it('reads ASCII and binary files written elsewhere (extra properties, doubles, no colour)', () => {
    const ascii =
      'ply\r\nformat ascii 1.0\r\nelement vertex 2\r\nproperty float x\r\nproperty float y\r\nproperty float z\r\nproperty float nx\r\nproperty uchar red\r\nproperty uchar green\r\nproperty uchar blue\r\nend_header\r\n1 2 3 0 10 20 30\r\n4 5 6 0 40 50 60\r\n';
    const a = readPly(new TextEncoder().encode(ascii).buffer);
    expect([...a.points]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...a.colors]).toEqual([10, 20, 30, 40, 50, 60]);

    const head = new TextEncoder().encode(
      'ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty double x\nproperty double y\nproperty double z\nproperty uchar alpha\nend_header\n',
    );
    const buf = new Uint8Array(head.length + 25);
    buf.set(head);
    const v = new DataView(buf.buffer, head.length);
    [1.5, -2, 3].forEach((x, i) => v.setFloat64(i * 8, x, true));
    const b = readPly(buf.buffer);
    expect([...b.points]).toEqual([1.5, -2, 3]);
    expect([...b.colors]).toEqual([200, 200, 200]);
  });

  it('says what is wrong with a file it cannot read', () => {
    const enc = (s: string) => new TextEncoder().encode(s).buffer;
    expect(() => readPly(enc('hello'))).toThrow(PlyError);
    expect(() => readPly(enc('ply\nformat binary_big_endian 1.0\nelement vertex 1\nproperty float x\nend_header\n'))).toThrow(/big_endian.*not supported/);
    expect(() => readPly(enc('ply\nformat ascii 1.0\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n3 0 1 2\n'))).toThrow(/no vertices/);
    expect(() =>
      readPly(enc('ply\nformat binary_little_endian 1.0\nelement vertex 5\nproperty float x\nproperty float y\nproperty float z\nend_header\n1234')),
    ).toThrow(/declares 5 vertices, its data holds at most 0/);
  });
});

describe('PLY files from anywhere (hostile or broken)', () => {
  const enc = (s: string) => new TextEncoder().encode(s).buffer;
  const binaryHeader = (n: number) =>
    `ply\nformat binary_little_endian 1.0\nelement vertex ${n}\nproperty float x\nproperty float y\nproperty float z\nend_header\n`;
  const binary = (n: number, values: number[]) => {
    const head = new TextEncoder().encode(binaryHeader(n));
    const out = new Uint8Array(head.length + values.length * 4);
    out.set(head);
    const view = new DataView(out.buffer, head.length);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return out.buffer;
  };

  it('refuses a tiny file that claims a billion vertices, before allocating for them', () => {
    expect(() => readPly(binary(1e9, [1, 2, 3]))).toThrow(/declares 1,000,000,000 vertices, its data holds at most 1/);
    expect(() =>
      readPly(enc('ply\nformat ascii 1.0\nelement vertex 1000000000\nproperty float x\nproperty float y\nproperty float z\nend_header\n1 2 3\n')),
    ).toThrow(/declares 1,000,000,000 vertices/);
    expect(() => readPly(binary(2 ** 60, []))).toThrow(/bad vertex count/);
    expect(() => readPly(enc('ply\nformat ascii 1.0\nelement vertex -3\nproperty float x\nproperty float y\nproperty float z\nend_header\n'))).toThrow(
      /bad vertex count/,
    );
  });

  it('refuses truncated files: a binary body short of its count, ASCII lines missing or short of values', () => {
    expect(() => readPly(binary(3, [1, 2, 3, 4, 5, 6, 7]))).toThrow(/cut short/);
    expect(() =>
      readPly(enc('ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nend_header\n1 2 3\n4 5 6\n\n\n\n\n\n\n\n')),
    ).toThrow(/cut short: 2 of 3/);
    expect(() =>
      readPly(enc('ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n1 2 3\n4 5 6 7 8 9 10\n')),
    ).not.toThrow();
    expect(() =>
      readPly(enc('ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n1 2 3 4 5 6\n4 5\n')),
    ).toThrow(/vertex 2 has 2 values/);
  });

  it('leaves out points with NaN or infinite coordinates and counts them; a cloud with none left is refused', () => {
    const cloud = readPly(binary(4, [1, 2, 3, Number.NaN, 0, 0, 0, Number.POSITIVE_INFINITY, 0, 4, 5, 6]));
    expect([...cloud.points]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cloud.nonFinite).toBe(2);
    const ascii = readPly(
      enc('ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nend_header\nnan 0 0\n1 1 inf\n7 8 9\n'),
    );
    expect(ascii.nonFinite).toBe(2);
    expect([...ascii.points]).toEqual([7, 8, 9]);
    expect(() => readPly(binary(1, [Number.NaN, 0, 0]))).toThrow(/no point with finite coordinates/);
  });

  it('refuses files too big to read before reading them', () => {
    expect(importSizeProblem(MAX_IMPORT_BYTES.ply + 1, 100)).toMatch(/point cloud is 513 MB; at most 512 MB/);
    expect(importSizeProblem(100, 20 * 1024 ** 2)).toMatch(/trajectory is 20 MB; at most 16 MB/);
    expect(importSizeProblem(MAX_IMPORT_BYTES.ply, MAX_IMPORT_BYTES.trajectory)).toBeNull();
  });

  it('thins a cloud bigger than the view holds, evenly', () => {
    const values = Array.from({ length: 30 }, (_, i) => i);
    const cloud = readPly(binary(10, values), 4);
    expect(cloud.step).toBe(3);
    expect([...cloud.points]).toEqual([0, 1, 2, 9, 10, 11, 18, 19, 20, 27, 28, 29]);
  });
});

describe('TUM trajectories', () => {
  it('round-trips poses (rotation through the quaternion, every branch of the conversion)', () => {
    const quats: [number, number, number, number][] = [
      [0, 0, 0, 1],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0.1, -0.7, 0.3, 0.2],
      [-0.5, 0.5, 0.5, 0.5],
    ];
    const poses = quats.map((q, i) => ({ timestamp: i * 0.1 + 1700000000.25, pose: poseFrom([i, -i, 0.5], q) }));
    const text = writeTum(poses, ['made by a test']);
    expect(text.split('\n')[0]).toBe('# made by a test');
    const back = readTum(text);
    expect(back).toHaveLength(quats.length);
    back.forEach((p, i) => {
      expect(p.timestamp).toBeCloseTo(poses[i]!.timestamp, 5);
      for (let k = 0; k < 16; k++) expect(p.pose[k]).toBeCloseTo(poses[i]!.pose[k]!, 5);
    });
    const q = quaternionOf(poseFrom([0, 0, 0], [0.1, -0.7, 0.3, 0.2]));
    const n = Math.hypot(0.1, -0.7, 0.3, 0.2);
    expect(Math.abs(q[0] * 0.1 + q[1] * -0.7 + q[2] * 0.3 + q[3] * 0.2) / n).toBeCloseTo(1, 6);
  });

  it('names the line it cannot read', () => {
    expect(() => readTum('# only a comment\n')).toThrow(/no poses/);
    expect(() => readTum('0 1 2 3 0 0 0 1\n1 2 3\n')).toThrow(TumError);
    expect(() => readTum('0 1 2 3 0 0 0 1\n1 2 3\n')).toThrow(/line 2/);
    expect(() => readTum('0 1 2 3 0 0 0 0\n')).toThrow(/zero quaternion/);
  });
});
