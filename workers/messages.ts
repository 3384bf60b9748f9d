// Messages on the direct channels between workers (no trip through the main thread).
import type { KeyframeGeometry } from '../src/geometry/types';

/** Geometry worker → VLM worker: copies of keyframes for the chat. */
export type VlmFrameMessage =
  | { type: 'frame'; bitmap: ImageBitmap; sourceFrame: number; timestampMs: number }
  | { type: 'reset' };

/** Geometry worker → render worker: the points of each keyframe. */
export type RenderMessage = { type: 'keyframe'; geometry: KeyframeGeometry } | { type: 'reset' };
