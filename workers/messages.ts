// Messages on the direct channel from the geometry worker to the VLM worker.
export type VlmFrameMessage =
  | { type: 'frame'; bitmap: ImageBitmap; sourceFrame: number; timestampMs: number }
  | { type: 'reset' };
