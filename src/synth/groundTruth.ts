// A synthetic room's ground truth in VSI-Bench's metadata format (thinking-in-space's `*_meta_info_val.json` rows:
// room_size, room_center, object_counts, object_bbox with centroid / axesLengths / normalizedAxes / min / max), so
// the code that reads the benchmark's scenes (src/eval/vsibench/metaScene.ts) reads these too, plus what the
// video-only tasks need: each object's first appearance and the camera track.
//
// The metadata is z-up like the benchmark's; the world (poses, depth) is y-up. (x, y, z) world → (x, −z, y) metadata:
// a rotation, the inverse of metaScene's.
import { boxCorners } from '../spatial/boxGeometry';
import type { Vec3 } from '../spatial/types';
import type { MetaBox, MetaScene } from '../eval/vsibench/metaScene';
import type { CameraFrame, SynthIntrinsics, SynthObject, SynthRoom } from './types';

/** An object counts as seen in a frame once this share of the image shows it (0.2 %: ~600 pixels at 640x480). */
export const MIN_VISIBLE_FRACTION = 0.002;

export const toMetaFrame = (p: Vec3): Vec3 => [p[0], -p[2], p[1]];

export interface SynthMeta extends MetaScene {
  dataset: 'room3r-synth';
  seed: number;
  room_kind: string;
  /** Floor outline in the metadata's frame ([x, y], z = 0), metres. */
  footprint: [number, number][];
  ceiling_height: number;
  fps: number;
  frames: number;
  intrinsics: SynthIntrinsics;
  /** Per object, by instance id: its category and the first frame that shows MIN_VISIBLE_FRACTION of the image. */
  instances: { instance_id: number; category: string; first_frame: number | null; visible_frames: number }[];
  /** Camera position per frame, metadata frame. */
  camera_track: Vec3[];
}

/** The object's oriented bounding box as a VSI-Bench box: rows of normalizedAxes are its axes (right-handed). */
export function metaBox(o: SynthObject): MetaBox {
  const c = Math.cos(o.yaw);
  const s = Math.sin(o.yaw);
  const centre: Vec3 = [o.position[0], o.elevation + o.size[1] / 2, o.position[2]];
  const axes: Vec3[] = [toMetaFrame([c, 0, -s]), toMetaFrame([-s, 0, -c]), [0, 0, 1]];
  const lengths: Vec3 = [o.size[0], o.size[2], o.size[1]];
  const centroid = toMetaFrame(centre);
  const corners = boxCorners({ center: centroid, axes: axes as [Vec3, Vec3, Vec3], size: lengths });
  const min = [0, 1, 2].map((k) => Math.min(...corners.map((p) => p[k]!))) as Vec3;
  const max = [0, 1, 2].map((k) => Math.max(...corners.map((p) => p[k]!))) as Vec3;
  return { centroid, axesLengths: lengths, normalizedAxes: axes.flat(), min, max, instance_id: o.instance };
}

/** Counts per frame of each instance's pixels → first frame and number of frames it is seen in. */
export function appearances(room: SynthRoom, pixelCounts: Uint32Array[], imagePixels: number): SynthMeta['instances'] {
  return room.objects.map((o) => {
    let first: number | null = null;
    let visible = 0;
    pixelCounts.forEach((counts, frame) => {
      if (counts[o.instance]! >= MIN_VISIBLE_FRACTION * imagePixels) {
        visible++;
        if (first === null) first = frame;
      }
    });
    return { instance_id: o.instance, category: o.label, first_frame: first, visible_frames: visible };
  });
}

export function roomMeta(room: SynthRoom, camera: CameraFrame[], intrinsics: SynthIntrinsics, instances: SynthMeta['instances'], fps: number): SynthMeta {
  const object_counts: Record<string, number> = {};
  const object_bbox: Record<string, MetaBox[]> = {};
  for (const o of room.objects) {
    object_counts[o.label] = (object_counts[o.label] ?? 0) + 1;
    object_bbox[o.label] ??= [];
    object_bbox[o.label]!.push(metaBox(o));
  }
  const n = room.footprint.length;
  const centre = room.footprint.reduce<[number, number]>((s, p) => [s[0] + p[0] / n, s[1] + p[1] / n], [0, 0]);
  return {
    dataset: 'room3r-synth',
    seed: room.seed,
    room_kind: room.kind,
    room_size: room.area,
    room_center: toMetaFrame([centre[0], 0, centre[1]]),
    object_counts,
    object_bbox,
    footprint: room.footprint.map(([x, z]) => [x, -z]),
    ceiling_height: room.height,
    fps,
    frames: camera.length,
    intrinsics,
    instances,
    camera_track: camera.map((c) => toMetaFrame(c.position)),
  };
}
