// Camera trajectories in the TUM RGB-D format: one line per pose, `timestamp tx ty tz qx qy qz qw`
// (seconds; the camera's position and orientation in the world, i.e. camera-to-world), `#` comments.

export interface TimedPose {
  /** Seconds. */
  timestamp: number;
  /** Column-major 4x4 camera-to-world. */
  pose: Float32Array;
}

/** Unit quaternion [x, y, z, w] of the rotation in a column-major 4x4 (Shepperd's method). */
export function quaternionOf(m: ArrayLike<number>): [number, number, number, number] {
  const r = (row: number, col: number) => m[col * 4 + row]!;
  const trace = r(0, 0) + r(1, 1) + r(2, 2);
  let q: [number, number, number, number];
  if (trace > 0) {
    const s = Math.sqrt(trace + 1) * 2;
    q = [(r(2, 1) - r(1, 2)) / s, (r(0, 2) - r(2, 0)) / s, (r(1, 0) - r(0, 1)) / s, s / 4];
  } else if (r(0, 0) > r(1, 1) && r(0, 0) > r(2, 2)) {
    const s = Math.sqrt(1 + r(0, 0) - r(1, 1) - r(2, 2)) * 2;
    q = [s / 4, (r(0, 1) + r(1, 0)) / s, (r(0, 2) + r(2, 0)) / s, (r(2, 1) - r(1, 2)) / s];
  } else if (r(1, 1) > r(2, 2)) {
    const s = Math.sqrt(1 + r(1, 1) - r(0, 0) - r(2, 2)) * 2;
    q = [(r(0, 1) + r(1, 0)) / s, s / 4, (r(1, 2) + r(2, 1)) / s, (r(0, 2) - r(2, 0)) / s];
  } else {
    const s = Math.sqrt(1 + r(2, 2) - r(0, 0) - r(1, 1)) * 2;
    q = [(r(0, 2) + r(2, 0)) / s, (r(1, 2) + r(2, 1)) / s, s / 4, (r(1, 0) - r(0, 1)) / s];
  }
  const n = Math.hypot(...q);
  return q.map((v) => v / n) as [number, number, number, number];
}

/** Column-major 4x4 from a translation and a quaternion [x, y, z, w] (normalised here). */
export function poseFrom(t: [number, number, number], quat: [number, number, number, number]): Float32Array {
  const n = Math.hypot(...quat);
  const [x, y, z, w] = quat.map((v) => v / n) as [number, number, number, number];
  return new Float32Array([
    1 - 2 * (y * y + z * z),
    2 * (x * y + z * w),
    2 * (x * z - y * w),
    0,
    2 * (x * y - z * w),
    1 - 2 * (x * x + z * z),
    2 * (y * z + x * w),
    0,
    2 * (x * z + y * w),
    2 * (y * z - x * w),
    1 - 2 * (x * x + y * y),
    0,
    t[0],
    t[1],
    t[2],
    1,
  ]);
}

export function writeTum(poses: TimedPose[], comments: string[] = []): string {
  const lines = [...comments.map((c) => `# ${c}`), '# timestamp tx ty tz qx qy qz qw'];
  for (const { timestamp, pose } of poses) {
    const q = quaternionOf(pose);
    lines.push([timestamp.toFixed(6), ...[pose[12]!, pose[13]!, pose[14]!].map((v) => v.toFixed(6)), ...q.map((v) => v.toFixed(6))].join(' '));
  }
  return `${lines.join('\n')}\n`;
}

export class TumError extends Error {}

/** Reads a TUM trajectory; throws TumError naming the first line it cannot read. */
export function readTum(text: string): TimedPose[] {
  const poses: TimedPose[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const v = line.split(/[\s,]+/).map(Number);
    if (v.length !== 8 || v.some((x) => !Number.isFinite(x))) {
      throw new TumError(`Trajectory line ${i + 1} is not "timestamp tx ty tz qx qy qz qw": "${line.slice(0, 60)}"`);
    }
    if (Math.hypot(v[4]!, v[5]!, v[6]!, v[7]!) < 1e-6) throw new TumError(`Trajectory line ${i + 1} has a zero quaternion.`);
    poses.push({ timestamp: v[0]!, pose: poseFrom([v[1]!, v[2]!, v[3]!], [v[4]!, v[5]!, v[6]!, v[7]!]) });
  });
  if (!poses.length) throw new TumError('The trajectory file holds no poses.');
  return poses;
}
