// The synthetic rooms' ground truth in the forms the end-to-end evaluation needs: the metadata of only what the video
// shows (questions about an object the camera never saw are not fair questions), and the oracle objects, each with
// the frame it first appears in, carried into the frame of a scene memory built from tracking.
import { applyRigid, composeRigid, invertRigid, matrixToRigid, type Rigid } from '../../geometry/rigid';
import type { SynthMeta } from '../../synth/groundTruth';
import type { SceneObject, Vec3 } from '../../spatial/types';
import { type MetaBox, metaBoxToOrientedBox } from '../vsibench/metaScene';

/** The metadata with only the objects some frame shows enough of (groundTruth.ts: MIN_VISIBLE_FRACTION). */
export function visibleMeta(meta: SynthMeta): SynthMeta {
  const seen = new Set(meta.instances.filter((i) => i.first_frame !== null).map((i) => i.instance_id));
  const object_bbox: Record<string, MetaBox[]> = {};
  const object_counts: Record<string, number> = {};
  for (const [category, boxes] of Object.entries(meta.object_bbox)) {
    const kept = boxes.filter((b) => seen.has(b.instance_id!));
    if (kept.length === 0) continue;
    object_bbox[category] = kept;
    object_counts[category] = kept.length;
  }
  return { ...meta, object_bbox, object_counts };
}

/**
 * The objects as perfect perception would give them, in a memory's frame: `worldToMemory` carries the synthetic
 * world (y-up, the poses' frame) into it (for a memory built from tracking: the trajectory alignment's inverse, then
 * the map's gravity frame). Each is first seen at its first-appearance frame, numbered "label#n" in instance order.
 */
export function oracleObjects(meta: SynthMeta, worldToMemory: Rigid, fps = meta.fps): SceneObject[] {
  const first = new Map(meta.instances.map((i) => [i.instance_id, i.first_frame]));
  const objects: SceneObject[] = [];
  for (const [label, boxes] of Object.entries(meta.object_bbox)) {
    boxes.forEach((b, n) => {
      const frame = first.get(b.instance_id!);
      if (frame === null || frame === undefined) return;
      const box = metaBoxToOrientedBox(b);
      const rotate = (v: Vec3): Vec3 => applyRigid({ R: worldToMemory.R, t: [0, 0, 0] }, v);
      objects.push({
        id: `${label}#${n + 1}`,
        label,
        box: { center: applyRigid(worldToMemory, box.center), axes: [rotate(box.axes[0]), rotate(box.axes[1]), rotate(box.axes[2])], size: box.size },
        firstSeen: { keyframe: frame, sourceFrame: frame, timestampMs: (frame * 1000) / fps },
        seenIn: [frame],
        score: 1,
      });
    });
  }
  return objects;
}

/** World → memory for a tracked memory: the inverse of the estimate-to-truth alignment, then the gravity frame. */
export function worldToTrackedMemory(estimateToTruth: Rigid, toGravity: Float32Array): Rigid {
  return composeRigid(matrixToRigid(toGravity), invertRigid(estimateToTruth));
}
