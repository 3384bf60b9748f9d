// Reads a saved session back into what the geometry worker holds for a map: per-keyframe geometry for the
// 3D view (points with the keyframe that added them), the stored keyframes, lost frames and gravity frame
// the scene memory is built from, the detector's findings to replay, and the keyframe images for the chat.
import type { StoredKeyframe } from '../geometry/keyframeStore';
import { identity } from '../geometry/mat4';
import type { KeyframeGeometry, KeyframeInfo } from '../geometry/types';
import { loadSession, sessionRange, type SessionsDb } from './db';
import type { DetectionRecord, SavedChatMessage, SessionMeta } from './types';
import { concat } from '../util/typedArrays';

export interface RestoredSession {
  meta: SessionMeta;
  infos: KeyframeInfo[];
  stored: StoredKeyframe[];
  lostFrames: number[];
  toGravity: Float32Array;
  floorSeen: boolean;
  /** Every map point (tracking frame), for the room estimate. */
  mapPoints: Float32Array | null;
  detections: DetectionRecord[];
  images: { image: Blob; sourceFrame: number; timestampMs: number }[];
  chat: SavedChatMessage[];
}

/** `onKeyframe` gets each keyframe's geometry in order (its arrays may be transferred). */
export async function restoreSession(db: SessionsDb, id: string, onKeyframe: (g: KeyframeGeometry) => void): Promise<RestoredSession> {
  const { meta, keyframes, detections, chat } = await loadSession(db, id);
  keyframes.sort((a, b) => a.index - b.index);
  const chunkKeys = await db.getAllKeys('points', sessionRange(id));
  // A chunk belongs to the keyframe that added it; an import's extra chunks go with its last keyframe.
  const indices = new Set(keyframes.map((k) => k.index));
  const last = keyframes[keyframes.length - 1]?.index;
  const byKeyframe = new Map<number, [string, number][]>();
  for (const key of chunkKeys) {
    const owner = indices.has(key[1]) ? key[1] : last;
    if (owner !== undefined) byKeyframe.set(owner, [...(byKeyframe.get(owner) ?? []), key]);
  }
  const mapChunks: Float32Array[] = [];
  for (const k of keyframes) {
    const chunks = [];
    for (const key of byKeyframe.get(k.index) ?? []) {
      const c = await db.get('points', key);
      if (c) chunks.push(c);
    }
    const points = concat(
      chunks.map((c) => c.points),
      Float32Array,
    );
    const colors = concat(
      chunks.map((c) => c.colors),
      Uint8Array,
    );
    if (points.length) mapChunks.push(points.slice());
    onKeyframe({ ...k.info, pose: new Float32Array(k.info.pose), points, colors });
  }
  const lastInfo = keyframes[keyframes.length - 1]?.info;
  const mapPoints = concat(mapChunks, Float32Array);
  return {
    meta,
    infos: keyframes.map((k) => k.info),
    stored: keyframes.flatMap((k) => (k.stored ? [k.stored] : k.info.tracking.status === 'lost' ? [] : [withoutDepth(k.info)])),
    lostFrames: keyframes.filter((k) => k.info.tracking.status === 'lost').map((k) => k.info.sourceFrame),
    toGravity: lastInfo ? new Float32Array(lastInfo.world.toGravity) : identity(),
    floorSeen: lastInfo?.world.gravitySource === 'floor',
    mapPoints: mapPoints.length ? mapPoints : null,
    detections,
    images: keyframes.flatMap((k) => (k.image ? [{ image: k.image, sourceFrame: k.info.sourceFrame, timestampMs: k.info.timestampMs }] : [])),
    chat,
  };
}

/** An imported pose: on the camera track, but no depth to place objects with. */
function withoutDepth(info: KeyframeInfo): StoredKeyframe {
  return {
    index: info.index,
    sourceFrame: info.sourceFrame,
    timestampMs: info.timestampMs,
    pose: new Float32Array(info.pose),
    intrinsics: info.intrinsics,
    depth: { width: 0, height: 0, data: new Float32Array(0) },
  };
}
