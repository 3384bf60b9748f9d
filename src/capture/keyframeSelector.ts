// Chooses keyframes as frames arrive, by time and camera motion: dense enough for tracking
// (a keyframe at least every `maxIntervalMs`, and sooner when the view has changed), sparse
// enough that the geometry worker keeps up. Motion is measured on a tiny grey thumbnail.

export interface KeyframePolicy {
  /** Never two keyframes closer than this. */
  minIntervalMs: number;
  /** Always a keyframe after this long, even when the view is still. */
  maxIntervalMs: number;
  /** Mean absolute grey difference (0..255) to the last keyframe that counts as motion. */
  motionThreshold: number;
}

export const DEFAULT_KEYFRAME_POLICY: KeyframePolicy = { minIntervalMs: 90, maxIntervalMs: 1000, motionThreshold: 6 };

/** Side of the square-ish grey thumbnail the selector compares (width; height follows aspect). */
export const THUMB_WIDTH = 32;
export const THUMB_HEIGHT = 24;

export interface KeyframeDecision {
  keyframe: boolean;
  /** Mean absolute grey difference to the last keyframe (0 for the first frame). */
  motion: number;
  reason: 'first' | 'motion' | 'interval' | 'too-soon' | 'still';
}

/** Grey levels of an RGBA thumbnail (Rec. 601 luma). */
export function toGrey(rgba: ArrayLike<number>, pixels: number): Uint8Array {
  const grey = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) {
    grey[i] = (rgba[4 * i]! * 77 + rgba[4 * i + 1]! * 150 + rgba[4 * i + 2]! * 29) >> 8;
  }
  return grey;
}

export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return 255; // a change of frame size is a new view
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / Math.max(1, a.length);
}

export class KeyframeSelector {
  private lastTime = -Infinity;
  private lastThumb: Uint8Array | null = null;

  constructor(private readonly policy: KeyframePolicy = DEFAULT_KEYFRAME_POLICY) {}

  /** Decides for one frame; `grey` is its thumbnail. Accepting a keyframe makes it the new reference. */
  consider(timestampMs: number, grey: Uint8Array): KeyframeDecision {
    if (!this.lastThumb) return this.accept(timestampMs, grey, 0, 'first');
    const motion = meanAbsDiff(grey, this.lastThumb);
    // A source that starts its clock again (a recording resumed after a pause) must not wait for the old clock.
    if (timestampMs < this.lastTime) this.lastTime = timestampMs - this.policy.maxIntervalMs;
    const elapsed = timestampMs - this.lastTime;
    if (elapsed < this.policy.minIntervalMs) return { keyframe: false, motion, reason: 'too-soon' };
    if (motion >= this.policy.motionThreshold) return this.accept(timestampMs, grey, motion, 'motion');
    if (elapsed >= this.policy.maxIntervalMs) return this.accept(timestampMs, grey, motion, 'interval');
    return { keyframe: false, motion, reason: 'still' };
  }

  reset(): void {
    this.lastTime = -Infinity;
    this.lastThumb = null;
  }

  private accept(timestampMs: number, grey: Uint8Array, motion: number, reason: KeyframeDecision['reason']): KeyframeDecision {
    this.lastTime = timestampMs;
    this.lastThumb = grey;
    return { keyframe: true, motion, reason };
  }
}
