// The VLM chat engine: loads Qwen3-VL (processor + model) through transformers.js and answers one request at a
// time, streaming text and stoppable. Plain module: runs in Node (tests, on the fixture) and in a Web Worker.
//
// Works around two defects of @huggingface/transformers 4.3.1 (pinned in package.json; re-check on upgrade):
// 1. `Qwen2VLProcessor._call` (src/models/qwen2_vl/processing_qwen2_vl.js) hands all images to the image processor
//    at once; `Qwen2VLImageProcessor._call` (src/models/qwen2_vl/image_processing_qwen2_vl.js) then treats the
//    batch as the temporal axis of ONE video (grid_t = N / temporal_patch_size) and returns a single grid row, so
//    two or more images throw when the prompt's second <|image_pad|> is expanded. We run the image processor once
//    per frame, concatenate pixel_values and image_grid_thw, and expand each <|image_pad|> ourselves
//    (t·h·w / merge² tokens each, exactly what the processor does for one image).
// 2. `Qwen2VLForConditionalGeneration._get_text_only_rope_index` (src/models/qwen2_vl/modeling_qwen2_vl.js) returns
//    rope deltas max(pos) + 1 + S where the Python reference has max(pos) + 1 - S, so every decode step of a
//    text-only prompt gets position past + 2S instead of past. `applyTextOnlyRopeFix` detects the defect on the
//    loaded model (it probes the method) and overrides it on that instance only.
import {
  AutoModelForImageTextToText,
  AutoProcessor,
  InterruptableStoppingCriteria,
  RawImage,
  Tensor,
  TextStreamer,
  cat,
  env,
} from '@huggingface/transformers';
import type { RgbaImage } from '../geometry/types';
import { buildMessages, type ChatMessage, type PromptOptions } from './prompt';
import type { VlmRequest } from './types';

export type VlmDevice = 'webgpu' | 'wasm' | 'cpu';

export interface TransformersEnvOptions {
  /** Folder (Node) or URL path (browser) holding `<repo>/<file>`; enables local models when set. */
  localModelPath?: string;
  /** Base URL of a hub mirror, e.g. `https://huggingface.co/`. */
  remoteHost?: string;
  /** e.g. `{model}/resolve/{revision}/`. */
  remotePathTemplate?: string;
  allowRemote: boolean;
  /** Whether transformers.js may read `localModelPath` (default: when it is given). */
  allowLocal?: boolean;
  /** Replaces the fetch transformers.js uses (checksums, offline routing, progress). */
  fetch?: typeof fetch;
  /** Where the ORT wasm files are served (must be the ORT build transformers.js depends on). */
  wasmPaths?: string | Record<string, string>;
  useBrowserCache?: boolean;
  numThreads?: number;
}

/** Configures transformers.js' global `env` before loading. Separate from loading so the caller owns it. */
export function configureTransformersEnv(options: TransformersEnvOptions): void {
  env.allowRemoteModels = options.allowRemote;
  if (options.localModelPath !== undefined) env.localModelPath = options.localModelPath;
  env.allowLocalModels = options.allowLocal ?? options.localModelPath !== undefined;
  if (options.remoteHost !== undefined) env.remoteHost = options.remoteHost;
  if (options.remotePathTemplate !== undefined) env.remotePathTemplate = options.remotePathTemplate;
  if (options.fetch !== undefined) env.fetch = options.fetch;
  if (options.useBrowserCache !== undefined) env.useBrowserCache = options.useBrowserCache;
  // Mutate the wasm settings in place: transformers.js keeps a reference to this object.
  const wasm = env.backends.onnx.wasm as { wasmPaths?: unknown; numThreads?: number } | undefined;
  if (wasm) {
    if (options.wasmPaths !== undefined) wasm.wasmPaths = options.wasmPaths;
    if (options.numThreads !== undefined) wasm.numThreads = options.numThreads;
  }
}

export interface VlmProgress {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
  progress?: number;
}

export interface VlmLoadOptions {
  modelId: string;
  /** Per-file dtype map (`embed_tokens`, `vision_encoder`, `decoder_model_merged`) or one dtype. */
  dtype: Record<string, string> | string;
  device: VlmDevice;
  revision?: string;
  onProgress?: (p: VlmProgress) => void;
  /** Per-file external-data flags/chunk counts, when the hub's config does not declare them. */
  useExternalDataFormat?: Record<string, boolean | number>;
}

export interface VlmGenerateOptions extends PromptOptions {
  onToken?: (textChunk: string) => void;
  signal?: AbortSignal;
  /** Largest pixel count a frame is resized to (before patching); capped by the processor's own max. */
  maxPixelsPerFrame?: number;
  /** Default 256 (the request's `maxNewTokens` wins). */
  maxNewTokens?: number;
  /** 1 = none. Greedy decoding either way. */
  repetitionPenalty?: number;
}

export interface VlmReply {
  text: string;
  /** Generated tokens (including the closing EOS when the model produced one). */
  tokens: number;
  /** True when the abort signal stopped the generation. */
  stopped: boolean;
  promptTokens: number;
  imageTokens: number;
  frames: number;
}

// The parts of transformers.js objects this module uses (its own types are loose `any`s in places).
interface QwenImageProcessor {
  (image: RawImage): Promise<{ pixel_values: Tensor; image_grid_thw: Tensor }>;
  config: { patch_size: number; merge_size: number; temporal_patch_size: number };
  min_pixels?: number;
  max_pixels?: number;
}
interface Tokenizer {
  (text: string | string[], options?: object): { input_ids: Tensor; attention_mask: Tensor };
  decode(ids: bigint[] | number[], options?: { skip_special_tokens?: boolean }): string;
}
interface QwenProcessor {
  tokenizer: Tokenizer;
  image_processor: QwenImageProcessor;
  apply_chat_template(messages: ChatMessage[], options: object): string;
}
type RopeIndexFn = (input_ids: Tensor, attention_mask: Tensor | null) => [Tensor, Tensor];
interface QwenModel {
  generate(options: object): Promise<Tensor | { sequences: Tensor }>;
  dispose(): Promise<unknown>;
  _get_text_only_rope_index: RopeIndexFn;
}

const IMAGE_PAD = '<|image_pad|>';

/** RGBA (4 bytes a pixel) to a 3-channel transformers.js RawImage, resized (area average) when asked. */
export function rgbaToRawImage(img: RgbaImage, width = img.width, height = img.height): RawImage {
  const rgb = width === img.width && height === img.height ? dropAlpha(img) : resizeToRgb(img, width, height);
  return new RawImage(rgb, width, height, 3);
}

function dropAlpha(img: RgbaImage): Uint8ClampedArray {
  const n = img.width * img.height;
  const out = new Uint8ClampedArray(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = img.data[i * 4]!;
    out[i * 3 + 1] = img.data[i * 4 + 1]!;
    out[i * 3 + 2] = img.data[i * 4 + 2]!;
  }
  return out;
}

/** Box-filter weights mapping `src` samples to `dst` (exact area coverage; nearest-like when upsampling). */
function boxWeights(src: number, dst: number): { start: number; w: number[] }[] {
  const scale = src / dst;
  const out: { start: number; w: number[] }[] = [];
  for (let d = 0; d < dst; d++) {
    const a = d * scale;
    const b = Math.min(src, (d + 1) * scale);
    const start = Math.min(src - 1, Math.floor(a));
    const w: number[] = [];
    for (let s = start; s < Math.max(start + 1, Math.ceil(b)); s++) {
      w.push(Math.max(0, Math.min(b, s + 1) - Math.max(a, s)) || (b <= a ? 1 : 0));
    }
    const sum = w.reduce((x, y) => x + y, 0) || 1;
    out.push({ start, w: w.map((x) => x / sum) });
  }
  return out;
}

// Our own resize (not RawImage.resize): the same result in Node (sharp) and in a worker (OffscreenCanvas).
function resizeToRgb(img: RgbaImage, width: number, height: number): Uint8ClampedArray {
  const wx = boxWeights(img.width, width);
  const wy = boxWeights(img.height, height);
  const tmp = new Float32Array(img.height * width * 3);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < width; x++) {
      const { start, w } = wx[x]!;
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < w.length; k++) {
        const i = (y * img.width + start + k) * 4;
        r += img.data[i]! * w[k]!;
        g += img.data[i + 1]! * w[k]!;
        b += img.data[i + 2]! * w[k]!;
      }
      const o = (y * width + x) * 3;
      tmp[o] = r; tmp[o + 1] = g; tmp[o + 2] = b;
    }
  }
  const out = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    const { start, w } = wy[y]!;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let k = 0; k < w.length; k++) v += tmp[((start + k) * width + x) * 3 + c]! * w[k]!;
        out[(y * width + x) * 3 + c] = Math.round(v);
      }
    }
  }
  return out;
}

/** Qwen's smart_resize: sides multiples of `factor`, area within [minPixels, maxPixels], aspect kept. */
export function qwenTargetSize(
  width: number,
  height: number,
  factor: number,
  minPixels: number,
  maxPixels: number,
): { width: number; height: number } {
  let h = height, w = width;
  if (h < factor || w < factor) {
    const s = Math.max(factor / h, factor / w);
    h = Math.round(h * s);
    w = Math.round(w * s);
  }
  let hb = Math.max(factor, Math.round(h / factor) * factor);
  let wb = Math.max(factor, Math.round(w / factor) * factor);
  if (hb * wb > maxPixels) {
    const beta = Math.sqrt((h * w) / maxPixels);
    hb = Math.max(factor, Math.floor(h / beta / factor) * factor);
    wb = Math.max(factor, Math.floor(w / beta / factor) * factor);
  } else if (hb * wb < minPixels) {
    const beta = Math.sqrt(minPixels / (h * w));
    hb = Math.ceil((h * beta) / factor) * factor;
    wb = Math.ceil((w * beta) / factor) * factor;
  }
  return { width: wb, height: hb };
}

/**
 * Corrected text-only M-RoPE index (Python reference: positions = cumsum(mask) - 1, masked to 1;
 * delta = max(position) + 1 - S), used instead of transformers.js 4.3.1's version (see the header).
 */
export function textOnlyRopeIndex(input_ids: Tensor, attention_mask: Tensor | null): [Tensor, Tensor] {
  const [batch, seq] = input_ids.dims as [number, number];
  const pos = new BigInt64Array(batch * seq);
  const deltas = new BigInt64Array(batch);
  for (let b = 0; b < batch; b++) {
    let sum = 0n;
    let max = -1n;
    for (let j = 0; j < seq; j++) {
      const m = attention_mask ? BigInt((attention_mask.data as BigInt64Array)[b * seq + j]!) : 1n;
      const p = m === 0n ? 1n : sum;
      if (m !== 0n) sum += m;
      pos[b * seq + j] = p;
      if (p > max) max = p;
    }
    deltas[b] = max + 1n - BigInt(seq);
  }
  const pos3 = new BigInt64Array(3 * batch * seq);
  for (let a = 0; a < 3; a++) pos3.set(pos, a * batch * seq);
  return [new Tensor('int64', pos3, [3, batch, seq]), new Tensor('int64', deltas, [batch, 1])];
}

/** True when the model's text-only rope deltas disagree with the reference (the 4.3.1 defect). */
export function textOnlyRopeIsBuggy(model: { _get_text_only_rope_index: RopeIndexFn }): boolean {
  const ids = new Tensor('int64', new BigInt64Array([1n, 2n, 3n]), [1, 3]);
  const mask = new Tensor('int64', new BigInt64Array([1n, 1n, 1n]), [1, 3]);
  const [, deltas] = model._get_text_only_rope_index(ids, mask);
  return (deltas.data as BigInt64Array)[0] !== 0n;
}

/** Overrides the defective method on this model instance only; returns whether it did. */
export function applyTextOnlyRopeFix(model: { _get_text_only_rope_index: RopeIndexFn }): boolean {
  if (!textOnlyRopeIsBuggy(model)) return false;
  model._get_text_only_rope_index = textOnlyRopeIndex;
  return true;
}

export class VlmChat {
  private busy = false;

  private constructor(
    readonly processor: QwenProcessor,
    readonly model: QwenModel,
    /** Whether the text-only position fix was needed and applied. */
    readonly ropeFixApplied: boolean,
  ) {}

  static async load(options: VlmLoadOptions): Promise<VlmChat> {
    const progress_callback = options.onProgress
      ? (p: unknown) => options.onProgress?.(p as VlmProgress)
      : undefined;
    const common = { revision: options.revision, progress_callback };
    const processor = (await AutoProcessor.from_pretrained(options.modelId, common)) as unknown as QwenProcessor;
    const model = (await AutoModelForImageTextToText.from_pretrained(options.modelId, {
      ...common,
      dtype: options.dtype as never,
      device: options.device,
      // ORT's native logger prints warnings as console errors: keep errors only.
      session_options: { logSeverityLevel: 3 },
      ...(options.useExternalDataFormat ? { use_external_data_format: options.useExternalDataFormat } : {}),
    })) as unknown as QwenModel;
    const fixed = applyTextOnlyRopeFix(model);
    return new VlmChat(processor, model, fixed);
  }

  /** Builds the model inputs for a request (exposed for tests and diagnostics). */
  async prepare(request: VlmRequest, options: VlmGenerateOptions = {}) {
    const { messages, frames } = buildMessages(request, options);
    const text = this.processor.apply_chat_template(messages, { add_generation_prompt: true, tokenize: false });
    const ip = this.processor.image_processor;
    const factor = ip.config.patch_size * ip.config.merge_size;
    const procMax = ip.max_pixels ?? Infinity;
    const maxPixels = Math.min(procMax, options.maxPixelsPerFrame ?? procMax);
    const minPixels = Math.min(ip.min_pixels ?? factor * factor, maxPixels);
    const pixelValues: Tensor[] = [];
    const grids: Tensor[] = [];
    const tokensPerImage: number[] = [];
    for (const frame of frames) {
      options.signal?.throwIfAborted();
      // Resize ourselves to a size the processor keeps as is (multiples of patch·merge within its bounds).
      const size = qwenTargetSize(frame.image.width, frame.image.height, factor, minPixels, maxPixels);
      const out = await ip(rgbaToRawImage(frame.image, size.width, size.height));
      pixelValues.push(out.pixel_values);
      grids.push(out.image_grid_thw);
      const [t, h, w] = Array.from(out.image_grid_thw.data as BigInt64Array, Number) as [number, number, number];
      tokensPerImage.push((t * h * w) / ip.config.merge_size ** 2);
    }
    const pads = text.split(IMAGE_PAD).length - 1;
    if (pads !== frames.length) throw new Error(`prompt has ${pads} image pads for ${frames.length} frames`);
    let i = 0;
    const expanded = text.replaceAll(IMAGE_PAD, () => IMAGE_PAD.repeat(tokensPerImage[i++]!));
    const { input_ids, attention_mask } = this.processor.tokenizer(expanded);
    const vision =
      frames.length > 0 ? { pixel_values: cat(pixelValues, 0), image_grid_thw: cat(grids, 0) } : {};
    return {
      text,
      inputs: { input_ids, attention_mask, ...vision },
      frames: frames.length,
      imageTokens: tokensPerImage.reduce((a, b) => a + b, 0),
    };
  }

  async generate(request: VlmRequest, options: VlmGenerateOptions = {}): Promise<VlmReply> {
    if (this.busy) throw new Error('VlmChat is already generating');
    this.busy = true;
    const { signal } = options;
    const criteria = new InterruptableStoppingCriteria();
    const onAbort = () => criteria.interrupt();
    try {
      if (signal?.aborted) return { text: '', tokens: 0, stopped: true, promptTokens: 0, imageTokens: 0, frames: 0 };
      let prepared;
      try {
        prepared = await this.prepare(request, options);
      } catch (e) {
        if (signal?.aborted) {
          return { text: '', tokens: 0, stopped: true, promptTokens: 0, imageTokens: 0, frames: 0 };
        }
        throw e;
      }
      const { inputs } = prepared;
      const promptTokens = inputs.input_ids.dims[1] ?? 0;
      let streamed = '';
      const streamer = new TextStreamer(this.processor.tokenizer as never, {
        skip_prompt: true,
        skip_special_tokens: true,
        callback_function: (chunk: string) => {
          if (!chunk) return;
          streamed += chunk;
          options.onToken?.(chunk);
        },
      });
      signal?.addEventListener('abort', onAbort);
      const output = await this.model.generate({
        ...inputs,
        max_new_tokens: request.maxNewTokens ?? options.maxNewTokens ?? 256,
        do_sample: false,
        repetition_penalty: options.repetitionPenalty ?? 1.0,
        streamer,
        stopping_criteria: [criteria],
      });
      const sequences = output instanceof Tensor ? output : output.sequences;
      const all = Array.from(sequences.data as BigInt64Array);
      const generated = all.slice(promptTokens);
      const text = this.processor.tokenizer.decode(generated, { skip_special_tokens: true });
      // The streamer flushes its tail at the end; its concatenation should be the decoded text.
      if (streamed !== text && text.startsWith(streamed)) options.onToken?.(text.slice(streamed.length));
      return {
        text,
        tokens: generated.length,
        stopped: criteria.interrupted,
        promptTokens,
        imageTokens: prepared.imageTokens,
        frames: prepared.frames,
      };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.busy = false;
    }
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}
