// `npm run bench:geometry -- --depth-model`, inside Chromium: a Web Worker like the app's geometry worker (the same
// ORT build, `onnxruntime-web/webgpu`, the same WASM setup, backend choice and session creation from src/models/,
// and the app's MogeDepthModel), timing the depth model on one keyframe at a given token count. The driver
// (scripts/bench-depth.ts) loads one backend per page and calls `run` for each token count.
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/webgpu';
import { MogeDepthModel, type TensorConstructor } from '../../src/geometry/moge';
import type { RgbaImage } from '../../src/geometry/types';
import { chooseBackend } from '../../src/models/backend';
import { configureOrtWasm, createOrtSession } from '../../src/models/ortSession';
import { ORT_WASM_PATHS } from '../../src/models/ortWasm';

export interface DepthLoadResult {
  /** The backend the session runs on (WebGPU falls back to WASM when its session cannot be made). */
  backend: 'webgpu' | 'wasm';
  reason: string;
  /** The WebGPU adapter, as the browser describes it ("" without one). */
  adapter: string;
  wasmThreads: number;
  crossOriginIsolated: boolean;
  loadMs: number;
}

export interface DepthRunResult {
  width: number;
  height: number;
  /** estimate() end to end: packing, the session run, focal / shift recovery. */
  totalMs: number;
  inferenceMs: number;
  postMs: number;
}

let session: Awaited<ReturnType<typeof createOrtSession>>['session'] | null = null;

async function frame(url: string, width: number, height: number): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return { width, height, data: ctx.getImageData(0, 0, width, height).data };
}

const api = {
  async load(backend: 'webgpu' | 'wasm', modelUrl: string): Promise<DepthLoadResult> {
    configureOrtWasm(ort, ORT_WASM_PATHS);
    const choice = await chooseBackend(backend);
    let adapter = '';
    if (choice.kind === 'webgpu') {
      const a = await navigator.gpu.requestAdapter();
      const info = a?.info;
      adapter = info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') : '';
    }
    const bytes = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
    const t0 = performance.now();
    const made = await createOrtSession(ort, bytes, choice);
    session = made.session;
    return {
      backend: made.backend.kind,
      reason: made.backend.reason,
      adapter,
      wasmThreads: Number(ort.env.wasm.numThreads ?? 1),
      crossOriginIsolated: self.crossOriginIsolated,
      loadMs: performance.now() - t0,
    };
  },

  /** One keyframe at `tokens`: the frame at `frameUrl` scaled to the model's input size for that budget, as the app does. */
  async run(tokens: number, frameUrl: string, sourceWidth: number, sourceHeight: number): Promise<DepthRunResult> {
    if (!session) throw new Error('load first');
    const model = new MogeDepthModel(session, ort.Tensor as unknown as TensorConstructor, { numTokens: tokens });
    const size = model.inputSize(sourceWidth, sourceHeight);
    const image = await frame(frameUrl, size.width, size.height);
    const t0 = performance.now();
    const depth = await model.estimate(image);
    return { width: size.width, height: size.height, totalMs: performance.now() - t0, ...depth.timings };
  },
};

export type DepthBenchWorkerApi = typeof api;
Comlink.expose(api);
