// What a failed answer means for the user, worded once: which model, what happened, what was kept and what to
// try. Public reports designed against: SmolVLM-256M crashing on Android Chrome's WebGPU (transformers.js #1205),
// and WebGPU runs that return gibberish on some GPUs with reduced precision (#1286): a lost device, an error or
// non-finite logits on WebGPU offer the WASM backend; running out of memory lowers the frames per question.
// Plain module: the VLM worker classifies, the chat shows the text and the offered action.
import { NonFiniteLogitsError } from './lmRunner';

export type VlmFailureKind = 'gpu-lost' | 'invalid-output' | 'out-of-memory' | 'failed';

export interface VlmFailure {
  kind: VlmFailureKind;
  /** The chat's message: which model, what happened, what is kept, what to try. */
  message: string;
  /** Offer running the chat model on WASM (it failed on WebGPU). */
  offerWasm: boolean;
  /** The worker's runtime cannot go on (a lost GPU device, an exhausted WASM heap): replace the worker. */
  restartWorker: boolean;
  /** After running out of memory: the frames the next question may use. */
  nextFrames?: number;
}

export interface FailureContext {
  /** e.g. "Qwen3-VL 2B". */
  model: string;
  backend: 'webgpu' | 'wasm';
  /** Set when the WebGPU device reported itself lost (its reason). */
  deviceLost?: string;
  /** Frames the failed question used, and what the next one will use after an out-of-memory failure. */
  frames: number;
  nextFrames: number;
  /** The light tier is already in use. */
  lightTier: boolean;
}

const OUT_OF_MEMORY =
  /out of memory|\boom\b|allocation failed|failed to allocate|could not allocate|bad_alloc|memory access out of bounds|maximum call stack|array buffer allocation|cannot enlarge memory|webassembly\.memory/i;
const DEVICE_LOST = /device (was |is )?(lost|destroyed)|devicelost|gpudevice.*(lost|destroyed)|device has been (lost|destroyed)/i;

const KEPT = 'Your capture, map and chat are kept.';

export function describeVlmFailure(err: unknown, ctx: FailureContext): VlmFailure {
  const text = err instanceof Error ? err.message : String(err);
  const onGpu = ctx.backend === 'webgpu';
  // Qwen3-VL's 4-bit weights have no fast kernel on WASM (~5 s a token, docs/MODELS.md): say so where WASM is offered.
  const wasmCost = ctx.lightTier
    ? 'slower, no GPU needed'
    : `no GPU needed, but ${ctx.model} writes a word every few seconds there; the Light tier answers in seconds`;
  if (onGpu && (ctx.deviceLost !== undefined || DEVICE_LOST.test(text))) {
    const why = ctx.deviceLost || text;
    return {
      kind: 'gpu-lost',
      message: `The GPU stopped while ${ctx.model} was answering (${why}). ${KEPT} Run the chat on WASM (${wasmCost}), or reload the page to try the GPU again.`,
      offerWasm: true,
      restartWorker: true,
    };
  }
  if (err instanceof NonFiniteLogitsError) {
    return onGpu
      ? {
          kind: 'invalid-output',
          message: `${ctx.model} produced invalid numbers on this GPU (reduced precision fails on some GPUs), so no answer was written. ${KEPT} Run the chat on WASM, which computes in full precision (${wasmCost}).`,
          offerWasm: true,
          restartWorker: false,
        }
      : {
          kind: 'invalid-output',
          message: `${ctx.model} produced invalid numbers, so no answer was written. ${KEPT} ${ctx.lightTier ? 'Ask again, or reload the page.' : 'Try the light tier.'}`,
          offerWasm: false,
          restartWorker: false,
        };
  }
  if (err instanceof RangeError || OUT_OF_MEMORY.test(text)) {
    const fewer =
      ctx.nextFrames < ctx.frames
        ? `The next question uses ${ctx.nextFrames} frame${ctx.nextFrames === 1 ? '' : 's'} instead of ${ctx.frames}.`
        : 'Close other tabs and ask again.';
    return {
      kind: 'out-of-memory',
      message: `${ctx.model} ran out of memory on this device with ${ctx.frames} frame${ctx.frames === 1 ? '' : 's'}. ${KEPT} ${fewer}${ctx.lightTier ? '' : ' The light tier needs far less memory.'}`,
      offerWasm: false,
      restartWorker: true,
      nextFrames: ctx.nextFrames,
    };
  }
  return {
    kind: 'failed',
    message: `${ctx.model} failed to answer (${text}). ${KEPT} Ask again${onGpu ? ', or run the chat on WASM' : ''}.`,
    offerWasm: onGpu,
    restartWorker: false,
  };
}

/** Frames for the next question after running out of memory with `frames`: half, at least one. */
export function fewerFrames(frames: number): number {
  return Math.max(1, Math.floor(frames / 2));
}

/** A chat model that could not be loaded: which, why, and what to try. */
export function describeVlmLoadFailure(err: unknown, ctx: { model: string; lightTier: boolean }): string {
  const text = err instanceof Error ? err.message : String(err);
  const memory = err instanceof RangeError || OUT_OF_MEMORY.test(text);
  const what = memory ? `${ctx.model} did not fit in this device's memory while loading` : `${ctx.model} could not be loaded (${text})`;
  const tryThis = ctx.lightTier ? 'Close other tabs and ask again.' : 'Ask again, or choose the light tier in the Models bar: it needs far less memory.';
  return `${what}. ${KEPT} ${tryThis}`;
}
