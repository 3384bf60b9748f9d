// Fusion that converges instead of layering: a depth model's keyframes disagree with each other by a few % of depth
// (scale and smooth shape errors that change from frame to frame), so fused point by point each frame would lay its
// own copy of every surface a few centimetres from the last. Before a keyframe is fused, each pixel whose depth is
// within the expected error of the surface the map already has along that ray (MapView: the map seen from the
// keyframe's pose) is moved to the weighted mean of the two, the map weighted by how often it has seen that surface:
// the keyframe then adds its share to the surface instead of a new layer. The expected error is measured, not
// assumed: the spread of the keyframe's log depth ratio to the map over every pixel both see.
import type { MapView } from './voxelMap';

export interface DepthMerge {
  /** The depth to fuse: merged where the map had a surface within the band, as given elsewhere. */
  depth: Float32Array;
  /** Half-width of the agreement band (relative depth): three robust standard deviations of the log ratio. */
  band: number;
  /** Share of the pixels with depth that were merged into a map surface. */
  merged: number;
}

/** The map's weight in the mean is capped, so a surface seen long ago still moves when it was wrong. */
const MAX_MAP_WEIGHT = 10;
/** The band never closes below this (relative depth): a sensor's depth is still noisy at the centimetre level. */
const MIN_BAND = 0.01;
/** Cells that both see needed to measure the spread. */
const MIN_SHARED_CELLS = 50;

/**
 * `depth` (width x height, metres, 0 = none) is a keyframe's; `view` the map seen from the same camera with the same
 * image size, cut into cells. Returns the depth to fuse; null where the two share too little to tell.
 */
export function mergeDepthWithMap(depth: Float32Array, width: number, height: number, view: MapView): DepthMerge | null {
  const { cols, rows, cell } = view;
  // Per cell, the log ratio of the map's depth to the keyframe's at the cell's centre pixel.
  const ratios: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const zm = view.points[3 * (r * cols + c) + 2]!;
      if (zm === 0) continue;
      const u = Math.min(width - 1, c * cell + (cell >> 1));
      const v = Math.min(height - 1, r * cell + (cell >> 1));
      const z = depth[v * width + u]!;
      if (z > 0) ratios.push(Math.log(zm / z));
    }
  }
  if (ratios.length < MIN_SHARED_CELLS) return null;
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const deviations = sorted.map((x) => Math.abs(x - median)).sort((a, b) => a - b);
  const band = Math.max(MIN_BAND, 3 * 1.4826 * deviations[Math.floor(deviations.length / 2)]!);
  const out = Float32Array.from(depth);
  let withDepth = 0;
  let merged = 0;
  for (let v = 0; v < height; v++) {
    const row = Math.min(rows - 1, Math.floor(v / cell));
    for (let u = 0; u < width; u++) {
      const i = v * width + u;
      const z = depth[i]!;
      if (!(z > 0)) continue;
      withDepth++;
      const c = row * cols + Math.min(cols - 1, Math.floor(u / cell));
      const zm = view.points[3 * c + 2]!;
      if (zm === 0) continue;
      const logRatio = Math.log(zm / z);
      if (Math.abs(logRatio - median) > band) continue;
      const w = Math.min(MAX_MAP_WEIGHT, view.observations[c]!);
      out[i] = z * Math.exp((w * logRatio) / (w + 1));
      merged++;
    }
  }
  return { depth: out, band, merged: withDepth ? merged / withDepth : 0 };
}
