// Depth map → coloured world-space points for the scene, subsampled on a regular pixel grid.
import { transformPoint } from './mat4';
import type { DepthResult, RgbaImage } from './types';

export interface BackprojectOptions {
  /** Take every stride-th pixel in x and y (default 1). */
  stride?: number;
  /** Cap on the number of points: the stride grows until the grid fits. */
  maxPoints?: number;
  /** Pixels below this confidence are skipped (default 0.5, MoGe's mask threshold). */
  minConfidence?: number;
}

export interface PointCloud {
  /** xyz per point, world frame, metres. */
  points: Float32Array;
  /** rgb 0..255 per point. */
  colors: Uint8Array;
}

/**
 * Lifts pixels (u, v) with valid depth through the intrinsics (OpenCV convention: pixel centres at integer
 * coordinates) into the OpenCV camera frame
 * (x right, y down, z forward), then to the world by `cameraToWorld` (column-major 4x4).
 */
export function backproject(depth: DepthResult, image: RgbaImage, cameraToWorld: Float32Array, options: BackprojectOptions = {}): PointCloud {
  const { width, height } = depth;
  if (image.width !== width || image.height !== height) {
    throw new Error(`image is ${image.width}x${image.height}, depth is ${width}x${height}`);
  }
  const minConfidence = options.minConfidence ?? 0.5;
  let stride = Math.max(1, Math.floor(options.stride ?? 1));
  if (options.maxPoints !== undefined) {
    while (Math.ceil(width / stride) * Math.ceil(height / stride) > options.maxPoints) stride++;
  }
  const { fx, fy, cx, cy } = depth.intrinsics;
  const capacity = Math.ceil(width / stride) * Math.ceil(height / stride);
  const points = new Float32Array(3 * capacity);
  const colors = new Uint8Array(3 * capacity);
  let count = 0;
  // Sample the middle of each stride cell so a coarse grid stays centred on the image.
  const start = Math.floor((stride - 1) / 2);
  for (let v = start; v < height; v += stride) {
    for (let u = start; u < width; u += stride) {
      const i = v * width + u;
      const z = depth.depth[i]!;
      if (!(z > 0) || !(depth.confidence[i]! >= minConfidence)) continue;
      transformPoint(cameraToWorld, ((u - cx) / fx) * z, ((v - cy) / fy) * z, z, points, 3 * count);
      colors[3 * count] = image.data[4 * i]!;
      colors[3 * count + 1] = image.data[4 * i + 1]!;
      colors[3 * count + 2] = image.data[4 * i + 2]!;
      count++;
    }
  }
  return { points: points.slice(0, 3 * count), colors: colors.slice(0, 3 * count) };
}
