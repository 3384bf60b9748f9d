// The camera at a frame a question names: "frame k" counts source frames from 1. Frames between two
// tracked keyframes are interpolated (position linearly, rotation from the nearer one). A brief loss of tracking
// between two tracked keyframes close in time is bridged the same way (and said so); frames outside the tracked
// span, or inside a longer lost stretch, have no pose.
import type { CameraSample, SceneMemory, Vec3 } from './types';

export type CameraAt =
  | { ok: true; sample: CameraSample; interpolated: boolean; acrossLostFrames: boolean }
  | { ok: false; reason: 'not-captured' | 'tracking-lost' | 'no-track' };

/** Largest gap (source frames) across which a pose is interpolated rather than called unknown. */
const MAX_INTERPOLATION_GAP = 60;
/**
 * Largest gap (source frames) between the tracked keyframes either side of lost frames across which a pose is
 * still interpolated: a third of a second at 30 fps. Tracking picks up again in the same map, so both ends are
 * consistent; the camera cannot have gone far in between.
 */
const MAX_LOST_BRIDGE = 10;

export function cameraAtFrame(memory: SceneMemory, frameNumber: number): CameraAt {
  const track = memory.camera;
  if (track.length === 0) return { ok: false, reason: memory.lostFrames.length ? 'tracking-lost' : 'no-track' };
  const source = frameNumber - 1;
  if (memory.sourceFrameCount !== null && (source < 0 || source >= memory.sourceFrameCount)) return { ok: false, reason: 'not-captured' };
  // Binary search for the first sample at or after the frame.
  let lo = 0;
  let hi = track.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (track[mid]!.sourceFrame < source) lo = mid + 1;
    else hi = mid;
  }
  const after = track[lo];
  if (after && after.sourceFrame === source) return { ok: true, sample: after, interpolated: false, acrossLostFrames: false };
  const before = track[lo - 1];
  const lostBetween = (a: number, b: number) => memory.lostFrames.some((f) => f > a && f < b);
  if (!before || !after) {
    // Outside the tracked span: a lost frame there means tracking, not capture, is missing.
    const edge = before ?? after!;
    const lostOutside = memory.lostFrames.some((f) => (before ? f > edge.sourceFrame && f <= source : f < edge.sourceFrame && f >= source));
    if (lostOutside) return { ok: false, reason: 'tracking-lost' };
    // The source's own first/last frame may not be a keyframe: accept a short extrapolation by holding the pose.
    if (Math.abs(edge.sourceFrame - source) <= 2) return { ok: true, sample: { ...edge, sourceFrame: source }, interpolated: true, acrossLostFrames: false };
    return { ok: false, reason: 'not-captured' };
  }
  const gap = after.sourceFrame - before.sourceFrame;
  const acrossLostFrames = lostBetween(before.sourceFrame, after.sourceFrame);
  if (acrossLostFrames && gap > MAX_LOST_BRIDGE) return { ok: false, reason: 'tracking-lost' };
  if (gap > MAX_INTERPOLATION_GAP) return { ok: false, reason: 'not-captured' };
  const t = (source - before.sourceFrame) / (after.sourceFrame - before.sourceFrame);
  const position = before.position.map((v, a) => v + t * (after.position[a]! - v)) as Vec3;
  const nearer = t < 0.5 ? before : after;
  return {
    ok: true,
    interpolated: true,
    acrossLostFrames,
    sample: {
      keyframe: nearer.keyframe,
      sourceFrame: source,
      timestampMs: before.timestampMs + t * (after.timestampMs - before.timestampMs),
      position,
      rotation: nearer.rotation,
    },
  };
}

/** A world vector in the camera's own axes (x right, y down, z forward). */
export function toCameraAxes(sample: CameraSample, v: Vec3): Vec3 {
  const r = sample.rotation; // camera-to-world, row-major: columns are the camera axes in the world
  return [r[0]! * v[0] + r[3]! * v[1] + r[6]! * v[2], r[1]! * v[0] + r[4]! * v[1] + r[7]! * v[2], r[2]! * v[0] + r[5]! * v[1] + r[8]! * v[2]];
}

/** Length of the camera's path between two samples of the track (inclusive indices). */
export function pathLength(track: CameraSample[], from = 0, to = track.length - 1): number {
  let length = 0;
  for (let i = from + 1; i <= to; i++) {
    const a = track[i - 1]!.position;
    const b = track[i]!.position;
    length += Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
  }
  return length;
}
