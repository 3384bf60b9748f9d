// Messages on the direct channels between workers (no trip through the main thread).
import type { KeyframeGeometry, MapCorrection } from '../src/geometry/types';
import type { Detection2D } from '../src/spatial/objectMap';

/** Geometry worker → VLM worker: copies of keyframes for the chat. */
export type VlmFrameMessage = { type: 'frame'; bitmap: ImageBitmap; sourceFrame: number; timestampMs: number } | { type: 'reset' };

/** Geometry worker → render worker: the points of each keyframe. */
export type RenderMessage = { type: 'keyframe'; geometry: KeyframeGeometry } | { type: 'corrected'; correction: MapCorrection } | { type: 'reset' };

/** Geometry worker → detector worker: tracked keyframes to find objects in; a ping asks for a reply once all sent so far are done. */
export type DetectorFrameMessage = { type: 'frame'; bitmap: ImageBitmap; keyframe: number } | { type: 'ping'; id: number } | { type: 'reset' };

/** Detector worker → geometry worker: what was found on a keyframe, and the replies to pings. */
export type DetectionMessage =
  | { type: 'detections'; keyframe: number; width: number; height: number; detections: Detection2D[] }
  | { type: 'pong'; id: number };
