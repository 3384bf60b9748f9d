// Where capture sources hand their frames: the geometry worker, which takes ownership
// (the frame is transferred, never copied on the main thread).

import type { Rotation } from '../frames/cpuFrame';
import type { Intrinsics } from '../geometry/types';

/** Depth that comes with a frame (RGB-D folders): a 16-bit PNG in millimetres, decoded by the worker. */
export interface FrameDepthInput {
  depthPng: Blob;
  intrinsics: Intrinsics;
  /** File name, for messages. */
  name: string;
}

export interface FrameMeta {
  /** Frame number in the source (0-based). */
  sourceFrame: number;
  timestampMs: number;
  /** Image sets: every image is a keyframe. */
  forceKeyframe?: boolean;
  /** A live camera: it cannot wait, so keyframes the depth model could not take within the pipeline's lag bound are
   * skipped (files wait instead). */
  live?: boolean;
  /** How far the picture must be turned (clockwise) to stand upright: a phone video's rotation metadata. */
  rotation?: Rotation;
  rgbd?: FrameDepthInput;
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
