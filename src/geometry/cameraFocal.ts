// One camera per capture: a depth model estimates the focal length from every image on its own, and each guess
// is off by a few % in its own direction, so every keyframe would otherwise have its own camera (and its own scale:
// depth and focal are solved together). The first keyframes' estimates are collected; from FIRST_ESTIMATES on, the
// median of all estimates so far is the capture's focal length and the model is given it (MoGe then solves only
// the depth shift). Each keyframe still reports what it would have estimated, so the median keeps improving as the
// capture goes on. Focal lengths are kept relative to the image width, so keyframes of any size agree.

/** Estimates needed before the capture's focal length is fixed. */
export const FIRST_ESTIMATES = 5;

export class CameraFocal {
  private readonly estimates: number[] = [];

  /** The focal length (px) to give the model for an image `width` pixels wide, or undefined while still estimating. */
  fxFor(width: number): number | undefined {
    if (this.estimates.length < FIRST_ESTIMATES) return undefined;
    const sorted = [...this.estimates].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    return median * width;
  }

  /** A keyframe's own estimate (px, for an image `width` pixels wide); ignored when not a positive finite number. */
  add(fx: number, width: number): void {
    if (Number.isFinite(fx) && fx > 0 && width > 0) this.estimates.push(fx / width);
  }

  get count(): number {
    return this.estimates.length;
  }

  reset(): void {
    this.estimates.length = 0;
  }
}
