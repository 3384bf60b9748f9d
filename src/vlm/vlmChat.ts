// The VLM chat engine: loads a vision-language model (processor + model) through transformers.js and answers one
// request at a time, streaming text and stoppable. What differs between architectures (inputs from the templated
// text and the frames, workarounds on the loaded model) is a family (src/vlm/families/): Qwen3-VL for the quality
// tier, SmolVLM (Idefics3) for the light tier; the family is picked from the model's `config.model_type`.
// Plain module: runs in Node (tests, on the fixtures) and in a Web Worker.
import { AutoConfig, AutoModelForImageTextToText, AutoProcessor, TextStreamer } from '@huggingface/transformers';
import type { LoadedVlm, VlmFamily, VlmProcessor } from './families/family';
import { idefics3Family } from './families/idefics3';
import { qwen3vlFamily } from './families/qwen3vl';
import { decode, KvCache, type LmSessions, NonFiniteLogitsError, prefill, prefillChunkTokens } from './lmRunner';
import { buildMessages, type PromptOptions } from './prompt';
import type { VlmRequest, VlmStepProgress } from './types';

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
}

interface VlmModel {
  config: { model_type: string };
  dispose(): Promise<unknown>;
}

export class VlmChat {
  private busy = false;

  private constructor(
    readonly processor: VlmProcessor,
    readonly model: VlmModel,
    readonly family: VlmFamily,
    /** Workarounds for defects of the pinned transformers.js that the loaded model needed (see the family). */
    readonly patches: string[],
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
    return new VlmChat(processor, model, family, family.patchModel?.(model) ?? []);
  }

  /** Builds the model inputs for a request (exposed for tests and diagnostics). */
  async prepare(request: VlmRequest, options: VlmGenerateOptions = {}) {
    const { messages, frames } = buildMessages(request, options);
    const templated = this.family.templateMessages?.(messages) ?? messages;
    const text = this.processor.apply_chat_template(templated, { add_generation_prompt: true, tokenize: false });
    const { inputs, imageTokens } = await this.family.prepareInputs(
      this.processor,
      text,
      frames.map((f) => f.image),
      { maxPixelsPerFrame: options.maxPixelsPerFrame, signal: options.signal },
    );
    return { text, inputs, frames: frames.length, imageTokens };
  }

  async generate(request: VlmRequest, options: VlmGenerateOptions = {}): Promise<VlmReply> {
    if (this.busy) throw new Error('VlmChat is already generating');
    this.busy = true;
    const { signal } = options;
    const none = (frames = 0): VlmReply => ({ text: '', tokens: 0, stopped: true, promptTokens: 0, imageTokens: 0, frames });
    let cache: KvCache | null = null;
    try {
      if (signal?.aborted) return none();
      const prepared = await this.prepare(request, options);
      const { inputs } = prepared;
      const model = this.model as unknown as LoadedVlm;
      const features = await this.family.encodeImages(model, inputs, {
        framesPerCall: options.visionFramesPerCall ?? this.family.visionFramesPerCall,
        signal,
        onFrames: (done, total) => options.onProgress?.({ phase: 'frames', done, total }),
      });
      const prompt = this.family.lmPrompt(model, inputs, features);
      const sessions = this.lmSessions();
      const empty = KvCache.empty(sessions.decoder);
      const filled = await prefill(sessions, prompt, empty, {
        chunkTokens: options.prefillChunkTokens ?? this.prefillChunkTokens(),
        signal,
        onProgress: ({ done, total }) => options.onProgress?.({ phase: 'prompt', done, total }),
      });
      cache = filled.cache;
      if (cache !== empty) empty.dispose();
      if (!filled.logits) throw new Error('the prompt is empty');
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
        eosIds: this.eosIds(),
        repetitionPenalty: options.repetitionPenalty,
        signal,
        onToken: (id) => streamer.put([[BigInt(id)]]),
      });
      streamer.end();
      const text = this.processor.tokenizer.decode(ids, { skip_special_tokens: true });
      if (streamed !== text && text.startsWith(streamed)) options.onToken?.(text.slice(streamed.length));
      return { text, tokens: ids.length, stopped, promptTokens: prompt.ids.length, imageTokens: prepared.imageTokens, frames: prepared.frames };
    } catch (e) {
      if (signal?.aborted && !(e instanceof NonFiniteLogitsError)) return none();
      throw e;
    } finally {
      cache?.dispose();
      this.busy = false;
    }
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
    await this.model.dispose();
  }
}
