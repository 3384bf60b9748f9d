// Where capture sources hand their frames: the geometry worker, which takes ownership
// (the frame is transferred, never copied on the main thread).

export interface FrameMeta {
  /** Frame number in the source (0-based). */
  sourceFrame: number;
  timestampMs: number;
  /** Image sets: every image is a keyframe. */
  forceKeyframe?: boolean;
}

/** Takes a frame; resolves to the number of keyframes still waiting, for back-pressure. */
export type FrameSink = (frame: VideoFrame | ImageBitmap, meta: FrameMeta) => Promise<number>;

/** Messages a user reads when a capture source fails. */
export class CaptureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureError';
  }
}
