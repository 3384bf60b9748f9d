// What later stages (object lifting, spatial questions) need of each tracked keyframe: when it was taken,
// its pose and intrinsics, and a small copy of its metric depth. Depth is kept at a reduced size so a long
// capture stays within memory (128x96 floats = 48 KiB a keyframe). MoGe-2's ONNX export exposes no feature
// tokens, so none are kept; a geometry model that does would add them here.
import type { DepthResult, Intrinsics } from './types';

export const STORED_DEPTH_WIDTH = 128;

export interface StoredKeyframe {
  index: number;
  sourceFrame: number;
  timestampMs: number;
  /** Column-major camera-to-world. */
  pose: Float32Array;
  /** Intrinsics for the stored depth's size. */
  intrinsics: Intrinsics;
  depth: { width: number; height: number; data: Float32Array };
}

/** Nearest-neighbour downsampling (no averaging across depth edges), with intrinsics scaled to match. */
export function shrinkDepth(depth: DepthResult, width = STORED_DEPTH_WIDTH): StoredKeyframe['depth'] & { intrinsics: Intrinsics } {
  const s = Math.min(1, width / depth.width);
  const w = Math.max(1, Math.round(depth.width * s));
  const h = Math.max(1, Math.round(depth.height * s));
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(depth.height - 1, Math.floor(((y + 0.5) * depth.height) / h));
    for (let x = 0; x < w; x++) data[y * w + x] = depth.depth[sy * depth.width + Math.min(depth.width - 1, Math.floor(((x + 0.5) * depth.width) / w))]!;
  }
  const k = depth.intrinsics;
  const sx = w / depth.width;
  const sy = h / depth.height;
  return { width: w, height: h, data, intrinsics: { fx: k.fx * sx, fy: k.fy * sy, cx: k.cx * sx, cy: k.cy * sy } };
}
