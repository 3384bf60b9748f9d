// VLM worker: keeps copies of the keyframes (sent straight from the geometry worker), and answers
// questions with transformers.js on onnxruntime-web, streaming the reply. Thin: the logic lives in
// src/vlm (prompt, generation, workarounds) and src/models (loader, variants, backend choice).
import { env } from '@huggingface/transformers';
import * as Comlink from 'comlink';
import { TEST_BUILD } from '../src/buildMode';
import { bitmapToRgba } from '../src/frames/canvasFrames';
import type { BackendChoice, ModelRuntime } from '../src/models/backend';
import type { FileProgress } from '../src/models/loader';
import { answerThreads } from '../src/models/ortWasm';
import { chatModelFileBytes, TIERS, type TierId } from '../src/models/tiers';
import { routeTransformersToModel } from '../src/models/transformersSource';
import { sampleFrames } from '../src/vlm/prompt';
import { chooseFrameBudget, type DeviceFacts, type FrameBudget, type MeasuredSpeed } from '../src/vlm/frameBudget';
import { type ChatTurn, type PlanForVlm, VLM_FRAME_LONG_SIDE, type VlmFrame, type VlmStepProgress } from '../src/vlm/types';
import { describeVlmFailure, fewerFrames, type VlmFailure } from '../src/vlm/failures';
import { editVlmFile } from '../src/vlm/newKvOutputs';
import { VlmChat } from '../src/vlm/vlmChat';
import type { VlmFrameMessage } from './messages';

export type VlmInitConfig = ModelRuntime & { tier: TierId };

export interface AskRequest {
  history: ChatTurn[];
  question: string;
  spatialContext: string;
  /** The map as a top-down plan: the prompt's last image. */
  plan?: PlanForVlm;
  /** Frames to look at; default: the loaded tier's. */
  maxFrames?: number;
}

export interface AskReply {
  text: string;
  stopped: boolean;
  /** Which model wrote the reply and from how many frames, for the chat to show. */
  writtenBy: string;
  /** Set when the answer failed: what to tell the user and what to offer (the worker may need replacing). */
  failure?: VlmFailure;
  /** The frame budget after this answer (it follows the measured speed), for the status line. */
  budget?: string;
}

export interface VlmReady {
  backend: BackendChoice;
  /** The frame budget on this device, for the status line. */
  budget: string;
}

interface StoredFrame {
  bitmap: ImageBitmap;
  sourceFrame: number;
  timestampMs: number;
}

const frames: StoredFrame[] = [];
let chat: VlmChat | null = null;
let modelLabel = '';
let tierId: TierId = 'quality';
let tierFrames = 32;
/** Frames per question on this device (src/vlm/frameBudget.ts), refined by each answer's measured speed. */
let budget: FrameBudget | null = null;
let weightsBytes = 0;
let otherModelsBytes = 0;
let measuredSpeed: MeasuredSpeed | undefined;
/** Prompt tokens besides the frames, from the last answer (a guess until the first). */
let textTokens = 600;
/** An answer's prefill shorter than this says little about the device's speed. */
const MIN_TOKENS_FOR_SPEED = 256;
let backendKind: 'webgpu' | 'wasm' = 'wasm';
/** Rejects the answer in flight, and says why, once the WebGPU device is lost. */
let gpu: { device: GPUDevice; lost: Promise<string>; reason?: string } | null = null;
let abort: AbortController | null = null;
/** Test builds: destroy the GPU device at the next answer's first token (e2e of a device lost mid-answer). */
let loseGpuAtNextToken = false;

/** Frames kept for sampling; past this, every other one is dropped, so coverage of the capture stays uniform. */
const MAX_FRAMES = 256;
/** No new keyframe for this long: the capture is done or paused, and the frames a question will use are encoded. */
const IDLE_BEFORE_ENCODING_MS = 2000;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
let encoding: AbortController | null = null;

function toVlmFrame(f: StoredFrame): VlmFrame {
  return { image: bitmapToRgba(f.bitmap), sourceFrame: f.sourceFrame, timestampMs: f.timestampMs };
}

/**
 * Encode once, ask many times: once keyframes stop arriving, the frames the next question will sample are run
 * through the vision encoder, so the question runs only the language model. Idle time only: during a capture the
 * depth model has the device (and on WASM the cores).
 */
function encodeWhenIdle(): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => void encodeAhead(), IDLE_BEFORE_ENCODING_MS);
}

async function encodeAhead(): Promise<void> {
  if (!chat || abort || frames.length === 0) return;
  encoding?.abort();
  const mine = new AbortController();
  encoding = mine;
  const picked = sampleFrames(frames, budget?.frames ?? tierFrames).map(toVlmFrame);
  chat.retainFrames(picked);
  await chat.encodeFrames(picked, { signal: mine.signal }).catch(() => {}); // the question encodes what is missing
  if (encoding === mine) encoding = null;
}

function onFrameMessage(e: MessageEvent<VlmFrameMessage>): void {
  const m = e.data;
  if (m.type === 'frame') {
    // In capture order, once each: a replacement worker gets the saved keyframes while new ones may arrive.
    if (frames.some((f) => f.sourceFrame === m.sourceFrame)) {
      m.bitmap.close();
      return;
    }
    const at = frames.findIndex((f) => f.sourceFrame > m.sourceFrame);
    frames.splice(at < 0 ? frames.length : at, 0, { bitmap: m.bitmap, sourceFrame: m.sourceFrame, timestampMs: m.timestampMs });
    encodeWhenIdle();
    if (frames.length > MAX_FRAMES) {
      // Every other frame goes, so the kept ones stay spread over the whole capture.
      const kept = frames.filter((_, i) => i % 2 === 0);
      frames.filter((_, i) => i % 2 === 1).forEach((f) => f.bitmap.close());
      frames.splice(0, frames.length, ...kept);
    }
  } else {
    frames.forEach((f) => f.bitmap.close());
    frames.length = 0;
    encoding?.abort();
    clearTimeout(idleTimer);
    chat?.forgetFrames();
  }
}

/** What the browser says about this device's memory and GPU. */
function deviceFacts(): DeviceFacts {
  const memory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  return { backend: backendKind, deviceMemoryGiB: memory, maxStorageBufferBindingSize: gpu?.device.limits.maxStorageBufferBindingSize };
}

/** Re-chooses the frame budget from what one `frame` costs the loaded model and what the device reports. */
async function updateBudget(frame: VlmFrame): Promise<FrameBudget> {
  if (!chat) throw new Error('The chat model is not loaded.');
  const costs = await chat.frameCosts(frame);
  budget = chooseFrameBudget(tierFrames, { ...costs, weightsBytes, otherModelsBytes, textTokens }, deviceFacts(), measuredSpeed, tierId === 'light');
  chat.limitPrefixCache(budget.prefixCacheBytes);
  return budget;
}

/** A grey frame of the size the geometry worker sends (4:3), for a budget before any capture. */
function blankFrame(): VlmFrame {
  const width = VLM_FRAME_LONG_SIDE;
  const height = Math.round((VLM_FRAME_LONG_SIDE * 3) / 4);
  return { image: { width, height, data: new Uint8ClampedArray(width * height * 4).fill(128) }, sourceFrame: 0, timestampMs: 0 };
}

const api = {
  connectGeometry(port: MessagePort): void {
    port.onmessage = onFrameMessage;
  },

  async init(config: VlmInitConfig, onProgress: (p: FileProgress) => void): Promise<VlmReady> {
    const route = await routeTransformersToModel(TIERS[config.tier].models.vlm, config, onProgress, { edit: editVlmFile });
    const { backend, manifest } = route;
    (env.backends.onnx.wasm as { numThreads?: number }).numThreads = answerThreads(navigator.hardwareConcurrency);
    modelLabel = manifest.name;
    tierId = config.tier;
    tierFrames = TIERS[config.tier].vlmFrames;
    backendKind = backend.kind;
    await chat?.dispose().catch(() => {}); // a model loaded before (another tier or backend) goes first
    chat = null;
    chat = await VlmChat.loadRouted(route);
    gpu = backend.kind === 'webgpu' ? await watchGpu() : null;
    ({ weightsBytes, otherModelsBytes } = chatModelFileBytes(config.tier, route, backend, config.modelSource));
    measuredSpeed = undefined;
    const chosen = await updateBudget(blankFrame());
    encodeWhenIdle();
    return { backend, budget: chosen.summary };
  },

  /** Answers one question; `onToken` gets the reply as it grows, `onStep` where it is before the first token. */
  async ask(request: AskRequest, onToken: (chunk: string) => void, onStep?: (step: VlmStepProgress) => void): Promise<AskReply> {
    if (!chat) throw new Error('The chat model is not loaded.');
    abort = new AbortController();
    encoding?.abort(); // the question takes over after the frame being encoded
    if (frames[0]) await updateBudget(toVlmFrame(frames[0]));
    const maxFrames = request.maxFrames ?? budget?.frames ?? tierFrames;
    const vlmFrames = sampleFrames(frames, maxFrames).map(toVlmFrame);
    try {
      const tokens = (chunk: string) => {
        onToken(chunk);
        if (TEST_BUILD && loseGpuAtNextToken && gpu) {
          loseGpuAtNextToken = false;
          gpu.device.destroy();
        }
      };
      const answer = chat.generate(
        { history: request.history, question: request.question, spatialContext: request.spatialContext, frames: vlmFrames, plan: request.plan },
        { onToken: tokens, signal: abort.signal, maxFrames, onProgress: onStep },
      );
      // A lost device may leave the run waiting forever: the loss itself ends the answer.
      const reply = await (gpu ? Promise.race([answer, gpu.lost.then((why) => Promise.reject(new Error(`device lost: ${why}`)))]) : answer);
      const frameCount = reply.frames === 0 ? 'no frames' : reply.frames === 1 ? '1 frame' : `${reply.frames} frames`;
      if (!reply.stopped) {
        textTokens = reply.promptTokens - reply.frameTokens;
        if (reply.prefillTokens >= MIN_TOKENS_FOR_SPEED && reply.prefillMs > 0)
          measuredSpeed = { prefillTokensPerSecond: reply.prefillTokens / (reply.prefillMs / 1000) };
        if (frames[0]) await updateBudget(toVlmFrame(frames[0]));
      }
      return {
        text: reply.text,
        stopped: reply.stopped,
        writtenBy: `${modelLabel}, ${frameCount}${request.plan ? " and the map's plan" : ''}`,
        budget: budget?.summary,
      };
    } catch (err) {
      const failure = describeVlmFailure(err, {
        model: modelLabel,
        backend: backendKind,
        deviceLost: gpu?.reason,
        frames: vlmFrames.length,
        nextFrames: fewerFrames(vlmFrames.length),
        lightTier: tierId === 'light',
      });
      return { text: '', stopped: false, writtenBy: modelLabel, failure };
    } finally {
      abort = null;
    }
  },

  /** Test builds only: the GPU device is destroyed (as a driver reset would) at the next answer's first token. */
  loseGpuMidAnswer(): boolean {
    loseGpuAtNextToken = TEST_BUILD && gpu !== null;
    return loseGpuAtNextToken;
  },

  stop(): void {
    abort?.abort();
  },
};

/** The device ORT's WebGPU backend runs on, with a promise of the reason it is lost. */
async function watchGpu(): Promise<typeof gpu> {
  const webgpu = (env.backends.onnx as { webgpu?: { device: Promise<GPUDevice> } }).webgpu;
  if (!webgpu) return null;
  const device = await webgpu.device;
  const watched: NonNullable<typeof gpu> = {
    device,
    lost: device.lost.then((info) => {
      watched.reason = info.message || info.reason || 'lost';
      return watched.reason;
    }),
  };
  watched.lost.catch(() => {});
  return watched;
}

export type VlmWorkerApi = typeof api;
Comlink.expose(api);
