// Shared by the tracking evaluation and the geometry benchmark: an RGB-D folder (7-Scenes layout) decoded in
// Node and run through the app's own KeyframePipeline with the folder's depth (no depth network).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { KeyframePipeline, type FrameOps, type PoseEstimate, type PoseSource } from '../src/geometry/keyframePipeline.ts';
import type { GivenDepth, Keyframe, KeyframeGeometry, RgbaImage } from '../src/geometry/types.ts';
import { decodeDepthPng, groupRgbdFiles, parseIntrinsics, parsePose } from '../src/rgbd/sevenScenes.ts';
import { TrackedPose } from '../src/tracking/trackedPose.ts';

export interface RgbdFrame {
  id: string;
  image: RgbaImage;
  given: GivenDepth;
  /** Ground-truth camera-to-world (column-major), when the folder has it. */
  gtPose: Float32Array | null;
}

export function loadRgbdFolder(dir: string, every = 1): RgbdFrame[] {
  const intrinsics = parseIntrinsics(readFileSync(join(dir, 'camera-intrinsics.txt'), 'utf8'));
  return groupRgbdFiles(readdirSync(dir))
    .filter((_, i) => i % every === 0)
    .map((f) => {
      if (!f.depth) throw new Error(`${f.id} has no depth image`);
      const rgb = jpeg.decode(readFileSync(join(dir, f.color)), { useTArray: true });
      const d = decodeDepthPng(readFileSync(join(dir, f.depth)));
      return {
        id: f.id,
        image: { width: rgb.width, height: rgb.height, data: new Uint8ClampedArray(rgb.data.buffer) },
        given: { width: d.width, height: d.height, depth: d.depth, intrinsics },
        gtPose: f.pose ? parsePose(readFileSync(join(dir, f.pose), 'utf8')) : null,
      };
    });
}

/** Frames are already RGBA at the depth's size here; the worker's canvas ops do the same job on VideoFrames. */
const ops: FrameOps<RgbaImage> = {
  size: (f) => ({ width: f.width, height: f.height }),
  toRgba: (f, width, height) => (width === f.width && height === f.height ? f : { width, height, data: new Uint8ClampedArray(width * height * 4) }),
  close: () => {},
};
const noModel = { inputSize: () => ({ width: 0, height: 0 }), estimate: () => Promise.reject(new Error('this run uses the folder depth, not a depth model')) };

/** Places each keyframe at its ground-truth pose (by source frame) instead of tracking it: the evaluations' oracle. */
export class GroundTruthPoses implements PoseSource {
  constructor(private readonly poses: readonly (Float32Array | null)[]) {}
  poseFor(keyframe: Keyframe): PoseEstimate {
    const pose = this.poses[keyframe.sourceFrame] ?? null;
    return pose
      ? { pose, tracking: { status: keyframe.index === 0 ? 'initialised' : 'tracked', inliers: 0 } }
      : { pose: null, tracking: { status: 'lost', reason: 'no ground-truth pose', inliers: 0 } };
  }
  reset(): void {}
}

/** A pipeline that reports every keyframe to `onGeometry`; it tracks the frames unless given another pose source. */
export function rgbdPipeline(
  onGeometry: (g: KeyframeGeometry) => void,
  options: { loopClosure?: boolean; poses?: PoseSource } = {},
): KeyframePipeline<RgbaImage> {
  const { poses, ...pipelineOptions } = options;
  return new KeyframePipeline(
    ops,
    noModel,
    poses ?? new TrackedPose(),
    { onGeometry, onError: (e) => console.error(e.message) },
    { maxQueue: 100_000, ...pipelineOptions },
  );
}

/** Pushes one frame and waits for its geometry; returns the milliseconds spent. */
export async function processFrame(pipeline: KeyframePipeline<RgbaImage>, frame: RgbdFrame, n: number): Promise<number> {
  const t0 = performance.now();
  pipeline.push(frame.image, { sourceFrame: n, timestampMs: n * 100, forceKeyframe: true }, frame.given);
  await pipeline.idle();
  return performance.now() - t0;
}
