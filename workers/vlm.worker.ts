// VLM worker: keeps copies of the keyframes (sent straight from the geometry worker), and answers
// questions with transformers.js on onnxruntime-web, streaming the reply. Thin: the logic lives in
// src/vlm (prompt, generation, workarounds) and src/models (loader, variants, backend choice).
import * as Comlink from 'comlink';
import { bitmapToRgba } from '../src/frames/canvasFrames';
import type { BackendChoice, ModelRuntime } from '../src/models/backend';
import type { FileProgress } from '../src/models/loader';
import { externalDataChunks } from '../src/models/manifest';
import { TIERS, type TierId } from '../src/models/tiers';
import { routeTransformersToModel } from '../src/models/transformersSource';
import { sampleFrames } from '../src/vlm/prompt';
import type { ChatTurn, VlmFrame } from '../src/vlm/types';
import { VlmChat } from '../src/vlm/vlmChat';
import type { VlmFrameMessage } from './messages';

export type VlmInitConfig = ModelRuntime & { tier: TierId };

export interface AskRequest {
  history: ChatTurn[];
  question: string;
  spatialContext: string;
  /** Frames to look at; default: the loaded tier's. */
  maxFrames?: number;
}

export interface AskReply {
  text: string;
  stopped: boolean;
  /** Which model wrote the reply and from how many frames, for the chat to show. */
  writtenBy: string;
}

interface StoredFrame {
  bitmap: ImageBitmap;
  sourceFrame: number;
  timestampMs: number;
}

const frames: StoredFrame[] = [];
let chat: VlmChat | null = null;
let modelLabel = '';
let tierFrames = 32;
let abort: AbortController | null = null;

/** Frames kept for sampling; past this, every other one is dropped, so coverage of the capture stays uniform. */
const MAX_FRAMES = 256;

function onFrameMessage(e: MessageEvent<VlmFrameMessage>): void {
  const m = e.data;
  if (m.type === 'frame') {
    frames.push({ bitmap: m.bitmap, sourceFrame: m.sourceFrame, timestampMs: m.timestampMs });
    if (frames.length > MAX_FRAMES) {
      // Every other frame goes, so the kept ones stay spread over the whole capture.
      const kept = frames.filter((_, i) => i % 2 === 0);
      frames.filter((_, i) => i % 2 === 1).forEach((f) => f.bitmap.close());
      frames.splice(0, frames.length, ...kept);
    }
  } else {
    frames.forEach((f) => f.bitmap.close());
    frames.length = 0;
  }
}

const api = {
  connectGeometry(port: MessagePort): void {
    port.onmessage = onFrameMessage;
  },

  async init(config: VlmInitConfig, onProgress: (p: FileProgress) => void): Promise<BackendChoice> {
    const { backend, manifest, variant } = await routeTransformersToModel(TIERS[config.tier].models.vlm, config, onProgress);
    modelLabel = manifest.name;
    tierFrames = TIERS[config.tier].vlmFrames;
    chat = await VlmChat.load({
      modelId: manifest.repo,
      revision: manifest.revision,
      dtype: variant.dtype ?? 'fp32',
      device: backend.kind,
      useExternalDataFormat: externalDataChunks(variant.files),
    });
    return backend;
  },

  /** Answers one question; `onToken` gets the reply as it grows. */
  async ask(request: AskRequest, onToken: (chunk: string) => void): Promise<AskReply> {
    if (!chat) throw new Error('The chat model is not loaded.');
    abort = new AbortController();
    const maxFrames = request.maxFrames ?? tierFrames;
    const picked = sampleFrames(frames, maxFrames);
    const vlmFrames: VlmFrame[] = picked.map((f) => ({ image: bitmapToRgba(f.bitmap), sourceFrame: f.sourceFrame, timestampMs: f.timestampMs }));
    try {
      const reply = await chat.generate(
        { history: request.history, question: request.question, spatialContext: request.spatialContext, frames: vlmFrames },
        { onToken, signal: abort.signal, maxFrames },
      );
      const frameCount = reply.frames === 0 ? 'no frames' : reply.frames === 1 ? '1 frame' : `${reply.frames} frames`;
      return { text: reply.text, stopped: reply.stopped, writtenBy: `${modelLabel}, ${frameCount}` };
    } finally {
      abort = null;
    }
  },

  stop(): void {
    abort?.abort();
  },
};

export type VlmWorkerApi = typeof api;
Comlink.expose(api);
