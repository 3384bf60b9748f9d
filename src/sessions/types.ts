// What a session stores in IndexedDB. A session is one map: from the first keyframe after a reset (or
// an import) to the next reset. Bulk records (keyframes, point chunks) are keyed [sessionId, n] so one
// session's records are one key range, and listing reads only the small `sessions` records.
import type { KeyframeInfo } from '../geometry/types';
import type { StoredKeyframe } from '../geometry/keyframeStore';
import type { Detection2D } from '../spatial/objectMap';
import type { AnswerHighlight } from '../spatial/types';

export type SessionState = 'recording' | 'saved' | 'imported';

export interface SessionMeta {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  /** 'recording' left behind by a reload or crash means the capture was interrupted (what was saved is kept). */
  state: SessionState;
  /** Keyframes saved, lost ones included. */
  keyframes: number;
  points: number;
  /** Bytes of the records saved (images, points, depth, poses): roughly what the session takes on disk. */
  bytes: number;
  framesSeen: number;
}

/** One keyframe: what the main thread's summary needs (KeyframeInfo), its image, and what spatial questions need. */
export interface KeyframeRecord {
  sessionId: string;
  index: number;
  info: KeyframeInfo;
  /** A small JPEG of the keyframe (made in the geometry worker). */
  image: Blob | null;
  /** The pipeline's stored keyframe (pose, intrinsics, small metric depth); absent for lost keyframes and imports. */
  stored: StoredKeyframe | null;
}

/** New map points (the voxels one keyframe added), in the tracking world frame. */
export interface PointChunk {
  sessionId: string;
  seq: number;
  points: Float32Array;
  colors: Uint8Array;
}

/** The object detector's findings on one keyframe: replayed into an ObjectMap on reopening. */
export interface DetectionRecord {
  sessionId: string;
  seq: number;
  keyframe: number;
  width: number;
  height: number;
  detections: Detection2D[];
}

export interface SavedChatMessage {
  role: 'user' | 'assistant';
  text: string;
  stopped?: boolean;
  error?: string;
  measured?: string;
  writtenBy?: string;
  /** A measured answer's objects and segments (gravity frame), shown again by "Show in 3D view". */
  highlight?: AnswerHighlight;
}

export interface ChatRecord {
  sessionId: string;
  messages: SavedChatMessage[];
}
