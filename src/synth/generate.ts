// One synthetic capture from a seed: the room, its camera (intrinsics and path), and each frame as an RGB-D camera
// would give it, with the instance mask and the ground truth. Pure (no files): scripts/synthRoom.ts writes the folder.
import { seededRandom } from '../util/random';
import { FPS, generateCameraPath } from './cameraPath';
import { appearances, roomMeta, type SynthMeta } from './groundTruth';
import { generateLayout } from './layout';
import { renderView } from './raycast';
import { type SensorFrame, sense } from './sensor';
import type { CameraFrame, SynthIntrinsics, SynthRoom } from './types';

/** Bumped whenever a seed's output changes (the pinned hash in synth.test.ts shows when): names cached rooms. */
export const SYNTH_VERSION = 1;

export interface SynthOptions {
  seed: number;
  width?: number;
  height?: number;
  /** Only the first N frames (a short room for tests). */
  maxFrames?: number;
  /** false: depth exactly as rendered, to the millimetre. */
  depthNoise?: boolean;
}

export interface SynthCapture {
  room: SynthRoom;
  intrinsics: SynthIntrinsics;
  camera: CameraFrame[];
}

export interface SynthFrame extends SensorFrame {
  index: number;
  pose: Float32Array;
  instance: Uint16Array;
}

/** A phone-like camera: horizontal field of view 60–72°, square pixels, centred principal point. */
export function synthIntrinsics(seed: number, width: number, height: number): SynthIntrinsics {
  const random = seededRandom(0x1e45 ^ seed);
  const hfov = ((60 + random() * 12) * Math.PI) / 180;
  const f = width / 2 / Math.tan(hfov / 2);
  return { width, height, fx: f, fy: f, cx: width / 2, cy: height / 2 };
}

export function synthCapture(options: SynthOptions): SynthCapture {
  const room = generateLayout(options.seed);
  const camera = generateCameraPath(room, options.seed).slice(0, options.maxFrames);
  return { room, camera, intrinsics: synthIntrinsics(options.seed, options.width ?? 640, options.height ?? 480) };
}

/** Renders the frames one by one; `meta()` is complete once every frame has been taken. */
export function* synthFrames(capture: SynthCapture, options: SynthOptions): Generator<SynthFrame> {
  const { room, camera, intrinsics } = capture;
  for (let index = 0; index < camera.length; index++) {
    const view = renderView(room, intrinsics, camera[index]!.pose);
    const frame = sense(view, options.seed * 100_003 + index, { depthNoise: options.depthNoise });
    yield { ...frame, index, pose: camera[index]!.pose, instance: view.instance };
  }
}

/** Pixels of each instance in a mask (index = instance id). */
export function countInstances(mask: Uint16Array, instances: number): Uint32Array {
  const counts = new Uint32Array(instances + 1);
  for (let i = 0; i < mask.length; i++) counts[mask[i]!]!++;
  return counts;
}

export function synthMeta(capture: SynthCapture, pixelCounts: Uint32Array[]): SynthMeta {
  const { room, camera, intrinsics } = capture;
  return roomMeta(room, camera, intrinsics, appearances(room, pixelCounts, intrinsics.width * intrinsics.height), FPS);
}
