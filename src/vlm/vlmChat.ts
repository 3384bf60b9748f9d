// The VLM chat engine: loads a vision-language model (processor + model) through transformers.js and answers one
// request at a time, streaming text and stoppable. What differs between architectures (inputs from the templated
// text and the frames, workarounds on the loaded model) is a family (src/vlm/families/): Qwen3-VL for the quality
// tier, SmolVLM (Idefics3) for the light tier; the family is picked from the model's `config.model_type`.
// Plain module: runs in Node (tests, on the fixtures) and in a Web Worker.
import { AutoModelForImageTextToText, AutoProcessor, InterruptableStoppingCriteria, Tensor, TextStreamer } from '@huggingface/transformers';
import type { VlmFamily, VlmProcessor } from './families/family';
import { idefics3Family } from './families/idefics3';
import { qwen3vlFamily } from './families/qwen3vl';
import { buildMessages, type PromptOptions } from './prompt';
import type { VlmRequest } from './types';

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
  generate(options: object): Promise<Tensor | { sequences: Tensor }>;
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
    const processor = (await AutoProcessor.from_pretrained(options.modelId, common)) as unknown as VlmProcessor;
    const model = (await AutoModelForImageTextToText.from_pretrained(options.modelId, {
      ...common,
      dtype: options.dtype as never,
      device: options.device,
      // ORT's native logger prints warnings as console errors: keep errors only.
      session_options: { logSeverityLevel: 3 },
      ...(options.useExternalDataFormat ? { use_external_data_format: options.useExternalDataFormat } : {}),
    })) as unknown as VlmModel;
    let family: VlmFamily;
    try {
      family = familyFor(model.config.model_type);
    } catch (e) {
      await model.dispose();
      throw e;
    }
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
    const criteria = new InterruptableStoppingCriteria();
    const onAbort = () => criteria.interrupt();
    try {
      if (signal?.aborted) return { text: '', tokens: 0, stopped: true, promptTokens: 0, imageTokens: 0, frames: 0 };
      let prepared: Awaited<ReturnType<typeof this.prepare>>;
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
