// The geometry worker's interface: a keyframe in; depth, confidence, intrinsics, pose,
// world-space points and optional 3D tokens out. Issue 3 replaces the pose source
// (tracking + fusion) behind this same interface.

/** Pinhole intrinsics in pixels of the keyframe image. */
export interface Intrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
}

/** An RGBA image in memory (row-major, 4 bytes a pixel): what a worker gets from a VideoFrame or ImageBitmap. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export interface Keyframe {
  /** Position in the capture's keyframe sequence (0, 1, 2, ...). */
  index: number;
  /** Frame index in the source (video frame number or image index). */
  sourceFrame: number;
  timestampMs: number;
  image: RgbaImage;
}

/** Per-pixel geometry of one keyframe, at the resolution the model ran at. */
export interface DepthResult {
  width: number;
  height: number;
  /** Metric depth along the optical axis (m); 0 where invalid. */
  depth: Float32Array;
  /** 0..1 per pixel. */
  confidence: Float32Array;
  /** Intrinsics for this depth map's resolution. */
  intrinsics: Intrinsics;
  /** A sensor's depth is metric in every frame; a model's scale and shape wander from frame to frame, so the pipeline
   * brings each keyframe to the map's scale before fusing it (src/geometry/depthAlignment.ts). Default: model. */
  source?: DepthSource;
  /** Feature tokens from the model, where it exposes them ("3D tokens"). */
  tokens?: { data: Float32Array; dims: number[] };
}

export type TrackingStatus = 'initialised' | 'tracked' | 'relocalised' | 'lost';

/** How the keyframe's pose was found; a lost keyframe adds nothing to the map. */
export interface TrackingState {
  status: TrackingStatus;
  /** Why tracking failed, in words a user can act on. */
  reason?: string;
  inliers: number;
  /** Placed by aligning its depth with the map (the features could not place it); `inliers` counts surface points. */
  odometry?: boolean;
}

/** The map's gravity frame: +y up, the floor (when found) at y = 0. */
export interface WorldFrame {
  /** Column-major 4x4 from the tracking world (the first camera's frame) to the gravity frame. */
  toGravity: Float32Array;
  gravitySource: 'floor' | 'cameras';
  /** Voxels in the fused map. */
  voxels: number;
  /** Size of the map along the gravity frame's axes (m; 1st–99th percentile), when there is enough of it. */
  extent: [number, number, number] | null;
}

/** What the geometry worker streams per keyframe. */
export interface KeyframeGeometry {
  index: number;
  sourceFrame: number;
  timestampMs: number;
  /** Column-major 4x4 camera-to-world (three.js Matrix4 order), metres, OpenCV camera axes; the last known pose when lost. */
  pose: Float32Array;
  tracking: TrackingState;
  /** The map's gravity frame as of this keyframe. */
  world: WorldFrame;
  intrinsics: Intrinsics;
  /** Size of the image the intrinsics refer to. */
  width: number;
  height: number;
  /** New world-space points from this keyframe (xyz), with colours (rgb 0..255). */
  points: Float32Array;
  colors: Uint8Array;
  /** Milliseconds spent in the model (0 for given depth) and in post-processing and tracking. */
  timings: { inferenceMs: number; postMs: number };
}

/**
 * A loop closure moved the keyframes (pose-graph optimisation) and the map with them: what was shown before is replaced
 * by this.
 */
export interface MapCorrection {
  /** Every placed keyframe's corrected pose (column-major camera-to-world), by keyframe index. */
  poses: { index: number; pose: Float32Array }[];
  world: WorldFrame;
  /** The whole map after the correction (voxel means xyz, colours rgb 0..255). */
  points: Float32Array;
  colors: Uint8Array;
  stats: LoopClosureStats;
}

/** A map correction as the main thread gets it: the poses and the map's size, not its points. */
export type CorrectionInfo = Omit<MapCorrection, 'points' | 'colors'> & { points: number };

export interface LoopClosureStats {
  /** The keyframe that recognised the older one, and that one. */
  keyframe: number;
  loopTo: number;
  /** How far the loop's measurement disagreed with the tracked chain before (m, rad). */
  disagreement: { moved: number; angle: number };
  nodes: number;
  edges: number;
  iterations: number;
  /** The largest distance a keyframe moved (m). */
  largestMove: number;
  /** Milliseconds: the optimisation, and moving the map (and the tracker's points) after it. */
  optimiseMs: number;
  applyMs: number;
}

/** Depth that comes with the input (RGB-D frames): used instead of the depth model. */
export interface GivenDepth {
  width: number;
  height: number;
  /** Metres, 0 = invalid. */
  depth: Float32Array;
  intrinsics: Intrinsics;
  /** Default: sensor (an RGB-D recording's own depth). */
  source?: DepthSource;
}

export type DepthSource = 'sensor' | 'model';

/** Axis-aligned bounds (m). */
export interface Bounds {
  min: [number, number, number];
  max: [number, number, number];
}

/** A keyframe without its points: what the main thread gets (the points go straight to the render worker). */
export type KeyframeInfo = Omit<KeyframeGeometry, 'points' | 'colors'> & { pointCount: number; bounds: Bounds | null };

export function boundsOf(points: Float32Array): Bounds | null {
  if (points.length < 3) return null;
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 3) {
    for (let a = 0; a < 3; a++) {
      const v = points[i + a]!;
      if (v < min[a]!) min[a] = v;
      if (v > max[a]!) max[a] = v;
    }
  }
  return { min, max };
}

export function keyframeInfo(g: KeyframeGeometry): KeyframeInfo {
  const { points, colors: _colors, ...rest } = g;
  return { ...rest, pointCount: points.length / 3, bounds: boundsOf(points) };
}
