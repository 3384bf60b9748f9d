// Builds the scene memory from what the geometry pipeline holds: the tracked keyframes (camera track),
// the fused map (room), and the object instances; all expressed in the gravity frame. Also the compact
// text of it that the VLM gets for questions no solver answers, and the object numbering that text shares
// with the plan image (src/scene/planImage.ts), so "object 3" names the same object in both.
import type { StoredKeyframe } from '../geometry/keyframeStore';
import { transformPoints } from '../geometry/mat4';
import { boxDimensions } from './boxGeometry';
import type { ObjectMap } from './objectMap';
import { estimateRoom, sightlines } from './room';
import type { CameraSample, SceneMemory, SceneObject, Vec3 } from './types';

export interface PipelineState {
  /** Tracked keyframes in capture order (pose: column-major camera-to-world in the tracking world). */
  stored: readonly (Pick<StoredKeyframe, 'index' | 'sourceFrame' | 'timestampMs' | 'pose'> & Partial<Pick<StoredKeyframe, 'depth' | 'intrinsics'>>)[];
  /** Source frames whose tracking was lost. */
  lostFrames: readonly number[];
  /** Column-major 4x4 from the tracking world to the gravity frame. */
  toGravity: Float32Array;
  floorSeen: boolean;
  /** Map points in the tracking world (xyz), for the room; null to leave the room out. */
  mapPoints: Float32Array | null;
  objects: ObjectMap | null;
  sourceFrameCount: number | null;
}

/** A column-major camera-to-world pose, carried into the gravity frame, as a camera sample. */
export function cameraSample(pose: ArrayLike<number>, toGravity: ArrayLike<number>, at: Omit<CameraSample, 'position' | 'rotation'>): CameraSample {
  const g = toGravity;
  const m = (r: number, c: number) => g[c * 4 + r]!; // gravity transform entry (row r, column c)
  const p = (r: number, c: number) => pose[c * 4 + r]!;
  const rotation: number[] = [];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) rotation.push(m(r, 0) * p(0, c) + m(r, 1) * p(1, c) + m(r, 2) * p(2, c));
  const position = [0, 1, 2].map((r) => m(r, 0) * p(0, 3) + m(r, 1) * p(1, 3) + m(r, 2) * p(2, 3) + m(r, 3)) as Vec3;
  return { ...at, position, rotation };
}

export function buildSceneMemory(state: PipelineState): SceneMemory {
  const camera = state.stored.map((kf) =>
    cameraSample(kf.pose, state.toGravity, { keyframe: kf.index, sourceFrame: kf.sourceFrame, timestampMs: kf.timestampMs }),
  );
  camera.sort((a, b) => a.sourceFrame - b.sourceFrame);
  const withDepth = state.stored.filter((kf): kf is Pick<StoredKeyframe, 'pose' | 'depth' | 'intrinsics'> & typeof kf => !!kf.depth && !!kf.intrinsics);
  const room = state.mapPoints
    ? estimateRoom(transformPoints(state.toGravity, state.mapPoints), state.floorSeen, sightlines(withDepth, state.toGravity))
    : null;
  return {
    objects: sceneObjects(state),
    room,
    camera,
    lostFrames: [...state.lostFrames].sort((a, b) => a - b),
    sourceFrameCount: state.sourceFrameCount,
  };
}

/** The memory's objects alone (what naming objects by number needs, without the room and camera track). */
export function sceneObjects(state: PipelineState): SceneObject[] {
  // Once the capture has several keyframes, an object must be seen on two of them to count.
  const minSightings = state.stored.length >= 5 ? 2 : 1;
  return state.objects ? state.objects.objects(state.toGravity, minSightings, state.floorSeen) : [];
}

const f2 = (v: number) => v.toFixed(2);

const firstSeenKey = (o: SceneObject) => (Number.isFinite(o.firstSeen?.timestampMs) ? o.firstSeen.timestampMs : Number.POSITIVE_INFINITY);

/**
 * The objects in their shared order, numbered from 1: by first-seen time, then id (chair#2 before chair#10),
 * then their order in the memory. The text summary and the plan image both number objects this way.
 */
export function numberedObjects(objects: readonly SceneObject[]): { object: SceneObject; number: number }[] {
  const order = objects.map((object, index) => ({ object, index }));
  order.sort(
    (a, b) =>
      firstSeenKey(a.object) - firstSeenKey(b.object) || String(a.object.id).localeCompare(String(b.object.id), 'en', { numeric: true }) || a.index - b.index,
  );
  return order.map(({ object }, i) => ({ object, number: i + 1 }));
}

/** Each object id's number (see numberedObjects); the first object wins if two share an id. */
export function objectNumbers(objects: readonly SceneObject[]): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const { object, number } of numberedObjects(objects)) if (!numbers.has(object.id)) numbers.set(object.id, number);
  return numbers;
}

/** A few lines on what the memory holds, for the VLM's context. */
export function sceneMemoryText(memory: SceneMemory, maxObjects = 40): string {
  const lines: string[] = [];
  if (memory.room) {
    lines.push(
      `Room: floor area about ${memory.room.floorArea.toFixed(1)} m²${memory.room.ceilingHeight !== null ? `, ceiling ${f2(memory.room.ceilingHeight)} m` : ''}.`,
    );
  }
  if (memory.objects.length) {
    lines.push('Objects seen ([number on the plan] id: centre x, y, z in m; size w × d × h in m; first seen at s):');
    for (const { object: o, number } of numberedObjects(memory.objects).slice(0, maxObjects)) {
      const d = boxDimensions(o.box);
      lines.push(
        `- [${number}] ${o.id}: (${o.box.center.map(f2).join(', ')}); ${f2(d.horizontal[0])} × ${f2(d.horizontal[1])} × ${f2(d.height)}; ${(o.firstSeen.timestampMs / 1000).toFixed(1)} s`,
      );
    }
    if (memory.objects.length > maxObjects) lines.push(`- … and ${memory.objects.length - maxObjects} more.`);
  } else {
    lines.push('No objects recognised yet.');
  }
  if (memory.lostFrames.length) lines.push(`Tracking was lost on ${memory.lostFrames.length} keyframe(s).`);
  return lines.join('\n');
}
