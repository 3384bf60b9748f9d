// Shared by the tracking and VSTI evaluations: runs the app's KeyframePipeline (tracking + fusion, the
// folder's depth) over an RGB-D folder in the 7-Scenes layout, one frame at a time, and collects what each
// frame's tracking gave, the ground truth beside it, and the map's gravity frame at the end.
import { readdirSync } from 'node:fs';
import { matrixToRigid, type Rigid } from '../src/geometry/rigid.ts';
import type { GivenDepth, RgbaImage, TrackingStatus, WorldFrame } from '../src/geometry/types.ts';
import type { KeyframePipeline } from '../src/geometry/keyframePipeline.ts';
import { groupRgbdFiles } from '../src/rgbd/sevenScenes.ts';
import { GroundTruthPoses, loadRgbdFolder, processFrame, rgbdPipeline, type RgbdFrame } from './rgbdFolder.ts';

/** What tracking made of one processed frame. */
export interface TrackedFrame {
  /** Position in the processed (every-N) sequence: the pipeline's sourceFrame. */
  index: number;
  /** Position in the folder (index × every): the source frame a question names. */
  folderFrame: number;
  id: string;
  status: TrackingStatus;
  /** Placed by dense odometry (the features could not place it). */
  odometry: boolean;
  reason?: string;
  /** Column-major camera-to-world in the tracking world (a copy); the last known pose when lost. */
  pose: Float32Array;
  /** Ground-truth camera-to-world (column-major), when the folder has a usable one. */
  gtPose: Float32Array | null;
}

export interface RgbdRun {
  dir: string;
  every: number;
  /** Frames processed (every N-th of the folder). */
  frames: RgbdFrame[];
  /** Frames in the folder, processed or not. */
  folderFrameCount: number;
  /** One per frame that produced geometry, in order. */
  tracked: TrackedFrame[];
  statuses: Partial<Record<TrackingStatus, number>>;
  /** Frames the tracker's features could not place that dense odometry placed (counted as tracked). */
  odometry: number;
  /** Estimated and ground-truth poses of every frame with ground truth (paired by position); a lost frame counts at
   * the pose the app showed for it (the last tracked one). `est` as each frame was placed at the time; `final` after
   * every loop closure (a placed frame's pose as the map ends; a lost one's as shown). */
  est: Rigid[];
  final: Rigid[];
  gt: Rigid[];
  /** For each of those, the frame's position in `tracked`. */
  paired: number[];
  /** The map's gravity frame after the last frame. */
  world: WorldFrame;
  pipeline: KeyframePipeline<RgbaImage>;
  /** Milliseconds spent in tracking + fusion (decoding excluded). */
  ms: number;
}

/**
 * Runs the pipeline over the folder; with `verbose`, prints each frame whose tracking gave a reason; `depth` replaces
 * each frame's given depth in order (a monocular model's errors: src/eval/monoDepthSim.ts).
 */
export async function runRgbdFolder(
  dir: string,
  every = 1,
  options: {
    verbose?: boolean;
    depth?: (given: GivenDepth) => GivenDepth;
    loopClosure?: boolean;
    revisit?: number;
    first?: number;
    /** Place every frame at its ground-truth pose instead of tracking it (the oracle for poses). */
    groundTruthPoses?: boolean;
  } = {},
): Promise<RgbdRun> {
  const once = loadRgbdFolder(dir, every).slice(0, options.first);
  // A revisit: the first frames again after the last (a camera that comes back to where it started).
  const loaded = [...once, ...once.slice(0, options.revisit ?? 0)];
  const degrade = options.depth;
  const frames = degrade ? loaded.map((f) => ({ ...f, given: degrade(f.given) })) : loaded;
  const folderFrameCount = groupRgbdFiles(readdirSync(dir)).length;
  const tracked: TrackedFrame[] = [];
  const est: Rigid[] = [];
  const gt: Rigid[] = [];
  const statuses: Partial<Record<TrackingStatus, number>> = {};
  let odometry = 0;
  let current = frames[0]!;
  let index = 0;
  const shown: { index: number; pose: Rigid }[] = [];
  const pipeline = rgbdPipeline(
    (g) => {
      statuses[g.tracking.status] = (statuses[g.tracking.status] ?? 0) + 1;
      if (g.tracking.odometry) odometry++;
      if (g.tracking.reason && options.verbose) console.log(`  ${current.id}: ${g.tracking.status} — ${g.tracking.reason}`);
      if (current.gtPose) {
        est.push(matrixToRigid(g.pose));
        gt.push(matrixToRigid(current.gtPose));
        shown.push({ index, pose: matrixToRigid(g.pose) });
      }
      tracked.push({
        index,
        folderFrame: index * every,
        id: current.id,
        status: g.tracking.status,
        odometry: g.tracking.odometry === true,
        ...(g.tracking.reason ? { reason: g.tracking.reason } : {}),
        pose: Float32Array.from(g.pose),
        gtPose: current.gtPose,
      });
    },
    {
      ...(options.loopClosure === undefined ? {} : { loopClosure: options.loopClosure }),
      ...(options.groundTruthPoses ? { poses: new GroundTruthPoses(frames.map((f) => f.gtPose)) } : {}),
    },
  );
  let ms = 0;
  for (const [n, f] of frames.entries()) {
    current = f;
    index = n;
    ms += await processFrame(pipeline, f, n);
  }
  const placed = new Map(pipeline.stored.map((kf) => [kf.sourceFrame, matrixToRigid(kf.pose)]));
  const final = shown.map((s) => placed.get(s.index) ?? s.pose);
  const paired = shown.map((s) => s.index);
  return { dir, every, frames, folderFrameCount, tracked, statuses, odometry, est, final, gt, paired, world: pipeline.gravityFrame, pipeline, ms };
}
