// A running summary of the reconstruction (counts, extent, camera path), kept on the main thread
// from the keyframe records the geometry worker streams, and the text the VLM gets from it.
import type { KeyframeInfo, WorldFrame } from '../geometry/types';

export interface KeyframeRecord {
  index: number;
  sourceFrame: number;
  timestampMs: number;
  /** Camera centre in the world frame (m). */
  position: [number, number, number];
}

export class SceneSummary {
  readonly keyframes: KeyframeRecord[] = [];
  /** Keyframes whose tracking was lost (they add nothing to the map). */
  lost = 0;
  points = 0;
  pathLength = 0;
  /** The map's gravity frame and extent, as of the last keyframe. */
  world: WorldFrame | null = null;
  private readonly min = [Infinity, Infinity, Infinity];
  private readonly max = [-Infinity, -Infinity, -Infinity];

  add(kf: KeyframeInfo): void {
    if (kf.tracking.status === 'lost') {
      this.lost++;
      return;
    }
    this.world = kf.world;
    const p = kf.pose;
    const position: [number, number, number] = [p[12]!, p[13]!, p[14]!];
    const last = this.keyframes[this.keyframes.length - 1];
    if (last) this.pathLength += Math.hypot(position[0] - last.position[0], position[1] - last.position[1], position[2] - last.position[2]);
    this.keyframes.push({ index: kf.index, sourceFrame: kf.sourceFrame, timestampMs: kf.timestampMs, position });
    if (kf.bounds) {
      for (let a = 0; a < 3; a++) {
        this.min[a] = Math.min(this.min[a]!, kf.bounds.min[a]!);
        this.max[a] = Math.max(this.max[a]!, kf.bounds.max[a]!);
      }
    }
    this.points += kf.pointCount;
  }

  /** Size of the map (m): along the gravity frame's axes once known, else of the raw points; null before any. */
  /**
   * A loop closure moved the keyframes: their positions, the path length and the world frame follow; the whole map now
   * holds `points` voxels (the bounds stay: a correction moves points centimetres, not the map's reach).
   */
  correct(poses: { index: number; pose: Float32Array }[], world: WorldFrame, points: number): void {
    const moved = new Map(poses.map((p) => [p.index, p.pose]));
    for (const kf of this.keyframes) {
      const p = moved.get(kf.index);
      if (p) kf.position = [p[12]!, p[13]!, p[14]!];
    }
    this.pathLength = 0;
    for (let i = 1; i < this.keyframes.length; i++) {
      const [a, b] = [this.keyframes[i - 1]!.position, this.keyframes[i]!.position];
      this.pathLength += Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    }
    this.world = world;
    this.points = points;
  }

  get extent(): [number, number, number] | null {
    if (this.points === 0) return null;
    if (this.world?.extent) return this.world.extent;
    return [0, 1, 2].map((a) => this.max[a]! - this.min[a]!) as [number, number, number];
  }

  get durationMs(): number {
    const first = this.keyframes[0];
    const last = this.keyframes[this.keyframes.length - 1];
    return first && last ? last.timestampMs - first.timestampMs : 0;
  }
}

const m = (v: number) => `${v.toFixed(2)} m`;

/** The spatial context given to the VLM: what the map measures, in a few plain lines. */
export function spatialContextText(summary: SceneSummary): string {
  if (summary.keyframes.length === 0) return 'No 3D reconstruction yet: nothing has been captured.';
  const frame =
    summary.world?.gravitySource === 'floor' ? 'gravity-aligned: y up, the floor at y = 0' : 'y up estimated from how the camera was held (no floor seen yet)';
  const lines = [
    `3D reconstruction of the user's capture (metric, metres; ${frame}).`,
    `Keyframes: ${summary.keyframes.length} over ${(summary.durationMs / 1000).toFixed(1)} s; points: ${summary.points}.`,
    `Camera path length: ${m(summary.pathLength)}.`,
  ];
  const e = summary.extent;
  if (e) lines.push(`Extent of the reconstructed map: ${m(e[0])} by ${m(e[2])} horizontally, ${m(e[1])} high.`);
  return lines.join('\n');
}
