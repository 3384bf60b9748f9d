// VSI-Bench per-scene metadata (thinking-in-space's `*_meta_info_val.json`: room size, object counts and
// oriented 3D boxes per category) read into a SceneMemory: the oracle perception the spatial solvers are
// evaluated on. The metadata is z-up (x, y horizontal); our memory is y-up, so (x, y, z) → (x, z, −y): a
// rotation (determinant +1), which keeps left and right where they were.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrientedBox, SceneMemory, SceneObject, Vec3 } from '../../spatial/types';

/** One annotated instance. `normalizedAxes` is row-major 3x3 whose ROWS are the box axes (checked on all
 * 3,197 boxes against min/max: rows reproduce the axis-aligned extent to 1e-15, columns do not), each
 * paired with the full length in `axesLengths` at the same index. */
export interface MetaBox {
  centroid: number[];
  axesLengths: number[];
  normalizedAxes: number[];
  min: number[];
  max: number[];
  instance_id?: number;
}

export interface MetaScene {
  video_path?: string;
  /** Floor area, m². */
  room_size: number;
  room_center?: number[];
  object_counts: Record<string, number>;
  object_bbox: Record<string, MetaBox[]>;
  dataset?: string;
}

export type VsiDataset = 'arkitscenes' | 'scannet' | 'scannetpp';
export const VSI_DATASETS: VsiDataset[] = ['arkitscenes', 'scannet', 'scannetpp'];

export interface VsiScene {
  sceneId: string;
  dataset: VsiDataset;
  meta: MetaScene;
}

export const DEFAULT_META_DIR = '../shared/data/vsibench-meta';

export const metaFileName = (dataset: VsiDataset) => `${dataset}_meta_info_val.json`;

/** Scene id → metadata of one file, in the file's order. */
export function loadMetaFile(path: string): Record<string, MetaScene> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, MetaScene>;
}

/** Every scene of the three files (ARKitScenes, ScanNet, ScanNet++; 288 in the validation set), in file order. */
export function listVsiScenes(metaDir = DEFAULT_META_DIR): VsiScene[] {
  const scenes: VsiScene[] = [];
  for (const dataset of VSI_DATASETS) {
    const path = join(metaDir, metaFileName(dataset));
    if (!existsSync(path)) throw new Error(`VSI-Bench metadata not found: ${path}`);
    for (const [sceneId, meta] of Object.entries(loadMetaFile(path))) scenes.push({ sceneId, dataset, meta });
  }
  return scenes;
}

/** One scene by id, from whichever of the three files holds it. */
export function loadVsiScene(sceneId: string, metaDir = DEFAULT_META_DIR): VsiScene {
  const found = listVsiScenes(metaDir).find((s) => s.sceneId === sceneId);
  if (!found) throw new Error(`scene ${sceneId} is in none of the VSI-Bench metadata files in ${metaDir}`);
  return found;
}

/** The metadata's z-up frame to ours (y up): (x, y, z) → (x, z, −y). */
export function zUpToYUp(v: ArrayLike<number>): Vec3 {
  return [v[0]!, v[2]!, 0 - v[1]!]; // 0 − y: no negative zeros
}

/** A metadata box as an OrientedBox in our frame: same centre, axes and lengths, rotated. */
export function metaBoxToOrientedBox(b: MetaBox): OrientedBox {
  const n = b.normalizedAxes;
  const row = (i: number) => zUpToYUp([n[3 * i]!, n[3 * i + 1]!, n[3 * i + 2]!]);
  const axes: [Vec3, Vec3, Vec3] = [row(0), row(1), row(2)];
  const size: Vec3 = [b.axesLengths[0]!, b.axesLengths[1]!, b.axesLengths[2]!];
  // All boxes of the validation set are right-handed; should one not be, flipping its third axis describes
  // the same box with right-handed axes.
  const [u, v, w] = axes;
  const det = u[0] * (v[1] * w[2] - v[2] * w[1]) - u[1] * (v[0] * w[2] - v[2] * w[0]) + u[2] * (v[0] * w[1] - v[1] * w[0]);
  if (det < 0) axes[2] = [-w[0], -w[1], -w[2]];
  return { center: zUpToYUp(b.centroid), axes, size };
}

const sameBox = (a: MetaBox, b: MetaBox) =>
  [0, 1, 2].every((i) => a.centroid[i] === b.centroid[i] && a.axesLengths[i] === b.axesLengths[i]) &&
  a.normalizedAxes.every((x, i) => x === b.normalizedAxes[i]);

/**
 * The scene's boxes as a scene memory: one object per distinct box, labelled with its category, ids
 * "chair#1", "chair#2", ... in file order. A few ScanNet entries list the same box twice (printer); the
 * copy is dropped. Boxes have no time, so every object is "seen" at keyframe 0. No room: the metadata
 * gives the floor area but no outline, and a made-up polygon would be a lie. No camera.
 */
export function metaSceneToMemory(meta: MetaScene): SceneMemory {
  const objects: SceneObject[] = [];
  for (const [category, boxes] of Object.entries(meta.object_bbox)) {
    const label = category.trim().toLowerCase();
    const kept: MetaBox[] = [];
    for (const b of boxes) if (!kept.some((k) => sameBox(k, b))) kept.push(b);
    kept.forEach((b, i) => {
      objects.push({
        id: `${label}#${i + 1}`,
        label,
        box: metaBoxToOrientedBox(b),
        firstSeen: { keyframe: 0, sourceFrame: 0, timestampMs: 0 },
        seenIn: [0],
        score: 1,
      });
    });
  }
  return { objects, room: null, camera: [], lostFrames: [], sourceFrameCount: null };
}
