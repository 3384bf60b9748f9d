// The VLM chat engine: loads a vision-language model (processor + model) through transformers.js and answers one
// request at a time, streaming text and stoppable. What differs between architectures (inputs from the templated
// text and the frames, workarounds on the loaded model) is a family (src/vlm/families/): Qwen3-VL for the quality
// tier, SmolVLM (Idefics3) for the light tier; the family is picked from the model's `config.model_type`.
// The language model runs through src/vlm/lmRunner.ts (chunked prefill, bounded logits). Work is kept between
// questions: each frame's vision features (a frame's features depend only on the frame; `encodeFrames` computes
// them ahead, e.g. while the user looks at the map), and the KV cache of the prompt up to the end of the frames
// (the prompt puts them first: src/vlm/prompt.ts), so a second question on the same frames reads only its own text.
// Plain module: runs in Node (tests, on the fixtures) and in a Web Worker.
import { AutoConfig, AutoModelForImageTextToText, AutoProcessor, cat, type Tensor, TextStreamer } from '@huggingface/transformers';
import { externalDataChunks } from '../models/manifest';
import type { RoutedModel } from '../models/transformersSource';
import type { LoadedVlm, VlmFamily, VlmProcessor } from './families/family';
import type { FrameCosts } from './frameBudget';
import { idefics3Family } from './families/idefics3';
import { qwen3vlFamily } from './families/qwen3vl';
import { decode, KvCache, type LmPrompt, type LmSessions, NonFiniteLogitsError, prefill, prefillChunkTokens } from './lmRunner';
import { buildMessages, type PromptOptions } from './prompt';
import type { RgbaImage } from '../geometry/types';
import type { VlmFrame, VlmRequest, VlmStepProgress } from './types';

export type { VlmStepProgress };

/** The architectures the engine drives. */
export const VLM_FAMILIES: readonly VlmFamily[] = [qwen3vlFamily, idefics3Family];

/** The family for a model's `config.model_type`; throws a clear error for an architecture the engine does not drive. */
export function familyFor(modelType: string): VlmFamily {
  const family = VLM_FAMILIES.find((f) => f.modelTypes.includes(modelType));
  if (!family) {
    const known = VLM_FAMILIES.map((f) => f.name).join(', ');
    throw new Error(`The chat engine cannot drive a "${modelType}" model (it drives ${known}).`);
  }
  return family;
}

export type VlmDevice = 'webgpu' | 'wasm' | 'cpu';

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
  /** Largest KV cache kept for the frames' prefix between questions (it doubles the frames' KV while answering). */
  prefixCacheBytes?: number;
  /** Largest total of vision features kept between questions. */
  featureCacheBytes?: number;
}

const DEFAULT_PREFIX_CACHE_BYTES = 512e6;
const DEFAULT_FEATURE_CACHE_BYTES = 128e6;

export interface VlmGenerateOptions extends PromptOptions {
  onToken?: (textChunk: string) => void;
  signal?: AbortSignal;
  /** Largest pixel count a frame is resized to (before patching); capped by the processor's own max. */
  maxPixelsPerFrame?: number;
  /** Default 256 (the request's `maxNewTokens` wins). */
  maxNewTokens?: number;
  /** 1 = none. Greedy decoding either way. */
  repetitionPenalty?: number;
  /** False: generate exactly the token limit (benchmarks of random-weight stand-ins, which end at random). */
  stopAtEos?: boolean;
  /** Frames per vision-encoder call (default: the family's). */
  visionFramesPerCall?: number;
  /** Prompt tokens per decoder call (default: what keeps one call's logits within the budget). */
  prefillChunkTokens?: number;
  /** Where a long question is: frames encoded, then prompt tokens read. */
  onProgress?: (p: VlmStepProgress) => void;
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
  /** Prompt tokens whose KV cache came from an earlier question (the frames' prefix). */
  reusedTokens: number;
  /** Frames whose vision features were already encoded. */
  reusedFrames: number;
  /** Prompt tokens of the frames (the rest is text and the plan image). */
  frameTokens: number;
  /** Prompt tokens run through the language model for this answer (not reused), and how long that took. */
  prefillTokens: number;
  prefillMs: number;
}

/**
 * What identifies a frame's vision features: its pixels (FNV-1a over every byte, ~1 ms for a 448 px frame; frame
 * numbers alone repeat from one capture to the next) and the pixel budget it was resized to.
 */
export function frameKey(frame: VlmFrame, maxPixelsPerFrame: number | undefined): string {
  return imageKey(frame.image, maxPixelsPerFrame);
}

/** frameKey for any image (the plan too: the same plan is encoded once, a changed map makes a new one). */
export function imageKey(image: RgbaImage, maxPixelsPerFrame: number | undefined): string {
  const { width, height, data } = image;
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  return `${width}x${height}:${(h >>> 0).toString(16)}:${maxPixelsPerFrame ?? 'max'}`;
}

/** Index just past the `count`-th image token of `ids` (0 when count is 0). */
function afterImageTokens(ids: BigInt64Array, imageTokenId: number, count: number): number {
  if (count === 0) return 0;
  const id = BigInt(imageTokenId);
  let seen = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] === id && ++seen === count) return i + 1;
  throw new Error(`the prompt has fewer than ${count} image tokens`);
}

function samePrefix(a: BigInt64Array, b: BigInt64Array, length: number): boolean {
  if (a.length < length || b.length < length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface VlmModel {
  config: { model_type: string };
  dispose(): Promise<unknown>;
}

export class VlmChat {
  private busy = false;
  /** One model call sequence at a time: a question waits for a background encode step, never the other way. */
  private turn: Promise<unknown> = Promise.resolve();
  /** Vision features by frameKey, oldest first (evicted first). */
  private readonly features = new Map<string, Tensor>();
  private featureBytes = 0;
  /** The KV cache of the last prompt up to the end of its frames, with what it was computed from. */
  private prefix: { frames: string; ids: BigInt64Array; cache: KvCache } | null = null;
  /** frameCosts by frame size. */
  private readonly frameCostsBySize = new Map<string, Promise<FrameCosts>>();

  private constructor(
    readonly processor: VlmProcessor,
    readonly model: VlmModel,
    readonly family: VlmFamily,
    /** Workarounds for defects of the pinned transformers.js that the loaded model needed (see the family). */
    readonly patches: string[],
    private readonly limits: { prefixCacheBytes: number; featureCacheBytes: number },
  ) {}

  static async load(options: VlmLoadOptions): Promise<VlmChat> {
    const progress_callback = options.onProgress ? (p: unknown) => options.onProgress?.(p as VlmProgress) : undefined;
    const common = { revision: options.revision, progress_callback };
    // The config first: its model_type picks the family, which may load the processor its own way.
    const config = (await AutoConfig.from_pretrained(options.modelId, common)) as unknown as { model_type: string };
    const family = familyFor(config.model_type);
    const processor = family.loadProcessor
      ? await family.loadProcessor(options.modelId, common)
      : ((await AutoProcessor.from_pretrained(options.modelId, common)) as unknown as VlmProcessor);
    const model = (await AutoModelForImageTextToText.from_pretrained(options.modelId, {
      ...common,
      dtype: options.dtype as never,
      device: options.device,
      // ORT's native logger prints warnings as console errors: keep errors only.
      session_options: { logSeverityLevel: 3 },
      ...(options.useExternalDataFormat ? { use_external_data_format: options.useExternalDataFormat } : {}),
    })) as unknown as VlmModel;
    family.prepareProcessor?.(processor);
    return new VlmChat(processor, model, family, family.patchModel?.(model) ?? [], {
      prefixCacheBytes: options.prefixCacheBytes ?? DEFAULT_PREFIX_CACHE_BYTES,
      featureCacheBytes: options.featureCacheBytes ?? DEFAULT_FEATURE_CACHE_BYTES,
    });
  }

  /** Loads the model a worker routed to (routeTransformersToModel): its repo, revision, variant and backend. */
  static loadRouted(route: RoutedModel): Promise<VlmChat> {
    return VlmChat.load({
      modelId: route.manifest.repo,
      revision: route.manifest.revision,
      dtype: route.variant.dtype ?? 'fp32',
      device: route.backend.kind,
      useExternalDataFormat: externalDataChunks(route.variant.files),
    });
  }

  /** Builds the model inputs for a request (exposed for tests and diagnostics). */
  async prepare(request: VlmRequest, options: VlmGenerateOptions = {}) {
    const { messages, frames, plan } = buildMessages(request, options);
    const templated = this.family.templateMessages?.(messages) ?? messages;
    const text = this.processor.apply_chat_template(templated, { add_generation_prompt: true, tokenize: false });
    // Images in prompt order: the frames, then the plan.
    const images = [...frames.map((f) => f.image), ...(plan ? [plan] : [])];
    const { inputs, tokensPerImage } = await this.family.prepareInputs(this.processor, text, images, {
      maxPixelsPerFrame: options.maxPixelsPerFrame,
      signal: options.signal,
    });
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return { text, inputs, frames, images, tokensPerImage, imageTokens: sum(tokensPerImage), frameTokens: sum(tokensPerImage.slice(0, frames.length)) };
  }

  async generate(request: VlmRequest, options: VlmGenerateOptions = {}): Promise<VlmReply> {
    if (this.busy) throw new Error('VlmChat is already generating');
    this.busy = true;
    try {
      return await this.inTurn(() => this.answer(request, options));
    } finally {
      this.busy = false;
    }
  }

  private async answer(request: VlmRequest, options: VlmGenerateOptions): Promise<VlmReply> {
    const { signal } = options;
    const none = (): VlmReply => ({
      text: '',
      tokens: 0,
      stopped: true,
      promptTokens: 0,
      imageTokens: 0,
      frames: 0,
      reusedTokens: 0,
      reusedFrames: 0,
      frameTokens: 0,
      prefillTokens: 0,
      prefillMs: 0,
    });
    let cache: KvCache | null = null;
    try {
      if (signal?.aborted) return none();
      const prepared = await this.prepare(request, options);
      const { inputs } = prepared;
      const model = this.model as unknown as LoadedVlm;
      const keys = prepared.images.map((image) => imageKey(image, options.maxPixelsPerFrame));
      const known = keys.map((k) => this.features.get(k));
      const perImage = await this.family.encodeImages(model, inputs, {
        framesPerCall: options.visionFramesPerCall ?? this.family.visionFramesPerCall,
        known,
        signal,
        onFrames: (done, total) => options.onProgress?.({ phase: 'frames', done, total }),
      });
      perImage.forEach((t, i) => this.remember(keys[i]!, t));
      const features = perImage.length === 0 ? null : perImage.length === 1 ? perImage[0]! : cat(perImage, 0);
      const prompt = this.family.lmPrompt(model, inputs, features);
      const sessions = this.lmSessions();
      const frameKeys = keys.slice(0, prepared.frames.length).join('|');
      const prefillStart = performance.now();
      const start = await this.framesPrefix(sessions, prompt, frameKeys, afterImageTokens(prompt.ids, prompt.imageTokenId, prepared.frameTokens), options);
      const filled = await prefill(sessions, prompt, start.cache, {
        chunkTokens: options.prefillChunkTokens ?? this.prefillChunkTokens(),
        signal,
        onProgress: ({ done, total }) => options.onProgress?.({ phase: 'prompt', done, total }),
      });
      cache = filled.cache;
      if (start.cache !== this.prefix?.cache && start.cache !== cache) start.cache.dispose();
      if (!filled.logits) throw new Error('the prompt is empty');
      const prefillMs = performance.now() - prefillStart;
      // Streaming through transformers.js' TextStreamer: it decodes whole words and flushes the tail at the end.
      let streamed = '';
      const streamer = new TextStreamer(this.processor.tokenizer as never, {
        skip_special_tokens: true,
        callback_function: (chunk: string) => {
          if (!chunk) return;
          streamed += chunk;
          options.onToken?.(chunk);
        },
      });
      const { ids, stopped } = await decode(sessions, prompt, cache, filled.logits, {
        maxNewTokens: request.maxNewTokens ?? options.maxNewTokens ?? 256,
        eosIds: options.stopAtEos === false ? [] : this.eosIds(),
        repetitionPenalty: options.repetitionPenalty,
        signal,
        onToken: (id) => streamer.put([[BigInt(id)]]),
      });
      streamer.end();
      const text = this.processor.tokenizer.decode(ids, { skip_special_tokens: true });
      if (streamed !== text && text.startsWith(streamed)) options.onToken?.(text.slice(streamed.length));
      return {
        text,
        tokens: ids.length,
        stopped,
        promptTokens: prompt.ids.length,
        imageTokens: prepared.imageTokens,
        frames: prepared.frames.length,
        reusedTokens: start.reused,
        reusedFrames: known.slice(0, prepared.frames.length).filter(Boolean).length,
        frameTokens: prepared.frameTokens,
        prefillTokens: prompt.ids.length - start.reused,
        prefillMs,
      };
    } catch (e) {
      if (signal?.aborted && !(e instanceof NonFiniteLogitsError)) return none();
      throw e;
    } finally {
      if (cache !== this.prefix?.cache) cache?.dispose();
    }
  }

  /**
   * The cache to continue from: the kept frames' prefix when this prompt starts with the same tokens and frames;
   * else the prefix is computed now and kept (when its KV cache fits the budget), or the prompt starts empty.
   */
  private async framesPrefix(
    sessions: LmSessions,
    prompt: LmPrompt,
    frames: string,
    end: number,
    options: VlmGenerateOptions,
  ): Promise<{ cache: KvCache; reused: number }> {
    const kept = this.prefix;
    if (kept && end > 0 && kept.frames === frames && kept.ids.length === end && samePrefix(kept.ids, prompt.ids, end))
      return { cache: kept.cache, reused: end };
    this.forgetPrefix();
    const empty = KvCache.empty(sessions.decoder);
    if (end === 0 || end * KvCache.bytesPerToken(sessions.decoder) > this.limits.prefixCacheBytes) return { cache: empty, reused: 0 };
    const { cache } = await prefill(sessions, prompt, empty, {
      chunkTokens: options.prefillChunkTokens ?? this.prefillChunkTokens(),
      stopAt: end,
      signal: options.signal,
      onProgress: ({ done }) => options.onProgress?.({ phase: 'prompt', done, total: prompt.ids.length }),
    });
    if (cache !== empty) empty.dispose();
    this.prefix = { frames, ids: prompt.ids.slice(0, end), cache };
    return { cache, reused: 0 };
  }

  /**
   * Encodes frames' vision features ahead of a question (one frame per model turn, so a question never waits for
   * more than one), keeping those the next question will use. Returns how many were encoded now.
   */
  async encodeFrames(frames: readonly VlmFrame[], options: { maxPixelsPerFrame?: number; signal?: AbortSignal } = {}): Promise<number> {
    let encoded = 0;
    for (const frame of frames) {
      if (options.signal?.aborted) break;
      const key = frameKey(frame, options.maxPixelsPerFrame);
      if (this.features.has(key)) continue;
      await this.inTurn(async () => {
        const { inputs } = await this.prepare({ history: [], question: '', spatialContext: '', frames: [frame] }, { ...options, maxFrames: 1 });
        const [features] = await this.family.encodeImages(this.model as unknown as LoadedVlm, inputs, { framesPerCall: 1, signal: options.signal });
        if (features) this.remember(key, features);
      });
      encoded++;
    }
    return encoded;
  }

  /** Keeps only the features of these frames (the sampling the next question will use). */
  retainFrames(frames: readonly VlmFrame[], maxPixelsPerFrame?: number): void {
    const keep = new Set(frames.map((f) => frameKey(f, maxPixelsPerFrame)));
    for (const key of [...this.features.keys()]) if (!keep.has(key)) this.drop(key);
  }

  /** Forgets every frame's features and the frames' prefix (a new capture: frame numbers start again). */
  forgetFrames(): void {
    for (const key of [...this.features.keys()]) this.drop(key);
    this.forgetPrefix();
  }

  /**
   * What a frame costs this model, for the frame budget (src/vlm/frameBudget.ts): the prompt tokens `frame` takes
   * (the processor only, no model run), the KV cache bytes per token and KV tensors (the decoder's own inputs), and
   * the bytes of its kept features per token.
   */
  async frameCosts(frame: VlmFrame, maxPixelsPerFrame?: number): Promise<FrameCosts> {
    // A frame's token count depends only on its size: the processor runs once per size, not at every question.
    const key = `${frame.image.width}x${frame.image.height}/${maxPixelsPerFrame ?? ''}`;
    let costs = this.frameCostsBySize.get(key);
    if (!costs) {
      costs = this.measureFrameCosts(frame, maxPixelsPerFrame);
      this.frameCostsBySize.set(key, costs);
      costs.catch(() => this.frameCostsBySize.delete(key));
    }
    return costs;
  }

  private async measureFrameCosts(frame: VlmFrame, maxPixelsPerFrame?: number): Promise<FrameCosts> {
    const { tokensPerImage } = await this.prepare({ history: [], question: '', spatialContext: '', frames: [frame] }, { maxPixelsPerFrame, maxFrames: 1 });
    const { decoder } = this.lmSessions();
    const config = this.model.config as { text_config?: { hidden_size?: number; vocab_size?: number }; hidden_size?: number; vocab_size?: number };
    const hidden = config.text_config?.hidden_size ?? config.hidden_size ?? 0;
    const vocab = config.text_config?.vocab_size ?? config.vocab_size ?? 0;
    return {
      tokensPerFrame: tokensPerImage[0] ?? 0,
      kvBytesPerToken: KvCache.bytesPerToken(decoder),
      kvTensors: decoder.inputNames.filter((n) => n.startsWith('past_key_values.')).length,
      featureBytesPerToken: hidden * 4,
      headBytes: vocab * hidden * 4,
    };
  }

  /** The frames' KV cache is kept between questions up to this size (the frame budget's prompt). */
  limitPrefixCache(bytes: number): void {
    this.limits.prefixCacheBytes = bytes;
    const kept = this.prefix;
    if (kept && kept.ids.length * KvCache.bytesPerToken(this.lmSessions().decoder) > bytes) this.forgetPrefix();
  }

  /** Frames whose features are kept. */
  get encodedFrames(): number {
    return this.features.size;
  }

  private remember(key: string, features: Tensor): void {
    if (this.features.has(key)) return;
    const bytes = features.size * 4;
    this.features.set(key, features);
    this.featureBytes += bytes;
    for (const old of this.features.keys()) {
      if (this.featureBytes <= this.limits.featureCacheBytes || old === key) break;
      this.drop(old);
    }
  }

  private drop(key: string): void {
    const t = this.features.get(key);
    if (!t) return;
    this.features.delete(key);
    this.featureBytes -= t.size * 4;
  }

  private forgetPrefix(): void {
    this.prefix?.cache.dispose();
    this.prefix = null;
  }

  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(fn, fn);
    this.turn = run.catch(() => {});
    return run;
  }

  /** The language model's sessions (token embeddings and the KV-cached decoder). */
  private lmSessions(): LmSessions {
    const { sessions } = this.model as unknown as LoadedVlm;
    const embed = sessions.embed_tokens;
    const decoder = sessions.decoder_model_merged;
    if (!embed || !decoder) throw new Error('the model has no embed_tokens / decoder_model_merged sessions');
    return { embed, decoder };
  }

  /** Prompt tokens per decoder call: one call's logits within LOGITS_BUDGET_BYTES. */
  private prefillChunkTokens(): number {
    const { decoder } = this.lmSessions();
    const meta = (decoder as { outputMetadata?: readonly { name: string; type?: string; shape?: readonly (number | string)[] }[] }).outputMetadata?.find(
      (m) => m.name === 'logits',
    );
    const config = this.model.config as { text_config?: { vocab_size?: number }; vocab_size?: number };
    const fromGraph = meta?.shape?.at(-1);
    const vocab = typeof fromGraph === 'number' ? fromGraph : (config.text_config?.vocab_size ?? config.vocab_size ?? 152_000);
    return prefillChunkTokens(vocab, meta?.type === 'float16' ? 2 : 4);
  }

  /** Token ids that end a reply (generation_config first, then the model config). */
  private eosIds(): number[] {
    const m = this.model as unknown as {
      generation_config?: { eos_token_id?: number | number[] };
      config: { eos_token_id?: number | number[]; text_config?: { eos_token_id?: number | number[] } };
    };
    const eos = m.generation_config?.eos_token_id ?? m.config.eos_token_id ?? m.config.text_config?.eos_token_id ?? [];
    return Array.isArray(eos) ? eos : [eos];
  }

  async dispose(): Promise<void> {
    this.forgetFrames();
    await this.model.dispose();
  }
}
