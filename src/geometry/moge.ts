// MoGe-2 on onnxruntime (web in the worker, node in tests): input sizing, packing, and the post-processing that
// the ONNX export leaves out (microsoft/MoGe docs/onnx.md): recovering focal and z-shift from the affine point
// map, then metric depth = (z + shift) · metric_scale. Follows MoGeModel.forward/infer (moge/model/v2.py) and
// recover_focal_shift (moge/utils/geometry_torch.py, geometry_numpy.py).
import type { DepthResult, Intrinsics, RgbaImage } from './types';

/** DINOv2 patch size: the graph resizes its input to 14·(base_h, base_w) internally. */
export const PATCH_SIZE = 14;
/** Token budget range MoGe-2 was trained for (`num_tokens_range`); infer() defaults to the top (3600). */
export const NUM_TOKENS_RANGE = [1200, 3600] as const;
/** Fewest trained tokens: the fastest setting, for live use in a browser. */
export const DEFAULT_NUM_TOKENS = 1200;
/** infer() binarises the mask probability at 0.5. */
export const MASK_THRESHOLD = 0.5;
/** recover_focal_shift's default `downsample_size`. */
const RECOVERY_GRID = 64;

/** The part of an ORT tensor this module reads (onnxruntime-web and onnxruntime-node tensors both fit). */
export interface TensorLike {
  readonly dims: readonly number[];
  readonly data: unknown;
  dispose?(): void;
}

/** The part of an ORT InferenceSession this module uses. */
export interface SessionLike {
  readonly outputNames: readonly string[];
  run(feeds: Record<string, TensorLike>): Promise<Record<string, TensorLike>>;
}

/** ORT's `Tensor` constructor, injected so the same code runs on onnxruntime-web and onnxruntime-node. */
export type TensorConstructor = new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]) => TensorLike;

/**
 * The size MoGe resizes an image to for a token budget: aspect kept, base_h·base_w ≈ numTokens patches of 14 px
 * (forward(): base_h = round(√(n/aspect)), base_w = round(√(n·aspect))). Feeding exactly this size means the
 * graph's own resize (bilinear, no antialias in the ONNX export) is a no-op.
 */
export function mogeInputSize(width: number, height: number, numTokens = DEFAULT_NUM_TOKENS): { width: number; height: number } {
  const aspect = width / height;
  const baseH = Math.max(1, Math.round(Math.sqrt(numTokens / aspect)));
  const baseW = Math.max(1, Math.round(Math.sqrt(numTokens * aspect)));
  return { width: baseW * PATCH_SIZE, height: baseH * PATCH_SIZE };
}

/** RGBA bytes → the `image` input: float32 [1,3,H,W], RGB in 0..1 (the graph normalises itself). */
export function packImage(image: RgbaImage): Float32Array {
  const plane = image.width * image.height;
  const out = new Float32Array(3 * plane);
  const src = image.data;
  for (let i = 0; i < plane; i++) {
    out[i] = src[4 * i]! / 255;
    out[plane + i] = src[4 * i + 1]! / 255;
    out[2 * plane + i] = src[4 * i + 2]! / 255;
  }
  return out;
}

/** MoGe's normalised view-plane coordinate of a pixel along one axis (normalized_view_plane_uv): pixel centre
 * minus image centre, over half the diagonal. */
function viewPlane(index: number, size: number, halfDiagonal: number): number {
  return (index + 0.5 - size / 2) / halfDiagonal;
}

export interface FocalShift {
  /** Focal length relative to half the image diagonal. */
  focal: number;
  /** Added to points' z to make it depth (in the affine units). */
  shift: number;
  /** Masked samples the fit used. */
  samples: number;
}

/**
 * recover_focal_shift: on a 64x64 nearest-neighbour subsample of the masked pixels, minimise
 * Σ‖f·xy/(z+s) − uv‖² over the shift s (Levenberg–Marquardt from s = 0, as MoGe's scipy call), with f in closed
 * form for each s, or fixed when `focal` is given. `points` is [H,W,3] row-major, `mask` [H,W] probabilities.
 */
export function recoverFocalShift(points: Float32Array, mask: Float32Array | null, width: number, height: number, focal?: number): FocalShift {
  const halfDiagonal = Math.hypot(width, height) / 2;
  // torch nearest interpolation: source index floor(i · in / out).
  const xy: number[] = [];
  const z: number[] = [];
  const uv: number[] = [];
  for (let i = 0; i < RECOVERY_GRID; i++) {
    const row = Math.min(height - 1, Math.floor((i * height) / RECOVERY_GRID));
    for (let j = 0; j < RECOVERY_GRID; j++) {
      const col = Math.min(width - 1, Math.floor((j * width) / RECOVERY_GRID));
      const p = row * width + col;
      if (mask && !(mask[p]! > MASK_THRESHOLD)) continue;
      xy.push(points[3 * p]!, points[3 * p + 1]!);
      z.push(points[3 * p + 2]!);
      uv.push(viewPlane(col, width, halfDiagonal), viewPlane(row, height, halfDiagonal));
    }
  }
  const n = z.length;
  if (n < 2) return { focal: focal ?? 1, shift: 0, samples: n }; // MoGe's fallback for an empty mask

  // Cost, gradient Jᵀr and Gauss–Newton curvature JᵀJ at shift s (variable projection when focal is free).
  const evaluate = (s: number) => {
    let a = 0; // Σ p·uv
    let b = 0; // Σ p·p
    let da = 0; // d/ds Σ p·uv
    let db = 0; // d/ds Σ p·p
    for (let k = 0; k < n; k++) {
      const w = 1 / (z[k]! + s);
      const px = xy[2 * k]! * w;
      const py = xy[2 * k + 1]! * w;
      a += px * uv[2 * k]! + py * uv[2 * k + 1]!;
      b += px * px + py * py;
      // dp/ds = −p/(z+s)
      da -= (px * uv[2 * k]! + py * uv[2 * k + 1]!) * w;
      db -= 2 * (px * px + py * py) * w;
    }
    const f = focal ?? a / b;
    const df = focal === undefined ? (da * b - a * db) / (b * b) : 0;
    let cost = 0;
    let grad = 0;
    let curv = 0;
    for (let k = 0; k < n; k++) {
      const w = 1 / (z[k]! + s);
      for (let c = 0; c < 2; c++) {
        const p = xy[2 * k + c]! * w;
        const r = f * p - uv[2 * k + c]!;
        const j = df * p - f * p * w;
        cost += r * r;
        grad += j * r;
        curv += j * j;
      }
    }
    return { cost, grad, curv, f };
  };

  // Depth must stay positive on every sample; start at 0 like MoGe unless that already breaks it.
  let minZ = Infinity;
  let maxZ = -Infinity;
  for (const v of z) {
    minZ = Math.min(minZ, v);
    maxZ = Math.max(maxZ, v);
  }
  const margin = 1e-3 * Math.max(maxZ - minZ, 1e-6);
  const feasible = (s: number) => minZ + s > margin;
  let s = feasible(0) ? 0 : margin - minZ;
  let current = evaluate(s);
  let lambda = 1e-3;
  for (let iter = 0; iter < 200 && lambda < 1e12; iter++) {
    const step = -current.grad / (current.curv * (1 + lambda) + 1e-30);
    const next = s + step;
    if (!feasible(next)) {
      lambda *= 10;
      continue;
    }
    const trial = evaluate(next);
    if (trial.cost < current.cost) {
      const converged = Math.abs(step) <= 1e-9 * (1 + Math.abs(s)) || current.cost - trial.cost <= 1e-14 * current.cost;
      s = next;
      current = trial;
      lambda = Math.max(lambda / 10, 1e-12);
      if (converged) break;
    } else {
      lambda *= 10;
    }
  }
  return { focal: current.f, shift: s, samples: n };
}

/** Pinhole intrinsics of MoGe's infer(): fx = fy = focal·diag/2, principal point at the image centre. */
export function intrinsicsFromFocal(focal: number, width: number, height: number): Intrinsics {
  const f = (focal * Math.hypot(width, height)) / 2;
  // OpenCV convention, as everywhere in Room3R: pixel (u, v) is centred at integer coordinates, so the image
  // centre W/2 of MoGe's edge-based uv grid is at W/2 − 0.5.
  return { fx: f, fy: f, cx: width / 2 - 0.5, cy: height / 2 - 0.5 };
}

export interface MogeDepth extends DepthResult {
  /** Focal relative to half the diagonal, and the z-shift, as recovered (or focal as given). */
  focal: number;
  /** The horizontal focal length (px) this image alone gives, even when a known one was used (src/geometry/cameraFocal.ts). */
  estimatedFx: number;
  shift: number;
  metricScale: number;
  timings: { inferenceMs: number; postMs: number };
}

export interface MogeEstimateOptions {
  /** Known horizontal focal length in pixels of the given image: only the shift is solved. */
  fx?: number;
}

function floatData(t: TensorLike | undefined, name: string): Float32Array {
  if (!t || !(t.data instanceof Float32Array)) throw new Error(`MoGe output "${name}" missing or not float32`);
  return t.data;
}

/** MoGe-2 on an injected ORT session: image in, metric depth, confidence and intrinsics out. */
export class MogeDepthModel {
  readonly numTokens: number;
  /** The published export may call the scale output `scale` (one third-party reader says so); the export script says `metric_scale`. */
  private readonly scaleName: string;

  constructor(
    private readonly session: SessionLike,
    private readonly Tensor: TensorConstructor,
    options: { numTokens?: number } = {},
  ) {
    this.numTokens = options.numTokens ?? DEFAULT_NUM_TOKENS;
    const names = session.outputNames;
    for (const required of ['points', 'mask']) {
      if (!names.includes(required)) throw new Error(`MoGe session has no "${required}" output (has ${names.join(', ')})`);
    }
    const scaleName = ['metric_scale', 'scale'].find((n) => names.includes(n));
    if (!scaleName) throw new Error(`MoGe session has no metric scale output (has ${names.join(', ')})`);
    this.scaleName = scaleName;
  }

  /** Size to resize a source frame to before estimate(). */
  inputSize(width: number, height: number): { width: number; height: number } {
    return mogeInputSize(width, height, this.numTokens);
  }

  /** Runs the model on `image` (any size; best at inputSize()) and returns per-pixel metric geometry at that size. */
  async estimate(image: RgbaImage, options: MogeEstimateOptions = {}): Promise<MogeDepth> {
    const { width, height } = image;
    const t0 = performance.now();
    const feeds = {
      image: new this.Tensor('float32', packImage(image), [1, 3, height, width]),
      num_tokens: new this.Tensor('int64', BigInt64Array.of(BigInt(this.numTokens)), []),
    };
    const outputs = await this.session.run(feeds);
    const t1 = performance.now();
    try {
      const points = floatData(outputs.points, 'points');
      const mask = floatData(outputs.mask, 'mask');
      const metricScale = floatData(outputs[this.scaleName], this.scaleName)[0]!;
      if (points.length !== width * height * 3) throw new Error(`MoGe points have dims [${outputs.points!.dims.join(',')}], expected [1,${height},${width},3]`);

      const halfDiagonal = Math.hypot(width, height) / 2;
      const knownFocal = options.fx === undefined ? undefined : options.fx / halfDiagonal;
      const { focal, shift } = recoverFocalShift(points, mask, width, height, knownFocal);
      // What this image alone says of the focal length, for the capture's running estimate.
      const ownFocal = knownFocal === undefined ? focal : recoverFocalShift(points, mask, width, height).focal;

      const depth = new Float32Array(width * height);
      const confidence = new Float32Array(width * height);
      for (let i = 0; i < depth.length; i++) {
        const d = (points[3 * i + 2]! + shift) * metricScale;
        // infer(): masked out, or behind the camera after the shift.
        if (mask[i]! > MASK_THRESHOLD && d > 0) {
          depth[i] = d;
          confidence[i] = mask[i]!;
        }
      }
      return {
        width,
        height,
        depth,
        confidence,
        intrinsics: intrinsicsFromFocal(focal, width, height),
        focal,
        estimatedFx: ownFocal * halfDiagonal,
        shift,
        metricScale,
        timings: { inferenceMs: t1 - t0, postMs: performance.now() - t1 },
      };
    } finally {
      for (const t of [...Object.values(feeds), ...Object.values(outputs)]) t.dispose?.();
    }
  }
}
