// What differs between the VLM architectures the chat engine drives (src/vlm/vlmChat.ts): how the chat template's
// text and the frames become model inputs, and which workarounds the loaded model needs. Everything else (loading,
// generation, streaming, stopping) is the engine's, shared by all families.
import type { Tensor } from '@huggingface/transformers';
import type { RgbaImage } from '../../geometry/types';
import type { LmPrompt, OrtSessionLike } from '../lmRunner';
import type { ChatMessage } from '../prompt';

/** The parts of a transformers.js tokenizer the engine and the families use (its own types are loose). */
export interface Tokenizer {
  (text: string | string[], options?: object): { input_ids: Tensor; attention_mask: Tensor };
  decode(ids: bigint[] | number[], options?: { skip_special_tokens?: boolean }): string;
}

/** The parts of a transformers.js processor every family has. */
export interface VlmProcessor {
  tokenizer: Tokenizer;
  apply_chat_template(messages: ChatMessage[], options: object): string;
}

export interface PreparedInputs {
  /** input_ids, attention_mask and the family's vision inputs, as the model's `generate` takes them. */
  inputs: { input_ids: Tensor; attention_mask: Tensor } & Record<string, Tensor>;
  /** Image tokens of each image, in prompt order. */
  tokensPerImage: number[];
}

/** The loaded transformers.js model as the families read it: its config and ONNX sessions. */
export interface LoadedVlm {
  config: Record<string, unknown> & { model_type: string };
  sessions: Record<string, OrtSessionLike>;
}

export interface FamilyInputOptions {
  /** Largest pixel count a frame is resized to, where the family's vision encoder takes variable sizes. */
  maxPixelsPerFrame?: number;
  signal?: AbortSignal;
}

export interface VlmFamily {
  /** Shown in errors and diagnostics. */
  name: string;
  /** `config.model_type` values this family drives. */
  modelTypes: readonly string[];
  /** Messages as this family's chat template expects them (default: as built). */
  templateMessages?(messages: ChatMessage[]): ChatMessage[];
  /** Tokens and vision inputs for the templated `text`, whose image placeholders match `frames` in order. */
  prepareInputs(processor: VlmProcessor, text: string, frames: RgbaImage[], options: FamilyInputOptions): Promise<PreparedInputs>;
  /** Frames per vision-encoder call by default: what keeps the encoder's activations small (see the family). */
  visionFramesPerCall: number;
  /**
   * Each image's features ([tokens, hidden]), in prompt order, with the vision encoder run on at most
   * `framesPerCall` images per call; images whose features are `known` (encoded before) are not run again.
   * `onFrames` gets the count of images ready so far.
   */
  encodeImages(
    model: LoadedVlm,
    inputs: PreparedInputs['inputs'],
    options: { framesPerCall: number; known?: readonly (Tensor | undefined)[]; signal?: AbortSignal; onFrames?: (done: number, total: number) => void },
  ): Promise<Tensor[]>;
  /** The prompt as the language model reads it: ids, image token, position ids. */
  lmPrompt(model: LoadedVlm, inputs: PreparedInputs['inputs'], imageFeatures: Tensor | null): LmPrompt;
  /** Loads the processor where AutoProcessor would miss part of it (default: AutoProcessor). */
  loadProcessor?(modelId: string, options: object): Promise<VlmProcessor>;
  /** Adjusts the loaded processor to how the family feeds it (once, at load). */
  prepareProcessor?(processor: VlmProcessor): void;
  /** Fixes defects of the pinned transformers.js on the loaded model instance; returns the names of those applied. */
  patchModel?(model: object): string[];
}
