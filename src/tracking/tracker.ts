// Camera tracking for RGB-D keyframes (depth given or estimated): ORB features lifted to 3D with depth,
// matched to the previous keyframe for a first pose (3-point RANSAC on 3D-3D pairs), then refined against
// a local map of recent keyframes' points found by projection, so drift does not pile up frame by frame.
// Too few inliers (blur, a blank wall) is "lost": no pose, the map is left untouched, and the next frames
// try to relocalise against a few keyframes (the nearest views and those retrieval finds most like the image),
// unless the caller found the frame's pose another way (dense alignment of its depth with the map) and hands it
// back with `resume`. Each frame also reports what it measured relative to earlier frames (edges for the pose graph:
// src/geometry/poseGraph.ts): the step from the last frame, and where it sees points of a much older keyframe, its pose
// relative to that one measured from the old points alone (a loop), so drift shows as a disagreement between the two.
import {
  alignRigid,
  alignSimilarity,
  applyRigid,
  composeRigid,
  constantVelocityPose,
  invertRigid,
  nearestRotation,
  type Rigid,
  type Vec3,
} from '../geometry/rigid';
import type { DepthSource, Intrinsics, TrackingStatus } from '../geometry/types';
import { seededRandom } from '../util/random';
import { refineByReprojection } from './refinePose';
import { mostSimilar, similarity, thumbnail } from './retrieval';
import { detectOrb, hamming, matchDescriptors, type Features, type GreyImage } from './orb';

export interface TrackerFrame {
  /** The frame's id (the pipeline's keyframe index): edges name frames by it. Default: frames counted from 0. */
  id?: number;
  grey: GreyImage;
  /** Metric depth (m) at the grey image's resolution, 0 where invalid. */
  depth: Float32Array;
  intrinsics: Intrinsics;
  /** Where the depth came from: a model's is off in scale from frame to frame, a sensor's is not. */
  depthSource?: DepthSource;
}

export interface TrackResult {
  status: TrackingStatus;
  /** Camera-to-world, when tracked. */
  pose: Rigid | null;
  inliers: number;
  features: number;
  /** Why tracking failed, in words a user can act on. */
  reason?: string;
  keyframe: boolean;
  /** Relative poses this frame measured to earlier frames (empty when lost or the first). */
  edges: TrackEdge[];
}

/** The pose of the tracked frame in the frame of an earlier one (`from`, an id), as measured. */
export interface TrackEdge {
  from: number;
  relative: Rigid;
  /** Measured against a keyframe far back in the capture from its points alone: where drift shows. */
  loop: boolean;
}

interface MapKeyframe {
  /** The frame's id. */
  node: number;
  pose: Rigid;
  features: Features;
  /** The image as retrieval compares it (src/tracking/retrieval.ts). */
  thumb: Float32Array;
  /** World points of the features with depth (NaN x where none): the mean of every frame's observation of it. */
  world: Float32Array;
  /** Observations averaged into each world point (0 where none). */
  weight: Uint16Array;
}

/** A map point seen in the current frame: feature `feature` of this frame is point `point` of keyframe `kf`. */
interface Sighting {
  feature: number;
  kf: MapKeyframe;
  point: number;
}

export interface TrackerOptions {
  minInliers?: number;
  /** Keyframes in the local map. */
  localKeyframes?: number;
  /** Upper bound on keyframes kept for relocalisation. */
  maxKeyframes?: number;
}

const IDENTITY: Rigid = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] };

/** Depth at a pixel: the nearest valid value in a 3x3 window (depth edges are noisy). */
function depthAt(depth: Float32Array, w: number, h: number, x: number, y: number): number {
  const xi = Math.round(x);
  const yi = Math.round(y);
  const d0 = depth[yi * w + xi]!;
  if (d0 > 0) return d0;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const xx = xi + dx;
      const yy = yi + dy;
      if (xx >= 0 && yy >= 0 && xx < w && yy < h && depth[yy * w + xx]! > 0) return depth[yy * w + xx]!;
    }
  }
  return 0;
}

/** Camera-frame 3D points of features (NaN where there is no depth). */
function liftFeatures(f: Features, frame: TrackerFrame): Float32Array {
  const { fx, fy, cx, cy } = frame.intrinsics;
  const { width: w, height: h } = frame.grey;
  const out = new Float32Array(3 * f.count).fill(Number.NaN);
  for (let i = 0; i < f.count; i++) {
    const x = f.xy[2 * i]!;
    const y = f.xy[2 * i + 1]!;
    const z = depthAt(frame.depth, w, h, x, y);
    if (z > 0.1 && z < 10) {
      out[3 * i] = ((x - cx) / fx) * z;
      out[3 * i + 1] = ((y - cy) / fy) * z;
      out[3 * i + 2] = z;
    }
  }
  return out;
}

/** Distance between two camera poses: centre distance (m) and viewing-direction angle (rad). */
function poseDistance(a: Rigid, b: Rigid): { moved: number; angle: number } {
  const rel = composeRigid(invertRigid(a), b);
  return { moved: Math.hypot(...rel.t), angle: Math.acos(Math.min(1, Math.max(-1, (rel.R[0]! + rel.R[4]! + rel.R[8]! - 1) / 2))) };
}

const vec = (a: Float32Array, i: number): Vec3 => [a[3 * i]!, a[3 * i + 1]!, a[3 * i + 2]!];

/** Inlier distance for a pair at depth z: Kinect-like depth noise grows with z². */
const inlierThreshold = (z: number) => 0.03 + 0.01 * z * z;

const RANSAC_SEED = 1234;
/** A model's depth may be this far off in scale from one frame to another (and no farther) in a RANSAC hypothesis. */
const MIN_DEPTH_SCALE = 0.8;
const scaled = (p: Vec3, s: number): Vec3 => [p[0] * s, p[1] * s, p[2] * s];
/** Keyframes this many ids older than the frame are "old": points seen on them measure drift (a loop). */
export const LOOP_MIN_GAP = 20;
/** A retrieved old view is checked for a loop only when this much like the image (thumbnail NCC). */
const LOOP_MIN_SIMILARITY = 0.7;
/** Keyframes tried by feature matching when the motion model fails: the nearest views to the last pose, and the
 * views retrieval finds most like the image. Bounded, so a lost frame costs the same at any map size. */
const NEAREST_CANDIDATES = 4;
const RETRIEVED_CANDIDATES = 5;
/** A map point's average stops growing in weight here, so it can still follow a map that is corrected later. */
const MAX_POINT_WEIGHT = 20;

export class Tracker {
  private readonly keyframes: MapKeyframe[] = [];
  /** The last tracked frame, kept (not added to the map) as the nearest reference for the next one. */
  private lastFrame: MapKeyframe | null = null;
  private lastPose: Rigid | null = null;
  private prevPose: Rigid | null = null;
  private lost = false;
  /** The last frame that could not be tracked, kept so `resume` can adopt it at a pose found otherwise. */
  private unplaced: { node: number; features: Features; cam: Float32Array; thumb: Float32Array } | null = null;
  /** The id the next frame gets when the caller gives none. */
  private nextId = 0;
  /** RANSAC's sampling; reseeded on reset, so the same frames give the same map whatever was captured before. */
  private rand = seededRandom(RANSAC_SEED);
  /** The loop check's own sampling, so looking for loops does not change how frames are tracked. */
  private loopRand = seededRandom(RANSAC_SEED + 1);
  private readonly minInliers: number;
  private readonly localKeyframes: number;
  private readonly maxKeyframes: number;

  constructor(options: TrackerOptions = {}) {
    this.minInliers = options.minInliers ?? 20;
    this.localKeyframes = options.localKeyframes ?? 10;
    this.maxKeyframes = options.maxKeyframes ?? 2000;
  }

  get keyframeCount(): number {
    return this.keyframes.length;
  }

  reset(): void {
    this.keyframes.length = 0;
    this.lastFrame = null;
    this.lastPose = null;
    this.prevPose = null;
    this.lost = false;
    this.unplaced = null;
    this.nextId = 0;
    this.rand = seededRandom(RANSAC_SEED);
    this.loopRand = seededRandom(RANSAC_SEED + 1);
  }

  /**
   * Adds a frame to the map at a known pose, without tracking it (a benchmark filling the map with thousands of
   * views; a saved capture's keyframes put back). Tracking then goes on from the map, as after a loss.
   */
  addKnownKeyframe(frame: TrackerFrame, pose: Rigid): void {
    const features = detectOrb(frame.grey);
    const node = frame.id ?? this.nextId;
    this.nextId = node + 1;
    this.addKeyframe(this.mapKeyframe(node, pose, features, liftFeatures(features, frame), thumbnail(frame.grey)));
    this.lost = true;
  }

  /** Bytes held by the keyframes kept for tracking and relocalisation (features, points, thumbnails). */
  get bytes(): number {
    let total = 0;
    for (const kf of this.keyframes) total += kf.features.descriptors.byteLength + kf.features.xy.byteLength + kf.world.byteLength + kf.thumb.byteLength;
    return total;
  }

  /**
   * The last frame, which `track` could not place, is at `pose` after all (dense odometry against the map): it
   * becomes the reference for the next frame, and a keyframe where the map has none like it, so tracking goes on
   * from it instead of searching for an earlier view.
   */
  resume(pose: Rigid): void {
    if (!this.unplaced) return;
    const { node, features, cam, thumb } = this.unplaced;
    this.unplaced = null;
    this.lost = false;
    // The motion since the last tracked pose is unknown: no velocity until the next frame.
    this.prevPose = null;
    this.lastPose = pose;
    this.lastFrame = this.mapKeyframe(node, pose, features, cam, thumb);
    if (this.needsKeyframe(pose)) this.addKeyframe(this.lastFrame);
  }

  /**
   * Moves what the tracker holds by a pose-graph correction (per id, a world transform: new pose · old pose⁻¹): each
   * keyframe's pose and points by its own, the last frame's and the motion model's by the last frame's.
   */
  correct(corrections: ReadonlyMap<number, Rigid>): void {
    const move = (kf: MapKeyframe) => {
      const c = corrections.get(kf.node);
      if (!c) return;
      kf.pose = composeRigid(c, kf.pose);
      for (let i = 0; i < kf.features.count; i++) if (!Number.isNaN(kf.world[3 * i]!)) kf.world.set(applyRigid(c, vec(kf.world, i)), 3 * i);
    };
    for (const kf of this.keyframes) move(kf);
    if (this.lastFrame && !this.keyframes.includes(this.lastFrame)) move(this.lastFrame);
    const c = this.lastFrame ? corrections.get(this.lastFrame.node) : undefined;
    if (c) {
      if (this.lastPose) this.lastPose = composeRigid(c, this.lastPose);
      if (this.prevPose) this.prevPose = composeRigid(c, this.prevPose);
    }
  }

  track(frame: TrackerFrame): TrackResult {
    const node = frame.id ?? this.nextId;
    this.nextId = node + 1;
    const features = detectOrb(frame.grey);
    const thumb = thumbnail(frame.grey);
    const cam = liftFeatures(features, frame);
    let withDepth = 0;
    for (let i = 0; i < features.count; i++) if (!Number.isNaN(cam[3 * i]!)) withDepth++;
    this.unplaced = null;
    const fail = (reason: string): TrackResult => {
      this.lost = true;
      this.unplaced = { node, features, cam, thumb };
      return { status: 'lost', pose: null, inliers: 0, features: features.count, reason, keyframe: false, edges: [] };
    };
    if (withDepth < this.minInliers) {
      return fail(features.count < this.minInliers ? 'too little texture (a blank wall, blur or darkness)' : 'too few pixels with depth');
    }
    if (this.keyframes.length === 0) {
      this.lastFrame = this.mapKeyframe(node, IDENTITY, features, cam, thumb);
      this.addKeyframe(this.lastFrame);
      this.lastPose = IDENTITY;
      this.lost = false;
      return { status: 'initialised', pose: IDENTITY, inliers: withDepth, features: features.count, keyframe: true, edges: [] };
    }

    // Cheapest first: the motion model's prediction, checked by projecting the local map (no brute-force matching).
    // When that fails (a fast turn) or tracking was lost, feature matching against a few keyframes: the last frame,
    // the views nearest the last pose, and the views retrieval finds most like this image (relocalisation).
    let best: { pose: Rigid; inliers: number; sightings?: Sighting[]; kf?: MapKeyframe } | null = null;
    let guided: { pose: Rigid; inliers: number; sightings: Sighting[] } | null = null;
    if (this.lastPose && this.prevPose && !this.lost) {
      guided = this.refineAgainstMap(features, cam, constantVelocityPose(this.prevPose, this.lastPose), frame.intrinsics, 32);
      if (guided.inliers >= 4 * this.minInliers) best = guided;
    }
    const candidates = best ? [] : this.candidates(thumb);
    for (const kf of candidates) {
      const est = this.poseFromKeyframe(features, cam, kf, frame);
      if (est && (!best || est.inliers > best.inliers)) best = { ...est, kf };
      if (best && best.inliers >= 2 * this.minInliers) break;
    }
    // A guided estimate is already refined against the map; a matched one is refined now.
    let refined = candidates.length === 0 || !best || best.inliers < this.minInliers ? best : this.refineAgainstMap(features, cam, best.pose, frame.intrinsics);
    // The motion model's estimate, too weak to take at once, still beats a match that explains fewer of the map's points.
    if (guided && guided !== best && guided.inliers >= 2 * this.minInliers && (!refined || refined.inliers < guided.inliers)) {
      best = guided;
      refined = guided;
    }
    if (!best || !refined || best.inliers < this.minInliers) {
      return fail(this.lost ? 'cannot recognise any earlier view yet' : 'the view changed too fast or has too few features');
    }
    const useRefined = refined.inliers >= this.minInliers;
    const pose = nearestRotation(useRefined ? refined.pose : best.pose);
    const inliers = Math.max(refined.inliers, best.inliers);
    const status: TrackingStatus = this.lost ? 'relocalised' : 'tracked';
    const sightings = useRefined ? (refined.sightings ?? []) : [];
    const keyframe = this.needsKeyframe(pose);
    const edges = this.measureEdges(node, pose, sightings, features, cam, thumb, frame, keyframe, best.kf);
    this.lost = false;
    this.prevPose = this.lastPose;
    this.lastPose = pose;
    const current = this.mapKeyframe(node, pose, features, cam, thumb);
    if (sightings.length > 0) this.fuseSightings(sightings, pose, cam, current);
    if (keyframe) this.addKeyframe(current);
    this.lastFrame = current;
    return { status, pose, inliers, features: features.count, keyframe, edges };
  }

  /**
   * What this frame measured relative to earlier ones. The step from the last frame, measured from the recent
   * keyframes' points only; and, where it sees enough points of old keyframes (or, on a new keyframe, retrieval finds an
   * old view much like it), its pose from the old points alone, relative to the old keyframe that gave most of them: a
   * loop. Measured apart, the two disagree by the drift accumulated since the old keyframe, which the pose graph then
   * spreads over the loop. Right after a relocalisation there is no step: the frame is tied to the keyframe it matched.
   */
  private measureEdges(
    node: number,
    pose: Rigid,
    sightings: Sighting[],
    features: Features,
    cam: Float32Array,
    thumb: Float32Array,
    frame: TrackerFrame,
    isKeyframe: boolean,
    matched: MapKeyframe | undefined,
  ): TrackEdge[] {
    const k = frame.intrinsics;
    const isOld = (kf: MapKeyframe) => kf.node < node - LOOP_MIN_GAP;
    if (this.lost || !this.lastFrame) {
      return matched ? [{ from: matched.node, relative: composeRigid(invertRigid(matched.pose), pose), loop: false }] : [];
    }
    const old = sightings.filter((s) => isOld(s.kf));
    const recent = sightings.filter((s) => !isOld(s.kf));
    let loop: { pose: Rigid; sightings: Sighting[] } | null = null;
    if (old.length >= this.minInliers) loop = this.refineOn(old, pose, features, k);
    else if (isKeyframe) {
      const [view] = mostSimilar(thumb, this.keyframes.filter(isOld), 1);
      if (view && similarity(thumb, view.thumb) >= LOOP_MIN_SIMILARITY) {
        const matchedOld = this.poseFromKeyframe(features, cam, view, frame, this.loopRand);
        if (matchedOld && matchedOld.inliers >= 2 * this.minInliers) {
          const refined = this.refineAgainstMap(features, cam, matchedOld.pose, k, 12, isOld);
          if (refined.inliers >= 2 * this.minInliers) loop = { pose: refined.pose, sightings: refined.sightings };
        }
      }
    }
    const step = loop && recent.length >= this.minInliers ? (this.refineOn(recent, pose, features, k)?.pose ?? pose) : pose;
    const edges: TrackEdge[] = [{ from: this.lastFrame.node, relative: composeRigid(invertRigid(this.lastFrame.pose), step), loop: false }];
    if (loop) {
      const anchor = mostSeen(loop.sightings);
      if (anchor) edges.push({ from: anchor.node, relative: composeRigid(invertRigid(anchor.pose), loop.pose), loop: true });
    }
    return edges;
  }

  /** The pose refined on some of the map points the frame sees (null when too few of them agree). */
  private refineOn(sightings: Sighting[], initial: Rigid, f: Features, k: Intrinsics): { pose: Rigid; sightings: Sighting[] } | null {
    const r = refineByReprojection(
      initial,
      sightings.map((s) => vec(s.kf.world, s.point)),
      sightings.map((s) => [f.xy[2 * s.feature]!, f.xy[2 * s.feature + 1]!] as [number, number]),
      k,
      10,
      3,
    );
    return r.inliers.length >= this.minInliers ? { pose: r.pose, sightings: r.inliers.map((i) => sightings[i]!) } : null;
  }

  /**
   * Keyframes to match features with, most promising first, without repeats: the view most like this image (right
   * after a jump or a loss), the last frame (right after a fast turn), the views nearest the last pose, then the
   * other views retrieval proposes.
   */
  private candidates(thumb: Float32Array): MapKeyframe[] {
    const nearest = this.lastPose ? this.nearestKeyframes(this.lastPose, NEAREST_CANDIDATES) : [];
    const [mostAlike, ...similar] = mostSimilar(thumb, this.keyframes, RETRIEVED_CANDIDATES);
    const last = this.lastFrame && !this.lost ? [this.lastFrame] : [];
    return [...new Set([...(mostAlike ? [mostAlike] : []), ...last, ...nearest, ...similar])];
  }

  private mapKeyframe(node: number, pose: Rigid, features: Features, cam: Float32Array, thumb: Float32Array): MapKeyframe {
    const world = new Float32Array(cam.length);
    for (let i = 0; i < features.count; i++) {
      const p = vec(cam, i);
      const q = Number.isNaN(p[0]) ? ([Number.NaN, 0, 0] as Vec3) : applyRigid(pose, p);
      world.set(q, 3 * i);
    }
    const weight = new Uint16Array(features.count);
    for (let i = 0; i < features.count; i++) weight[i] = Number.isNaN(cam[3 * i]!) ? 0 : 1;
    return { node, pose, features, thumb, world, weight };
  }

  private addKeyframe(kf: MapKeyframe): void {
    this.keyframes.push(kf);
    if (this.keyframes.length > this.maxKeyframes) this.keyframes.splice(1, 1); // keep the first as an anchor
  }

  /**
   * A new keyframe only where the map has no keyframe with a similar view (position and direction), so
   * filming the same room again reuses the keyframes it has instead of growing without bound.
   */
  private needsKeyframe(pose: Rigid): boolean {
    return !this.keyframes.some((kf) => {
      const { moved, angle } = poseDistance(kf.pose, pose);
      return moved < 0.1 && angle < 0.15;
    });
  }

  /** The keyframes (of those `include` takes) whose views are closest to `pose`: the local map. */
  private nearestKeyframes(pose: Rigid, count: number, include?: (kf: MapKeyframe) => boolean): MapKeyframe[] {
    return (include ? this.keyframes.filter(include) : this.keyframes)
      .map((kf) => {
        const { moved, angle } = poseDistance(kf.pose, pose);
        return { kf, score: moved + 0.5 * angle };
      })
      .sort((a, b) => a.score - b.score)
      .slice(0, count)
      .map((e) => e.kf);
  }

  /**
   * 3-point RANSAC on descriptor matches with one keyframe, then a least-squares fit on the inliers. A model's depth is
   * off in scale by several % from frame to frame, which a rigid fit reads as a move along the view: its hypotheses are
   * similarities, the scale fitted and dropped (the pose is the similarity's rotation and translation).
   */
  private poseFromKeyframe(f: Features, cam: Float32Array, kf: MapKeyframe, frame: TrackerFrame, rand = this.rand): { pose: Rigid; inliers: number } | null {
    const matches = matchDescriptors(f.descriptors, f.count, kf.features.descriptors, kf.features.count).filter(
      ([i, j]) => !Number.isNaN(cam[3 * i]!) && !Number.isNaN(kf.world[3 * j]!),
    );
    if (matches.length < this.minInliers) return null;
    const src = matches.map(([i]) => vec(cam, i));
    const dst = matches.map(([, j]) => vec(kf.world, j));
    const fitScale = frame.depthSource === 'model';
    const fit = (a: Vec3[], b: Vec3[]): { pose: Rigid; scale: number } => {
      if (!fitScale) return { pose: alignRigid(a, b), scale: 1 };
      const { scale, rigid } = alignSimilarity(a, b);
      return { pose: rigid, scale };
    };
    const inliersOf = (h: { pose: Rigid; scale: number }) =>
      h.scale > MIN_DEPTH_SCALE && h.scale < 1 / MIN_DEPTH_SCALE ? this.inliersOf(h.pose, src, dst, h.scale) : [];
    let bestInliers: number[] = [];
    for (let iter = 0; iter < 200; iter++) {
      const a = Math.floor(rand() * matches.length);
      const b = Math.floor(rand() * matches.length);
      const c = Math.floor(rand() * matches.length);
      if (a === b || b === c || a === c) continue;
      let h: { pose: Rigid; scale: number };
      try {
        h = fit([src[a]!, src[b]!, src[c]!], [dst[a]!, dst[b]!, dst[c]!]);
      } catch {
        continue;
      }
      const inl = inliersOf(h);
      if (inl.length > bestInliers.length) bestInliers = inl;
      if (bestInliers.length > 0.8 * matches.length) break;
    }
    if (bestInliers.length < 3) return null;
    const refit = (inl: number[]) =>
      fit(
        inl.map((k) => src[k]!),
        inl.map((k) => dst[k]!),
      );
    let h = refit(bestInliers);
    const inl = inliersOf(h);
    if (inl.length >= 3) h = refit(inl);
    return { pose: h.pose, inliers: inl.length };
  }

  /** Pairs that `T` (after scaling the sources by `scale`) brings within the inlier distance. */
  private inliersOf(T: Rigid, src: Vec3[], dst: Vec3[], scale = 1): number[] {
    const out: number[] = [];
    for (let k = 0; k < src.length; k++) {
      const p = applyRigid(T, scale === 1 ? src[k]! : scaled(src[k]!, scale));
      const d = dst[k]!;
      if (Math.hypot(p[0] - d[0], p[1] - d[1], p[2] - d[2]) < inlierThreshold(scale * src[k]![2])) out.push(k);
    }
    return out;
  }

  /**
   * Refinement against the local map: points of the recent keyframes are projected with the first estimate,
   * each is matched to the best feature near its projection, and the pose is refined by reprojection.
   */
  private refineAgainstMap(
    f: Features,
    cam: Float32Array,
    initial: Rigid,
    k: Intrinsics,
    radius = 12,
    include?: (kf: MapKeyframe) => boolean,
  ): { pose: Rigid; inliers: number; sightings: Sighting[] } {
    const local = this.nearestKeyframes(initial, this.localKeyframes, include);
    if (this.lastFrame && !local.includes(this.lastFrame) && (!include || include(this.lastFrame))) local.push(this.lastFrame);
    const toCam = invertRigid(initial);
    const { fx, fy, cx, cy } = k;
    // A coarse grid over the current features for the projection search.
    const cell = 16;
    const reach = Math.ceil(radius / cell);
    const grid = new Map<number, number[]>();
    for (let i = 0; i < f.count; i++) {
      if (Number.isNaN(cam[3 * i]!)) continue;
      const key = Math.floor(f.xy[2 * i + 1]! / cell) * 4096 + Math.floor(f.xy[2 * i]! / cell);
      const list = grid.get(key);
      if (list) list.push(i);
      else grid.set(key, [i]);
    }
    const bestFor = new Map<number, { d: number; world: Vec3; kf: MapKeyframe; point: number }>();
    for (const kf of local) {
      for (let j = 0; j < kf.features.count; j++) {
        if (Number.isNaN(kf.world[3 * j]!)) continue;
        const pc = applyRigid(toCam, vec(kf.world, j));
        if (pc[2] < 0.1) continue;
        const u = (pc[0] / pc[2]) * fx + cx;
        const v = (pc[1] / pc[2]) * fy + cy;
        const gx = Math.floor(u / cell);
        const gy = Math.floor(v / cell);
        let best = -1;
        let bestD = 50;
        for (let yy = gy - reach; yy <= gy + reach; yy++) {
          for (let xx = gx - reach; xx <= gx + reach; xx++) {
            for (const i of grid.get(yy * 4096 + xx) ?? []) {
              if (Math.hypot(f.xy[2 * i]! - u, f.xy[2 * i + 1]! - v) > radius) continue;
              const d = hamming(f.descriptors, i, kf.features.descriptors, j);
              if (d < bestD) {
                bestD = d;
                best = i;
              }
            }
          }
        }
        if (best >= 0) {
          const prev = bestFor.get(best);
          if (!prev || bestD < prev.d) bestFor.set(best, { d: bestD, world: vec(kf.world, j), kf, point: j });
        }
      }
    }
    // Reprojection refinement over every map point found in the image (no current depth needed), run twice:
    // outliers of the first pass are dropped before the second.
    let found = [...bestFor.entries()].map(([feature, m]) => ({ feature, kf: m.kf, point: m.point, world: m.world }));
    const pixelsOf = (list: typeof found) => list.map((m) => [f.xy[2 * m.feature]!, f.xy[2 * m.feature + 1]!] as [number, number]);
    if (found.length < this.minInliers) return { pose: initial, inliers: found.length, sightings: [] };
    let r = refineByReprojection(
      initial,
      found.map((m) => m.world),
      pixelsOf(found),
      k,
      10,
      8,
    );
    found = r.inliers.map((i) => found[i]!);
    if (found.length < this.minInliers) return { pose: initial, inliers: found.length, sightings: [] };
    r = refineByReprojection(
      r.pose,
      found.map((m) => m.world),
      pixelsOf(found),
      k,
      10,
      3,
    );
    return { pose: r.pose, inliers: r.inliers.length, sightings: r.inliers.map((i) => found[i]!) };
  }

  /**
   * Each map point seen again is moved to the mean of its observations: the point as this frame's depth places it
   * joins the average (where it agrees), and the frame's own feature takes that average. A depth model's errors
   * differ from frame to frame (scale, smooth shape), so a point seen many times sits where they average out, and
   * the points the next frames are tracked against agree with each other instead of each carrying its frame's error.
   */
  private fuseSightings(sightings: Sighting[], pose: Rigid, cam: Float32Array, current: MapKeyframe): void {
    for (const { feature, kf, point } of sightings) {
      if (Number.isNaN(cam[3 * feature]!) || Number.isNaN(kf.world[3 * point]!)) continue;
      const seen = applyRigid(pose, vec(cam, feature));
      const old = vec(kf.world, point);
      if (Math.hypot(seen[0] - old[0], seen[1] - old[1], seen[2] - old[2]) > 2 * inlierThreshold(cam[3 * feature + 2]!)) continue;
      const w = kf.weight[point]!;
      const fused: Vec3 = [(w * old[0] + seen[0]) / (w + 1), (w * old[1] + seen[1]) / (w + 1), (w * old[2] + seen[2]) / (w + 1)];
      kf.world.set(fused, 3 * point);
      kf.weight[point] = Math.min(MAX_POINT_WEIGHT, w + 1);
      current.world.set(fused, 3 * feature);
      current.weight[feature] = kf.weight[point]!;
    }
  }
}

/** The keyframe most of these sightings are points of. */
function mostSeen(sightings: Sighting[]): MapKeyframe | null {
  const counts = new Map<MapKeyframe, number>();
  for (const s of sightings) counts.set(s.kf, (counts.get(s.kf) ?? 0) + 1);
  let best: MapKeyframe | null = null;
  for (const [kf, n] of counts) if (!best || n > counts.get(best)!) best = kf;
  return best;
}
