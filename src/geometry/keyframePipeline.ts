// From frames to keyframe geometry: keyframe selection, a bounded queue in front of the depth
// model, and the per-keyframe work (depth → pose → world points → fusion into the voxel map, whose
// new voxels are what the 3D view receives). Plain TypeScript: the geometry
// worker supplies the image operations (OffscreenCanvas) and the ORT session; tests supply their own.
import { KeyframeSelector, THUMB_HEIGHT, THUMB_WIDTH, toGrey, type KeyframePolicy } from '../capture/keyframeSelector';
import type { FrameMeta } from '../capture/frameSink';
import { mergeDepthWithMap } from '../fusion/mergeDepth';
import { VoxelMap, type MapView, type NewVoxels } from '../fusion/voxelMap';
import { WorldFrameTracker } from '../fusion/worldFrame';
import { backproject } from './backproject';
import { CameraFocal } from './cameraFocal';
import { alignDepthToMap } from './depthAlignment';
import { shrinkDepth, type StoredKeyframe } from './keyframeStore';
import { identity } from './mat4';
import { PoseGraph, type PoseEdge } from './poseGraph';
import { composeRigid, constantVelocityPose, invertRigid, matrixToRigid, rigidToMatrix, type Rigid } from './rigid';
import type { DepthResult, GivenDepth, Keyframe, KeyframeGeometry, LoopClosureStats, MapCorrection, RgbaImage, TrackingState } from './types';

/** Dense odometry trusts a pose this far (m, rad) from the predicted one, found with at least this share of the view's
 * cells matched and a model's depth scale this far (log) from the map's: beyond, it matched the wrong surfaces. */
const MAX_SCALE_ERROR = 0.25;
const MAX_ODOMETRY_MOVE = 0.3;
const MAX_ODOMETRY_TURN = 0.35;
const MIN_ODOMETRY_SHARE = 0.15;
/** A loop whose measurement disagrees with the tracked chain by more than this (m, rad) is closed: less is noise. */
const LOOP_MIN_MOVE = 0.01;
const LOOP_MIN_TURN = 0.0087;
/** A closed loop must agree with the optimised graph this well (m, rad); worse, it conflicts with what else was measured
 * (a wrong match) and is dropped, the poses left as they were. */
const LOOP_MAX_RESIDUAL_MOVE = 0.03;
const LOOP_MAX_RESIDUAL_TURN = 0.026;
/** The most drift a loop may reveal (m, rad), growing with the keyframes between its ends; more is a wrong match. */
const loopPlausible = (gap: number, d: { moved: number; angle: number }) => d.moved <= 0.1 + 0.01 * gap && d.angle <= 0.1 + 0.005 * gap;

export interface DepthEstimator {
  inputSize(width: number, height: number): { width: number; height: number };
  /** `fx`: the capture's focal length (px of `image`) once known; the result's `estimatedFx` is this image's own. */
  estimate(image: RgbaImage, options?: { fx?: number }): Promise<DepthResult & { timings: { inferenceMs: number; postMs: number }; estimatedFx?: number }>;
}

export interface PoseEstimate {
  /** Column-major camera-to-world, or null when tracking is lost. */
  pose: Float32Array | null;
  tracking: TrackingState;
  /** Relative poses measured to earlier keyframes (by index): the pose graph's edges. `loop`: measured against a
   * keyframe far back from its points alone, so it may disagree with the tracked chain by the drift. Left out, the
   * keyframe is tied to the one placed before it as the poses stand. */
  edges?: { from: number; relative: Rigid; loop: boolean }[];
}

/** Gives each keyframe its camera-to-world pose (src/tracking/trackedPose.ts: the tracker). */
export interface PoseSource {
  poseFor(keyframe: Keyframe, depth: DepthResult): PoseEstimate;
  /** The last keyframe, which `poseFor` could not place, is at `pose` (dense odometry): track on from there. */
  resume?(pose: Float32Array): void;
  /** A loop closure moved the keyframes: per keyframe index, new pose · old pose⁻¹ (a world transform). */
  correct?(corrections: ReadonlyMap<number, Rigid>): void;
  reset(): void;
}

/** Given depth as the pipeline's depth result (full confidence where valid). */
function depthFromInput(given: GivenDepth): DepthResult & { timings: { inferenceMs: number; postMs: number } } {
  const confidence = new Float32Array(given.depth.length);
  for (let i = 0; i < confidence.length; i++) confidence[i] = given.depth[i]! > 0 ? 1 : 0;
  return {
    width: given.width,
    height: given.height,
    depth: given.depth,
    confidence,
    intrinsics: given.intrinsics,
    source: given.source ?? 'sensor',
    timings: { inferenceMs: 0, postMs: 0 },
  };
}

/** What the pipeline needs to do with a frame it does not own the format of. */
export interface FrameOps<F> {
  size(frame: F): { width: number; height: number };
  /** The frame scaled to width x height as RGBA bytes. */
  toRgba(frame: F, width: number, height: number): RgbaImage;
  close(frame: F): void;
}

export interface PipelineOptions {
  policy?: KeyframePolicy;
  /** Keyframes waiting beyond this are refused (live sources skip frames instead of lagging). */
  maxQueue?: number;
  /** A live camera's keyframes wait at most about this long (ms, by the measured time per keyframe; at least one may
   * wait): with a depth model that takes seconds, a count alone would put the map minutes behind the camera. */
  maxLiveLagMs?: number;
  /** Depth pixels lifted per keyframe before fusion. */
  maxPointsPerKeyframe?: number;
  /** Voxel edge of the fused map (m). */
  voxelSize?: number;
  /** Close loops (pose-graph optimisation when an old view is recognised); default on. Off for comparisons. */
  loopClosure?: boolean;
}

export interface PipelineEvents<F> {
  /** A keyframe was chosen: the frame is still open (e.g. to hand a copy to the VLM); the pipeline closes it afterwards. */
  onKeyframeChosen?(frame: F, keyframe: Omit<Keyframe, 'image'>): void;
  onGeometry(geometry: KeyframeGeometry): void;
  /** A loop was closed after the last keyframe: every pose and the whole map replace what was shown. */
  onMapCorrected?(correction: MapCorrection): void;
  onError(error: Error, keyframe: Omit<Keyframe, 'image'>): void;
}

export class KeyframePipeline<F> {
  private readonly selector: KeyframeSelector;
  private readonly queue: (Keyframe & { given?: GivenDepth })[] = [];
  /** The last tracked pose, shown for keyframes whose tracking is lost. */
  private lastPose: Float32Array = identity();
  /** The tracked pose before the last, for a constant-velocity guess where the tracker has none. */
  private prevPose: Float32Array | null = null;
  readonly map: VoxelMap;
  /** Every tracked keyframe, for later stages (object lifting, spatial questions). */
  readonly stored: StoredKeyframe[] = [];
  /** Source frames of keyframes whose tracking was lost: questions about them get "tracking was lost". */
  readonly lostFrames: number[] = [];
  private readonly worldFrame = new WorldFrameTracker();
  /** One camera per capture: the focal length the depth model's first estimates agree on. */
  private readonly camera = new CameraFocal();
  /** Placed keyframes and what tracking measured between them, for loop closure. */
  private readonly graph = new PoseGraph();
  /** A loop found by the last keyframe, closed once its geometry is out: (keyframe, older keyframe, disagreement). */
  private pendingLoop: (Pick<LoopClosureStats, 'keyframe' | 'loopTo' | 'disagreement'> & { edge: PoseEdge; relative: Rigid }) | null = null;
  /** Every loop closed so far, for evaluations and benchmarks. */
  readonly loopClosures: LoopClosureStats[] = [];
  /** Loops dropped after optimising: the graph could not meet them (a wrong match). */
  rejectedLoops = 0;
  /** The current gravity frame (updated every few keyframes). */
  get gravityFrame(): KeyframeGeometry['world'] {
    return this.world;
  }
  private world: KeyframeGeometry['world'] = { toGravity: identity(), gravitySource: 'cameras', voxels: 0, extent: null };
  private running: Promise<void> | null = null;
  private keyframeCount = 0;
  private generation = 0;
  framesSeen = 0;
  /** Keyframes a live source offered while the queue was full (the device could not keep up). */
  skippedKeyframes = 0;
  /** Recent time per keyframe (ms, depth model included; a running mean), for the live lag bound; 0 until measured. */
  private keyframeMs = 0;

  constructor(
    private readonly ops: FrameOps<F>,
    private readonly depth: DepthEstimator,
    private readonly pose: PoseSource,
    private readonly events: PipelineEvents<F>,
    private readonly options: PipelineOptions = {},
  ) {
    this.selector = new KeyframeSelector(options.policy);
    this.map = new VoxelMap({ voxelSize: options.voxelSize ?? 0.02 });
  }

  private get maxQueue(): number {
    return this.options.maxQueue ?? 8;
  }

  /** Keyframes a live camera may have waiting: as many as the measured time per keyframe fits in the lag bound (one
   * until a keyframe has been timed: the depth model may take seconds). */
  private liveQueueLimit(): number {
    if (this.keyframeMs <= 0) return 1;
    return Math.max(1, Math.min(this.maxQueue, Math.floor((this.options.maxLiveLagMs ?? 2000) / this.keyframeMs)));
  }

  /** Keyframes chosen but not yet processed (including the one in the model now). */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /** Takes ownership of a frame; returns the number of keyframes pending. `given` replaces the depth model. */
  push(frame: F, meta: FrameMeta, given?: GivenDepth): number {
    this.framesSeen++;
    try {
      const thumb = this.ops.toRgba(frame, THUMB_WIDTH, THUMB_HEIGHT);
      const decision = this.selector.consider(meta.timestampMs, toGrey(thumb.data, THUMB_WIDTH * THUMB_HEIGHT));
      // Live sources skip keyframes when the queue is full; chosen frames (image sets) always go in.
      const full = !meta.forceKeyframe && this.queue.length >= (meta.live ? this.liveQueueLimit() : this.maxQueue);
      if (decision.keyframe && full) this.skippedKeyframes++;
      if ((decision.keyframe || meta.forceKeyframe) && !full) {
        const { width, height } = this.ops.size(frame);
        const input = given ? { width: given.width, height: given.height } : this.depth.inputSize(width, height);
        const keyframe = {
          index: this.keyframeCount++,
          sourceFrame: meta.sourceFrame,
          timestampMs: meta.timestampMs,
          image: this.ops.toRgba(frame, input.width, input.height),
          given,
        };
        this.events.onKeyframeChosen?.(frame, keyframe);
        this.queue.push(keyframe);
        this.drain();
      }
    } finally {
      this.ops.close(frame);
    }
    return this.pending;
  }

  /** Resolves when every queued keyframe has been processed. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Forgets the capture: queued keyframes are dropped and numbering restarts. */
  reset(): void {
    this.generation++;
    this.queue.length = 0;
    this.keyframeCount = 0;
    this.framesSeen = 0;
    this.skippedKeyframes = 0;
    this.keyframeMs = 0;
    this.selector.reset();
    this.pose.reset();
    this.lastPose = identity();
    this.prevPose = null;
    this.map.clear();
    this.graph.clear();
    this.pendingLoop = null;
    this.loopClosures.length = 0;
    this.rejectedLoops = 0;
    this.stored.length = 0;
    this.lostFrames.length = 0;
    this.worldFrame.reset();
    this.camera.reset();
    this.world = { toGravity: identity(), gravitySource: 'cameras', voxels: 0, extent: null };
  }

  private drain(): void {
    if (this.running) return;
    this.running = (async () => {
      for (let kf = this.queue.shift(); kf; kf = this.queue.shift()) {
        const generation = this.generation;
        const started = performance.now();
        try {
          const geometry = await this.process(kf, generation);
          const ms = performance.now() - started;
          this.keyframeMs = this.keyframeMs > 0 ? 0.7 * this.keyframeMs + 0.3 * ms : ms;
          if (geometry) this.events.onGeometry(geometry);
          // After the keyframe is out, so closing a loop never delays what the user sees of the frame.
          const loop = this.pendingLoop;
          this.pendingLoop = null;
          if (loop && generation === this.generation) {
            const correction = this.closeLoop(loop);
            if (correction) this.events.onMapCorrected?.(correction);
          }
        } catch (err) {
          if (generation === this.generation) this.events.onError(err as Error, kf);
        }
      }
    })().finally(() => {
      this.running = null;
    });
  }

  /**
   * A keyframe the tracker could not place (features too few or unmatched: a fast turn, a part of the room not seen
   * yet) is placed by dense alignment of its depth with the map from the constant-velocity guess (odometry,
   * src/geometry/depthAlignment.ts; a model's depth is also brought to the map's scale and shape), and the tracker
   * resumes from it, so walking into an unseen part of the room does not stop the capture. Unplaced where the map
   * cannot tell (too little overlap) or the result strays too far.
   */
  private placeByOdometry(estimate: PoseEstimate, depth: DepthResult): { estimate: PoseEstimate; depth: DepthResult } {
    if (estimate.pose || this.map.size === 0) return { estimate, depth };
    const initial = this.predictedPose();
    const view = this.mapSeenFrom(initial, depth);
    const model = (depth.source ?? 'model') === 'model';
    const aligned = alignDepthToMap(depth, view, initial, { estimateScale: model });
    if (!aligned) return { estimate, depth };
    const moved = composeRigid(invertRigid(initial), aligned.pose);
    const angle = Math.acos(Math.min(1, Math.max(-1, (moved.R[0]! + moved.R[4]! + moved.R[8]! - 1) / 2)));
    if (
      Math.hypot(...moved.t) > MAX_ODOMETRY_MOVE ||
      angle > MAX_ODOMETRY_TURN ||
      Math.abs(Math.log(aligned.scale)) > MAX_SCALE_ERROR ||
      aligned.inliers < MIN_ODOMETRY_SHARE * view.cols * view.rows
    ) {
      return { estimate, depth };
    }
    const pose = rigidToMatrix(aligned.pose);
    this.pose.resume?.(pose);
    return { estimate: { pose, tracking: { status: 'tracked', inliers: aligned.inliers, odometry: true } }, depth: { ...depth, depth: aligned.depth } };
  }

  /**
   * A model's depth is merged with the surfaces the map has along each ray before it is fused
   * (src/fusion/mergeDepth.ts), so the map converges instead of layering a copy per keyframe. A sensor's depth is
   * fused as measured.
   */
  private mergeWithMap(depth: DepthResult, pose: Float32Array): DepthResult {
    if ((depth.source ?? 'model') !== 'model' || this.map.size === 0) return depth;
    const view = this.mapSeenFrom(matrixToRigid(pose), depth);
    const merged = mergeDepthWithMap(depth.depth, depth.width, depth.height, view);
    return merged ? { ...depth, depth: merged.depth } : depth;
  }

  /**
   * Adds a placed keyframe to the pose graph with the edges tracking measured (or, placed otherwise, tied to the
   * keyframe before it), and notes a loop to close when one disagrees with the chain by more than noise.
   */
  private addToGraph(index: number, estimate: PoseEstimate): void {
    const previous = this.stored[this.stored.length - 1];
    this.graph.addNode(index, matrixToRigid(estimate.pose!));
    const edges =
      estimate.edges ??
      (previous
        ? [{ from: previous.index, relative: composeRigid(invertRigid(matrixToRigid(previous.pose)), matrixToRigid(estimate.pose!)), loop: false }]
        : []);
    for (const edge of edges) {
      if (!this.graph.has(edge.from)) continue;
      if (!edge.loop) {
        this.graph.addEdge(edge.from, index, edge.relative);
        continue;
      }
      const disagreement = this.graph.disagreement(edge.from, index, edge.relative);
      if (!loopPlausible(index - edge.from, disagreement)) continue;
      const added = this.graph.addEdge(edge.from, index, edge.relative);
      const worth = disagreement.moved > LOOP_MIN_MOVE || disagreement.angle > LOOP_MIN_TURN;
      if (added && worth && this.options.loopClosure !== false && (!this.pendingLoop || disagreement.moved > this.pendingLoop.disagreement.moved)) {
        this.pendingLoop = { keyframe: index, loopTo: edge.from, disagreement, edge: added, relative: edge.relative };
      }
    }
  }

  /**
   * Closes a loop: the pose graph is optimised, and everything placed by the keyframes moves with them (the stored
   * keyframes, the tracker's keyframes and points, the voxels by the keyframe that first saw them; the gravity frame is
   * re-estimated at its next turn). A loop the optimised graph still disagrees with by more than a few centimetres
   * conflicts with what else was measured (a wrong match): it is dropped and the poses are left as they were (null).
   */
  private closeLoop(pending: NonNullable<typeof this.pendingLoop>): MapCorrection | null {
    const { edge, relative, ...loop } = pending;
    const t0 = performance.now();
    const { corrections, iterations, undo } = this.graph.optimise();
    const t1 = performance.now();
    const left = this.graph.disagreement(loop.loopTo, loop.keyframe, relative);
    if (left.moved > LOOP_MAX_RESIDUAL_MOVE || left.angle > LOOP_MAX_RESIDUAL_TURN) {
      undo();
      this.graph.removeEdge(edge);
      this.rejectedLoops++;
      return null;
    }
    let largestMove = 0;
    for (const kf of this.stored) {
      const c = corrections.get(kf.index);
      if (!c) continue;
      const before = matrixToRigid(kf.pose);
      const after = composeRigid(c, before);
      largestMove = Math.max(largestMove, Math.hypot(after.t[0] - before.t[0], after.t[1] - before.t[1], after.t[2] - before.t[2]));
      kf.pose = rigidToMatrix(after);
    }
    const last = this.stored[this.stored.length - 1];
    const c = last ? corrections.get(last.index) : undefined;
    if (c) {
      this.lastPose = rigidToMatrix(composeRigid(c, matrixToRigid(this.lastPose)));
      if (this.prevPose) this.prevPose = rigidToMatrix(composeRigid(c, matrixToRigid(this.prevPose)));
    }
    this.pose.correct?.(corrections);
    this.map.correct((anchor) => corrections.get(anchor));
    this.world = this.worldFrame.correct(
      this.stored.map((kf) => kf.pose),
      this.map,
    );
    const { points, colors } = this.map.snapshot();
    const stats: LoopClosureStats = {
      ...loop,
      nodes: this.graph.nodeCount,
      edges: this.graph.edgeCount,
      iterations,
      largestMove,
      optimiseMs: t1 - t0,
      applyMs: performance.now() - t1,
    };
    this.loopClosures.push(stats);
    return { poses: this.stored.map((kf) => ({ index: kf.index, pose: kf.pose })), world: this.world, points, colors, stats };
  }

  /** The map's surface as a camera at `pose` with `depth`'s intrinsics sees it, on cells of about 1/160 of its width. */
  private mapSeenFrom(pose: Rigid, depth: DepthResult): MapView {
    const cell = Math.max(2, Math.round(depth.width / 160));
    return this.map.view(invertRigid(pose), depth.intrinsics, depth.width, depth.height, cell);
  }

  /** The last pose moved on as it moved from the one before (constant velocity). */
  private predictedPose(): Rigid {
    const last = matrixToRigid(this.lastPose);
    if (!this.prevPose) return last;
    return constantVelocityPose(matrixToRigid(this.prevPose), last);
  }

  /** The depth model's estimate, given the capture's focal length once the first keyframes have agreed on one. */
  private async estimateDepth(image: RgbaImage): Promise<DepthResult & { timings: { inferenceMs: number; postMs: number } }> {
    const fx = this.camera.fxFor(image.width);
    const depth = await this.depth.estimate(image, fx === undefined ? {} : { fx });
    if (depth.estimatedFx !== undefined) this.camera.add(depth.estimatedFx, depth.width);
    return depth;
  }

  /** Null when the capture was reset while the depth model ran: nothing of the old capture may reach the new map. */
  private async process(kf: Keyframe & { given?: GivenDepth }, generation: number): Promise<KeyframeGeometry | null> {
    const depth = kf.given ? depthFromInput(kf.given) : await this.estimateDepth(kf.image);
    if (generation !== this.generation) return null;
    const t0 = performance.now();
    const tracked = this.pose.poseFor(kf, depth);
    const placed = this.placeByOdometry(tracked, depth);
    const { estimate } = placed;
    const aligned = estimate.pose ? this.mergeWithMap(placed.depth, estimate.pose) : placed.depth;
    // A lost keyframe adds nothing to the map: no points from an unknown pose.
    let cloud: NewVoxels = { points: new Float32Array(0), colors: new Uint8Array(0) };
    if (estimate.pose) {
      const lifted = backproject(aligned, kf.image, estimate.pose, { maxPoints: this.options.maxPointsPerKeyframe ?? 40_000 });
      cloud = this.map.integrate(lifted.points, lifted.colors, kf.index);
    }
    if (estimate.pose) {
      this.addToGraph(kf.index, estimate);
      this.prevPose = this.lastPose;
      this.lastPose = estimate.pose;
      const { intrinsics, ...small } = shrinkDepth(aligned);
      this.stored.push({ index: kf.index, sourceFrame: kf.sourceFrame, timestampMs: kf.timestampMs, pose: estimate.pose, intrinsics, depth: small });
      this.world = this.worldFrame.update(estimate.pose, this.map);
    } else {
      this.lostFrames.push(kf.sourceFrame);
    }
    return {
      index: kf.index,
      sourceFrame: kf.sourceFrame,
      timestampMs: kf.timestampMs,
      pose: estimate.pose ?? this.lastPose,
      tracking: estimate.tracking,
      world: this.world,
      intrinsics: depth.intrinsics,
      width: depth.width,
      height: depth.height,
      points: cloud.points,
      colors: cloud.colors,
      timings: { inferenceMs: depth.timings.inferenceMs, postMs: depth.timings.postMs + performance.now() - t0 },
    };
  }
}
