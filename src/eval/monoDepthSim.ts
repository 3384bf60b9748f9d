// Degrades a sensor's depth the way a monocular metric depth model (MoGe-2 and its kind) errs, so the tracking
// evaluation can measure the app's main case (a phone video, depth from a model) on recordings that have sensor depth:
// - dense: the model predicts every pixel, so the sensor's holes are filled (from the nearest valid depths);
// - smooth: edges are blurred as a network's upsampled output is (a box filter, which also mixes depths across
//   object boundaries, as models do);
// - a sequence-wide metric bias (one log-normal factor per sequence);
// - a per-frame scale that wanders, correlated from frame to frame (a log-scale AR(1) process: stationary standard
//   deviation `frameScaleStd`, lag-1 correlation `frameScaleCorrelation`);
// - a smooth shape error per frame (a few low-frequency multiplicative waves, standard deviation `shapeErrorStd`);
// - intrinsics perturbed once per sequence (the focal length a single image gives is itself uncertain).
// Plain, deterministic for a seed: runs in Node (eval:tracking) and tests.
import type { GivenDepth, Intrinsics } from '../geometry/types';
import { gaussian, seededRandom } from '../util/random';

export interface MonoDepthSimOptions {
  seed: number;
  /** Log-normal standard deviation of the sequence-wide metric bias (0.08: ~8 %). */
  globalBiasStd?: number;
  /** Stationary standard deviation of the per-frame log scale (at least 0.04 per the tracking issue). */
  frameScaleStd?: number;
  /** Lag-1 correlation of the per-frame log scale between consecutive frames. */
  frameScaleCorrelation?: number;
  /** Standard deviation of the smooth multiplicative shape error within a frame. */
  shapeErrorStd?: number;
  /** Log-normal standard deviation of the focal length error given to the pipeline (once per sequence). */
  focalErrorStd?: number;
  /** Half-width in pixels of the box filter that smooths the depth (0: none). */
  smoothRadius?: number;
}

const DEFAULTS = {
  globalBiasStd: 0.08,
  frameScaleStd: 0.04,
  frameScaleCorrelation: 0.9,
  shapeErrorStd: 0.03,
  focalErrorStd: 0.05,
  smoothRadius: 2,
} satisfies Omit<Required<MonoDepthSimOptions>, 'seed'>;

/** Low-frequency waves per frame: enough to bend a frame, too few to look like noise. */
const SHAPE_WAVES = 4;

export class MonoDepthSim {
  private readonly random: () => number;
  private readonly o: Omit<Required<MonoDepthSimOptions>, 'seed'>;
  /** The sequence-wide factor every depth is multiplied by. */
  readonly globalBias: number;
  /** The focal length factor the pipeline's intrinsics get. */
  readonly focalFactor: number;
  private logScale: number;
  /** Per-frame scale factors so far (the global bias left out), in order. */
  readonly frameScales: number[] = [];

  constructor(options: MonoDepthSimOptions) {
    this.random = seededRandom(options.seed);
    this.o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([k, v]) => k !== 'seed' && v !== undefined)) };
    this.globalBias = Math.exp(this.o.globalBiasStd * gaussian(this.random));
    this.focalFactor = Math.exp(this.o.focalErrorStd * gaussian(this.random));
    this.logScale = this.o.frameScaleStd * gaussian(this.random);
  }

  /** The next frame's depth as a monocular model would give it, with the sequence's perturbed intrinsics. */
  degrade(given: GivenDepth): GivenDepth {
    const { width, height } = given;
    if (this.frameScales.length > 0) {
      const rho = this.o.frameScaleCorrelation;
      this.logScale = rho * this.logScale + Math.sqrt(1 - rho * rho) * this.o.frameScaleStd * gaussian(this.random);
    }
    const frameScale = Math.exp(this.logScale);
    this.frameScales.push(frameScale);
    const dense = boxSmooth(fillHoles(given.depth, width, height), width, height, this.o.smoothRadius);
    const shape = this.shapeField(width, height);
    const depth = new Float32Array(width * height);
    const scale = this.globalBias * frameScale;
    for (let i = 0; i < depth.length; i++) depth[i] = dense[i]! > 0 ? dense[i]! * scale * shape[i]! : 0;
    return { width, height, depth, intrinsics: this.intrinsics(given.intrinsics), source: 'model' };
  }

  /** The intrinsics the pipeline is told: focal lengths off by the sequence's factor, principal point kept. */
  intrinsics(k: Intrinsics): Intrinsics {
    return { fx: k.fx * this.focalFactor, fy: k.fy * this.focalFactor, cx: k.cx, cy: k.cy };
  }

  /** exp of a sum of low-frequency waves, scaled to the shape error's standard deviation. */
  private shapeField(width: number, height: number): Float32Array {
    const waves = Array.from({ length: SHAPE_WAVES }, () => ({
      fx: (0.5 + this.random()) * (this.random() < 0.5 ? -1 : 1),
      fy: 0.5 + this.random(),
      phase: 2 * Math.PI * this.random(),
    }));
    // A sum of n unit-amplitude cosines with random phases has standard deviation sqrt(n / 2).
    const amplitude = this.o.shapeErrorStd / Math.sqrt(SHAPE_WAVES / 2);
    const field = new Float32Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (const w of waves) sum += Math.cos(Math.PI * (w.fx * (x / width) + w.fy * (y / height)) + w.phase);
        field[y * width + x] = Math.exp(amplitude * sum);
      }
    return field;
  }
}

/** Holes (0) filled from the nearest valid depths along the row, then the column; a frame with none stays empty. */
function fillHoles(depth: Float32Array, width: number, height: number): Float32Array {
  const out = Float32Array.from(depth);
  const fillLine = (start: number, step: number, count: number) => {
    let last = -1;
    for (let i = 0; i < count; i++) {
      const at = start + i * step;
      if (out[at]! <= 0) continue;
      const value = out[at]!;
      // Pixels between the previous valid one and this: linear between the two; before the first: this one.
      for (let j = last + 1; j < i; j++) {
        const prev = last >= 0 ? out[start + last * step]! : value;
        out[start + j * step] = last >= 0 ? prev + ((value - prev) * (j - last)) / (i - last) : value;
      }
      last = i;
    }
    if (last >= 0) for (let j = last + 1; j < count; j++) out[start + j * step] = out[start + last * step]!;
  };
  for (let y = 0; y < height; y++) fillLine(y * width, 1, width);
  for (let x = 0; x < width; x++) fillLine(x, width, height);
  return out;
}

/** A (2r+1)² box filter over the valid pixels (separable, with running sums). */
function boxSmooth(depth: Float32Array, width: number, height: number, r: number): Float32Array {
  if (r <= 0) return depth;
  const pass = (src: Float32Array, horizontal: boolean) => {
    const dst = new Float32Array(src.length);
    const lines = horizontal ? height : width;
    const length = horizontal ? width : height;
    const index = (line: number, i: number) => (horizontal ? line * width + i : i * width + line);
    for (let line = 0; line < lines; line++) {
      let sum = 0;
      let n = 0;
      const add = (i: number, sign: number) => {
        if (i < 0 || i >= length) return;
        const v = src[index(line, i)]!;
        if (v > 0) {
          sum += sign * v;
          n += sign;
        }
      };
      for (let i = -r; i < r; i++) add(i, 1);
      for (let i = 0; i < length; i++) {
        add(i + r, 1);
        add(i - r - 1, -1);
        dst[index(line, i)] = src[index(line, i)]! > 0 && n > 0 ? sum / n : 0;
      }
    }
    return dst;
  };
  return pass(pass(depth, true), false);
}
