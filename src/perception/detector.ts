// The open-vocabulary 2D object detector: OWLv2 through transformers.js (AutoTokenizer + AutoProcessor +
// AutoModelForZeroShotObjectDetection, i.e. what its `zero-shot-object-detection` pipeline runs), with our own
// letterboxing, score threshold and per-label NMS. Plain module: runs in Node (tests, on the fixture) and in a
// Web Worker (workers/detector.worker.ts). transformers.js is configured by the caller with
// `configureTransformersEnv` (src/models/transformersEnv.ts), so model files come through our loader.
//
// Why not the pipeline itself:
// - OWLv2 was trained on images padded to a square (bottom/right, grey 0.5) and then resized; transformers.js
//   4.3.1's Owlv2ImageProcessor is the generic processor, which stretches any image to 960x960 instead. We pad
//   ourselves to the processor's square size, so the processor only rescales and normalises, and boxes come back
//   in the padded square, which maps to source pixels by one scale.
// - The pipeline does no NMS, re-tokenises the labels on every call and scores every (box, label) pair; OWL's own
//   post-processing (Python `post_process_object_detection`) keeps one label per box (the best), as we do by default.
import { AutoModelForZeroShotObjectDetection, AutoProcessor, AutoTokenizer, RawImage, type Tensor } from '@huggingface/transformers';
import type { RgbaImage } from '../geometry/types';
import { rgbaToRawImage } from '../frames/rawImage';
import { detectorPrompt } from './vocabulary';

/** A box in pixels of the input image (x right, y down; xmax/ymax exclusive edges, as floats). */
export interface PixelBox {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export interface Detection {
  /** The label as the caller gave it (not the prompt sent to the model). */
  label: string;
  /** 0..1 (sigmoid of the model's logit). */
  score: number;
  box: PixelBox;
}

export interface DetectOptions {
  /** Minimum score (default 0.2; the transformers.js pipeline defaults to 0.1, OWLv2 demos use 0.1–0.3). */
  threshold?: number;
  /** Per-label NMS: a box overlapping a better one of the same label by more than this IoU is dropped (default 0.3). */
  nmsIou?: number;
  /** At most this many detections, best first (default 100). */
  maxDetections?: number;
  /** Score every label on every box (the pipeline's behaviour) instead of the best label per box (default false). */
  multiLabel?: boolean;
  /** Text query per label (default `detectorPrompt`: "a photo of a <category phrase>"). */
  prompt?: (label: string) => string;
  /** Boxes narrower or lower than this many source pixels after clipping to the image are dropped (default 2). */
  minSidePx?: number;
}

export const DEFAULT_DETECT_OPTIONS: Required<Omit<DetectOptions, 'prompt'>> = {
  threshold: 0.2,
  nmsIou: 0.3,
  maxDetections: 100,
  multiLabel: false,
  minSidePx: 2,
};

/** OWLv2 pads with 0.5 (after rescaling to 0..1); 128 is the nearest 8-bit value. */
export const LETTERBOX_GREY = 128;

/** An image scaled into the model's square input, top-left, the rest padded grey. */
export interface Letterboxed {
  /** size x size RGBA. */
  image: RgbaImage;
  sourceWidth: number;
  sourceHeight: number;
}

/** Size of the scaled source inside the square (the longer side fills it). */
export function letterboxSize(width: number, height: number, size: number): { width: number; height: number } {
  const s = size / Math.max(width, height);
  return { width: Math.max(1, Math.min(size, Math.round(width * s))), height: Math.max(1, Math.min(size, Math.round(height * s))) };
}

/** Letterboxes an RGBA image (area-averaged resize) into a size x size square. */
export function letterboxRgba(img: RgbaImage, size: number): Letterboxed {
  const inner = letterboxSize(img.width, img.height, size);
  const rgb = rgbaToRawImage(img, inner.width, inner.height).data;
  const data = new Uint8ClampedArray(size * size * 4).fill(LETTERBOX_GREY);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  for (let y = 0; y < inner.height; y++) {
    for (let x = 0; x < inner.width; x++) {
      const s = (y * inner.width + x) * 3;
      const d = (y * size + x) * 4;
      data[d] = rgb[s]!;
      data[d + 1] = rgb[s + 1]!;
      data[d + 2] = rgb[s + 2]!;
    }
  }
  return { image: { width: size, height: size, data }, sourceWidth: img.width, sourceHeight: img.height };
}

export function boxArea(b: PixelBox): number {
  return Math.max(0, b.xmax - b.xmin) * Math.max(0, b.ymax - b.ymin);
}

export function boxIou(a: PixelBox, b: PixelBox): number {
  const w = Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin);
  const h = Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (boxArea(a) + boxArea(b) - inter);
}

/** Greedy NMS per label: best first, drop same-label boxes overlapping a kept one by more than `iou`. */
export function nonMaxSuppression(detections: Detection[], iou: number): Detection[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  const keptByLabel = new Map<string, Detection[]>();
  for (const d of sorted) {
    const same = keptByLabel.get(d.label) ?? [];
    if (same.some((k) => boxIou(k.box, d.box) > iou)) continue;
    same.push(d);
    keptByLabel.set(d.label, same);
    kept.push(d);
  }
  return kept;
}

/**
 * Turns OWL outputs for one image into detections in source pixels: `logits` [numBoxes, numLabels] (raw),
 * `boxes` [numBoxes, 4] (cx, cy, w, h in 0..1 of the padded square). Boxes are clipped to the source image.
 */
export function decodeDetections(
  logits: ArrayLike<number>,
  boxes: ArrayLike<number>,
  labels: readonly string[],
  source: { sourceWidth: number; sourceHeight: number },
  options: { threshold: number; multiLabel: boolean; minSidePx: number },
): Detection[] {
  const q = labels.length;
  const numBoxes = Math.floor(boxes.length / 4);
  if (q === 0 || logits.length !== numBoxes * q) {
    throw new Error(`detector output mismatch: ${logits.length} logits for ${numBoxes} boxes x ${q} labels`);
  }
  const minLogit = Math.log(options.threshold / (1 - options.threshold));
  const side = Math.max(source.sourceWidth, source.sourceHeight);
  const out: Detection[] = [];
  for (let n = 0; n < numBoxes; n++) {
    const row = n * q;
    let picks: number[];
    if (options.multiLabel) {
      picks = [];
      for (let k = 0; k < q; k++) if (logits[row + k]! > minLogit) picks.push(k);
    } else {
      let best = 0;
      for (let k = 1; k < q; k++) if (logits[row + k]! > logits[row + best]!) best = k;
      picks = logits[row + best]! > minLogit ? [best] : [];
    }
    if (picks.length === 0) continue;
    const cx = boxes[n * 4]!,
      cy = boxes[n * 4 + 1]!,
      w = boxes[n * 4 + 2]!,
      h = boxes[n * 4 + 3]!;
    const box = {
      xmin: Math.max(0, (cx - w / 2) * side),
      ymin: Math.max(0, (cy - h / 2) * side),
      xmax: Math.min(source.sourceWidth, (cx + w / 2) * side),
      ymax: Math.min(source.sourceHeight, (cy + h / 2) * side),
    };
    if (box.xmax - box.xmin < options.minSidePx || box.ymax - box.ymin < options.minSidePx) continue;
    for (const k of picks) out.push({ label: labels[k]!, score: 1 / (1 + Math.exp(-logits[row + k]!)), box: { ...box } });
  }
  return out;
}

export interface DetectorProgress {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
  progress?: number;
}

export interface DetectorLoadOptions {
  modelId: string;
  revision?: string;
  /** One dtype or the per-file map (`{ model: 'q4f16' }`); the manifest variant's `dtype`. */
  dtype: Record<string, string> | string;
  device: 'webgpu' | 'wasm' | 'cpu';
  onProgress?: (p: DetectorProgress) => void;
}

/** What the last `detect` did (diagnostics and tests). */
export interface DetectorRunInfo {
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
  /** Detections above the threshold before NMS. */
  candidates: number;
  numBoxes: number;
}

// The parts of transformers.js objects used here (its own types are loose in places).
type ClipTokenizer = (text: string[], options: object) => { input_ids: Tensor; attention_mask: Tensor };
interface OwlProcessor {
  (image: RawImage): Promise<{ pixel_values: Tensor }>;
  image_processor: { size?: { height?: number; width?: number; shortest_edge?: number } | number };
}
interface OwlModel {
  (inputs: Record<string, Tensor>): Promise<{ logits: Tensor; pred_boxes: Tensor }>;
  sessions: Record<string, { inputMetadata?: readonly { name: string; type?: string }[] }>;
  dispose(): Promise<unknown>;
}

/** The square input size the processor resizes to (960 for OWLv2 B/16, 768 for OWL-ViT). */
export function processorSquareSize(size: OwlProcessor['image_processor']['size']): number {
  if (typeof size === 'number') return size;
  if (size?.height && size.width && size.height === size.width) return size.height;
  throw new Error(`the detector's processor does not resize to a square (size ${JSON.stringify(size)})`);
}

export class ObjectDetector {
  private queue: Promise<unknown> = Promise.resolve();
  private text: { key: string; input_ids: Tensor; attention_mask: Tensor } | null = null;
  private readonly pixelsAsFloat16: boolean;
  lastRun: DetectorRunInfo | null = null;

  private constructor(
    private readonly tokenizer: ClipTokenizer,
    private readonly processor: OwlProcessor,
    private readonly model: OwlModel,
    /** Side of the model's square input (pixels). */
    readonly inputSize: number,
  ) {
    // q4f16 exports usually keep float32 inputs; feed float16 if this file's graph wants it.
    const meta = model.sessions.model?.inputMetadata?.find((m) => m.name === 'pixel_values');
    this.pixelsAsFloat16 = meta?.type === 'float16';
  }

  static async load(options: DetectorLoadOptions): Promise<ObjectDetector> {
    const progress_callback = options.onProgress ? (p: unknown) => options.onProgress?.(p as DetectorProgress) : undefined;
    const common = { revision: options.revision, progress_callback };
    const [tokenizer, processor, model] = await Promise.all([
      AutoTokenizer.from_pretrained(options.modelId, common),
      AutoProcessor.from_pretrained(options.modelId, common),
      AutoModelForZeroShotObjectDetection.from_pretrained(options.modelId, {
        ...common,
        dtype: options.dtype as never,
        device: options.device,
        session_options: { logSeverityLevel: 3 },
      }),
    ]);
    const proc = processor as unknown as OwlProcessor;
    return new ObjectDetector(tokenizer as unknown as ClipTokenizer, proc, model as unknown as OwlModel, processorSquareSize(proc.image_processor.size));
  }

  /** Detects `labels` in an RGBA image; boxes in its pixels. */
  detect(image: RgbaImage, labels: readonly string[], options: DetectOptions = {}): Promise<Detection[]> {
    return this.detectLetterboxed(letterboxRgba(image, this.inputSize), labels, options);
  }

  /** Detects in an image already letterboxed to `inputSize` (e.g. drawn by a canvas in a worker). */
  detectLetterboxed(input: Letterboxed, labels: readonly string[], options: DetectOptions = {}): Promise<Detection[]> {
    // One inference at a time: an ORT session must not run concurrently with itself.
    const run = this.queue.then(() => this.run(input, labels, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private textInputs(prompts: string[]): { input_ids: Tensor; attention_mask: Tensor } {
    const key = prompts.join('\n');
    if (this.text?.key !== key) {
      const { input_ids, attention_mask } = this.tokenizer(prompts, { padding: true, truncation: true });
      this.text = { key, input_ids, attention_mask };
    }
    return this.text;
  }

  private async run(input: Letterboxed, labels: readonly string[], options: DetectOptions): Promise<Detection[]> {
    const o = { ...DEFAULT_DETECT_OPTIONS, ...options };
    const unique = [...new Set(labels.map((l) => l.trim()).filter((l) => l.length > 0))];
    if (unique.length === 0) return [];
    if (input.image.width !== this.inputSize || input.image.height !== this.inputSize) {
      throw new Error(`letterboxed input is ${input.image.width}x${input.image.height}, the model takes ${this.inputSize}x${this.inputSize}`);
    }
    const t0 = performance.now();
    const prompt = options.prompt ?? detectorPrompt;
    const text = this.textInputs(unique.map(prompt));
    const raw = new RawImage(input.image.data, input.image.width, input.image.height, 4);
    let { pixel_values } = await this.processor(raw);
    if (this.pixelsAsFloat16) pixel_values = pixel_values.to('float16');
    const t1 = performance.now();
    const out = await this.model({ ...text, pixel_values });
    const t2 = performance.now();
    const logits = out.logits.type === 'float32' ? out.logits : out.logits.to('float32');
    const boxes = out.pred_boxes.type === 'float32' ? out.pred_boxes : out.pred_boxes.to('float32');
    const candidates = decodeDetections(logits.data as Float32Array, boxes.data as Float32Array, unique, input, o);
    const kept = nonMaxSuppression(candidates, o.nmsIou).slice(0, o.maxDetections);
    const t3 = performance.now();
    this.lastRun = {
      preprocessMs: t1 - t0,
      inferenceMs: t2 - t1,
      postprocessMs: t3 - t2,
      candidates: candidates.length,
      numBoxes: boxes.dims[1] ?? 0,
    };
    return kept;
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}
