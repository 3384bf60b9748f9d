// `npm run bench:vlm`, inside Chromium: a Web Worker like the app's VLM worker, loading a tier's VLM through the
// app's own model path (routeTransformersToModel: backend choice, manifest variant, loader) from a local mirror
// (the shape-true stand-ins, or the fixtures), and timing one question's steps. The driver
// (scripts/bench-vlm.ts) calls each step in turn and samples the browser's memory meanwhile.
import { wasmHeapBytes } from './wasmMemory';
import { env, type Tensor } from '@huggingface/transformers';
import * as Comlink from 'comlink';
import { answerThreads } from '../../src/models/ortWasm';
import { chatModelFileBytes, TIERS, type TierId } from '../../src/models/tiers';
import { type RoutedModel, routeTransformersToModel } from '../../src/models/transformersSource';
import { type ChatCosts, chooseFrameBudget, type FrameBudget } from '../../src/vlm/frameBudget';
import { editVlmFile } from '../../src/vlm/newKvOutputs';
import type { VlmFrame, VlmRequest } from '../../src/vlm/types';
import { VlmChat } from '../../src/vlm/vlmChat';

export interface BenchSetup {
  tier: TierId;
  backend: 'wasm' | 'webgpu';
  /** Mirror base URL on this origin, e.g. /standins */
  models: string;
  /** JPEG bytes of the frames, in capture order. */
  jpegs: ArrayBuffer[];
  /** Long side the frames are scaled to (the app sends 448 px keyframes to the VLM worker). */
  longSide: number;
  decodeTokens: number;
  /** A manifest variant instead of the device's choice. */
  variant?: string;
  /** ORT WASM threads (default: the app's choice for the chat model, answerThreads). */
  threads?: number;
  /** Load the decoder as published, without the WASM backend's `kv_new.*` outputs (compares the two decode paths). */
  noKvEdit?: boolean;
}

export interface StepTiming {
  /** ms from the call to the first generated token */
  firstTokenMs: number;
  /** generated tokens per second after the first */
  tokensPerSecond: number;
  tokens: number;
  promptTokens: number;
  imageTokens: number;
  reusedTokens: number;
  reusedFrames: number;
  /** Prompt tokens through the language model (not reused), and their time. */
  prefillTokens: number;
  prefillMs: number;
  frameTokens: number;
}

/** The frame budget the app would choose on one kind of device, from the costs measured here. */
export interface BudgetRow {
  backend: 'wasm' | 'webgpu';
  deviceMemoryGiB: number | undefined;
  budget: FrameBudget;
}

let chat: VlmChat | null = null;
let frames: VlmFrame[] = [];
let setup: BenchSetup | null = null;
let routed: RoutedModel | null = null;

async function decodeFrame(jpeg: ArrayBuffer, longSide: number, index: number): Promise<VlmFrame> {
  const bitmap = await createImageBitmap(new Blob([jpeg], { type: 'image/jpeg' }));
  const scale = Math.min(1, longSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return { image: { width, height, data: ctx.getImageData(0, 0, width, height).data }, sourceFrame: index * 10, timestampMs: index * 333 };
}

const mirror = (s: BenchSetup) => ({ kind: 'mirror' as const, baseUrl: new URL(s.models, self.location.origin).href.replace(/\/$/, '') });

const question = (q: string): VlmRequest => ({
  history: [],
  question: q,
  spatialContext: 'Room: floor area about 14.2 m². Objects seen: 3 chairs, 1 table.',
  frames,
});

async function timeAnswer(request: VlmRequest): Promise<StepTiming> {
  if (!chat || !setup) throw new Error('not loaded');
  const t0 = performance.now();
  let first = 0;
  const reply = await chat.generate(request, {
    maxFrames: frames.length,
    maxNewTokens: setup.decodeTokens,
    stopAtEos: false,
    onToken: () => {
      first ||= performance.now();
    },
  });
  const end = performance.now();
  return {
    firstTokenMs: first - t0,
    tokensPerSecond: reply.tokens > 1 ? (reply.tokens - 1) / ((end - first) / 1000) : 0,
    tokens: reply.tokens,
    promptTokens: reply.promptTokens,
    imageTokens: reply.imageTokens,
    reusedTokens: reply.reusedTokens,
    reusedFrames: reply.reusedFrames,
    prefillTokens: reply.prefillTokens,
    prefillMs: reply.prefillMs,
    frameTokens: reply.frameTokens,
  };
}

const api = {
  /** The tier's chat model repo and frames per question (the driver runs in Node, where the tiers module is not loaded). */
  tierInfo(tier: TierId): { repo: string; frames: number; tiers: string[] } {
    return { repo: TIERS[tier]?.models.vlm.repo ?? '', frames: TIERS[tier]?.vlmFrames ?? 0, tiers: Object.keys(TIERS) };
  },

  async load(s: BenchSetup): Promise<{ backend: string; variant: string; model: string; loadMs: number }> {
    setup = s;
    frames = await Promise.all(s.jpegs.map((j, i) => decodeFrame(j, s.longSide, i)));
    const t0 = performance.now();
    const route = await routeTransformersToModel(TIERS[s.tier].models.vlm, { backend: s.backend, modelSource: mirror(s) }, () => {}, {
      variantId: s.variant,
      edit: s.noKvEdit ? undefined : editVlmFile,
    });
    (env.backends.onnx.wasm as { numThreads?: number }).numThreads = s.threads ?? answerThreads(navigator.hardwareConcurrency);
    chat = await VlmChat.loadRouted(route);
    routed = route;
    return { backend: route.backend.kind, variant: route.variant.id, model: route.manifest.name, loadMs: performance.now() - t0 };
  },

  /** Vision encoder alone: ms per frame over all frames (features then forgotten). */
  async visionPerFrame(): Promise<number> {
    chat!.forgetFrames();
    const t0 = performance.now();
    await chat!.encodeFrames(frames);
    const ms = (performance.now() - t0) / frames.length;
    chat!.forgetFrames();
    return ms;
  },

  /** Cold: nothing encoded or cached; the frames go through the vision encoder at the question. */
  cold: () => {
    chat!.forgetFrames();
    return timeAnswer(question('How many chairs are in the room?'));
  },

  /** Warm: the frames' features were encoded during the capture (not timed); the prompt is read from scratch. */
  async warm(): Promise<StepTiming> {
    chat!.forgetFrames();
    await chat!.encodeFrames(frames);
    return timeAnswer(question('How many chairs are in the room?'));
  },

  /** Again: a second question on the same frames (features and the frames' KV cache kept). */
  again: () => timeAnswer(question('Is the table left of the sofa?')),

  /**
   * The peer: transformers.js' stock path on the same prompt (the same processed inputs: 4.3.1's Qwen processor
   * cannot take several images itself) through `model.generate`, the whole prompt in one pass. Sessions warm. Timed
   * from the processor on, as our steps are (they run it inside `generate`).
   */
  async stock(): Promise<StepTiming> {
    if (!chat || !setup) throw new Error('not loaded');
    const t0 = performance.now();
    const prepared = await chat.prepare(question('How many chairs are in the room?'), { maxFrames: frames.length });
    const model = chat.model as unknown as { generate(o: object): Promise<Tensor> };
    // Timed in one run: the streamer's first put is the prompt, the second the first new token.
    let puts = 0;
    let first = 0;
    const streamer = {
      put: () => {
        if (++puts === 2) first = performance.now();
      },
      end: () => {},
    };
    const out = await model.generate({
      ...prepared.inputs,
      max_new_tokens: setup.decodeTokens,
      min_new_tokens: setup.decodeTokens,
      do_sample: false,
      streamer,
    });
    const end = performance.now();
    const firstTokenMs = first - t0;
    const tokens = out.dims[1]! - prepared.inputs.input_ids.dims[1]!;
    const total = end - t0;
    return {
      firstTokenMs,
      tokensPerSecond: tokens > 1 ? (tokens - 1) / ((total - firstTokenMs) / 1000) : 0,
      tokens,
      promptTokens: prepared.inputs.input_ids.dims[1]!,
      imageTokens: prepared.imageTokens,
      reusedTokens: 0,
      reusedFrames: 0,
      prefillTokens: prepared.inputs.input_ids.dims[1]!,
      prefillMs: firstTokenMs,
      frameTokens: prepared.frameTokens,
    };
  },

  /**
   * The app's frame budget (src/vlm/frameBudget.ts, as the VLM worker chooses it) from this model's measured costs and
   * a question's measured prefill speed: for this browser as it reports itself, and for devices of 2 to 16 GB on
   * either backend. The speed limit applies to this machine's backend only (another device has another speed).
   */
  async budgets(measured: StepTiming): Promise<{ here: BudgetRow; devices: BudgetRow[] }> {
    if (!chat || !setup || !routed) throw new Error('not loaded');
    const frameCosts = await chat.frameCosts(frames[0]!);
    const files = chatModelFileBytes(setup.tier, routed, routed.backend, mirror(setup));
    const costs: ChatCosts = { ...frameCosts, ...files, textTokens: measured.promptTokens - measured.frameTokens };
    const speed = { prefillTokensPerSecond: measured.prefillTokens / (measured.prefillMs / 1000) };
    const tierFrames = TIERS[setup.tier].vlmFrames;
    const lightest = setup.tier === 'light';
    const memory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
    const here: BudgetRow = {
      backend: routed.backend.kind,
      deviceMemoryGiB: memory,
      budget: chooseFrameBudget(tierFrames, costs, { backend: routed.backend.kind, deviceMemoryGiB: memory }, speed, lightest),
    };
    const devices: BudgetRow[] = [];
    for (const backend of ['webgpu', 'wasm'] as const)
      for (const gib of [2, 4, 8, 16])
        devices.push({ backend, deviceMemoryGiB: gib, budget: chooseFrameBudget(tierFrames, costs, { backend, deviceMemoryGiB: gib }, undefined, lightest) });
    return { here, devices };
  },

  /** What the runtime reports about memory in this worker (the driver measures the processes too). */
  memory(): { wasmThreads: number; crossOriginIsolated: boolean; wasmHeapBytes: number } {
    return {
      wasmThreads: (env.backends.onnx.wasm as { numThreads?: number } | undefined)?.numThreads ?? 0,
      crossOriginIsolated: self.crossOriginIsolated,
      // Workers have no performance.memory: their JS heap is in the browser processes' figure only.
      wasmHeapBytes: wasmHeapBytes(),
    };
  },
};

export type BenchWorkerApi = typeof api;
Comlink.expose(api);
