// The geometry pipeline's pose source: the tracker, fed with the keyframe image and its metric depth.
import type { PoseEstimate, PoseSource } from '../geometry/keyframePipeline';
import { matrixToRigid, rigidToMatrix, type Rigid } from '../geometry/rigid';
import type { DepthResult, Keyframe } from '../geometry/types';
import { rgbaToGrey } from './orb';
import { Tracker, type TrackerOptions } from './tracker';

export class TrackedPose implements PoseSource {
  private readonly tracker: Tracker;

  constructor(options?: TrackerOptions) {
    this.tracker = new Tracker(options);
  }

  poseFor(keyframe: Keyframe, depth: DepthResult): PoseEstimate {
    const { image } = keyframe;
    const r = this.tracker.track({
      id: keyframe.index,
      grey: rgbaToGrey(image.data, image.width, image.height),
      depth: depth.depth,
      intrinsics: depth.intrinsics,
      depthSource: depth.source,
    });
    return { pose: r.pose ? rigidToMatrix(r.pose) : null, tracking: { status: r.status, reason: r.reason, inliers: r.inliers }, edges: r.edges };
  }

  correct(corrections: ReadonlyMap<number, Rigid>): void {
    this.tracker.correct(corrections);
  }

  resume(pose: Float32Array): void {
    this.tracker.resume(matrixToRigid(pose));
  }

  reset(): void {
    this.tracker.reset();
  }
}
