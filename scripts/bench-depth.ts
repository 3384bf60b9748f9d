// The depth model's cost per keyframe (`npm run bench:geometry -- --depth-model`): the shape-true MoGe-2 ViT-S
// stand-in (scripts/standins/moge2.ts, written first when missing) through the app's own MogeDepthModel
// (src/geometry/moge.ts: packing, the session run, focal / shift recovery) at the token counts the app may choose,
// on a real redkitchen frame scaled to the model's input size for each count, as the geometry worker does. Runtimes:
//   node         onnxruntime-node (native CPU, every core): what the same graph costs outside a browser
//   node-wasm    onnxruntime-web's WASM build in Node, with the app's thread count (configureOrtWasm's rule)
//   chrome-wasm  Chromium (Debian's, headless), a Web Worker like the geometry worker, ORT's WebGPU build on WASM
//   chrome-gpu   the same on WebGPU (here SwiftShader, a software GPU: says so, and WASM only if WebGPU is missing)
// Each token count: one first run (shape planning, shader compilation), then `runs` timed runs; a run past
// `timeoutS` stops that runtime (the larger counts would take longer still).
import { cpus } from 'node:os';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import jpeg from 'jpeg-js';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium.ts';
import { MogeDepthModel, mogeInputSize, NUM_TOKENS_RANGE, DEFAULT_NUM_TOKENS, type SessionLike, type TensorConstructor } from '../src/geometry/moge.ts';
import type { RgbaImage } from '../src/geometry/types.ts';
import { geometryWasmThreads } from '../src/models/ortSession.ts';
import { DeadlineError, withDeadline } from '../src/util/deadline.ts';
import { benchServer } from './benchServer.ts';
import type { DepthBenchWorkerApi, DepthLoadResult } from './bench-depth/bench.worker.ts';
import { ensureMoge2Standin, STANDIN_ROOT } from './standins/make-standins.ts';
import { MOGE2_STANDIN_FILE, MOGE2_STANDIN_REPO } from './standins/moge2.ts';

export const DEPTH_TARGETS = ['node', 'node-wasm', 'chrome-wasm', 'chrome-gpu'] as const;
export type DepthTarget = (typeof DEPTH_TARGETS)[number];

export interface DepthBenchOptions {
  /** The RGB-D folder whose first colour frame is the keyframe. */
  data: string;
  tokens: number[];
  runs: number;
  targets: DepthTarget[];
  /** A run (first or timed) longer than this stops its runtime. */
  timeoutS: number;
}

export interface DepthRow {
  target: DepthTarget;
  tokens: number;
  width: number;
  height: number;
  /** The first run (planning, compilation), then the timed runs: estimate() end to end. */
  firstMs: number;
  ms: number[];
  /** The session run alone, per timed run. */
  inferenceMs: number[];
}

export interface DepthTargetResult {
  target: DepthTarget;
  /** How it ran: runtime, backend, threads, adapter. */
  runtime: string;
  rows: DepthRow[];
  /** Why it stopped early or did not run. */
  note?: string;
}

const PORT = 4177;
/** Source frame size the app's geometry worker sees from the redkitchen recording. */
const SOURCE = { width: 640, height: 480 };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

function firstColourFrame(dir: string): string {
  const name = readdirSync(dir)
    .filter((f) => f.endsWith('.color.jpg') || f.endsWith('.color.png'))
    .sort()[0];
  if (!name) throw new Error(`no colour frames in ${dir}`);
  return name;
}

/** Bilinear RGBA resize (the browser's canvas does the same job in the worker). */
function resizeRgba(src: RgbaImage, width: number, height: number): RgbaImage {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(src.height - 1, Math.max(0, ((y + 0.5) * src.height) / height - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(src.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(src.width - 1, Math.max(0, ((x + 0.5) * src.width) / width - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(src.width - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 4; c++) {
        const p = (yy: number, xx: number) => src.data[4 * (yy * src.width + xx) + c]!;
        const top = p(y0, x0) * (1 - fx) + p(y0, x1) * fx;
        const bottom = p(y1, x0) * (1 - fx) + p(y1, x1) * fx;
        out[4 * (y * width + x) + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return { width, height, data: out };
}

/** Runs each token count on one runtime: a first run, then timed runs, stopping at the first run over the limit. */
async function measure(
  target: DepthTarget,
  options: DepthBenchOptions,
  runOnce: (tokens: number) => Promise<{ width: number; height: number; totalMs: number; inferenceMs: number }>,
  log: (line: string) => void,
): Promise<{ rows: DepthRow[]; note?: string }> {
  const rows: DepthRow[] = [];
  for (const tokens of options.tokens) {
    try {
      const first = await withDeadline(runOnce(tokens), options.timeoutS * 1000, 'one run');
      const row: DepthRow = { target, tokens, width: first.width, height: first.height, firstMs: first.totalMs, ms: [], inferenceMs: [] };
      for (let i = 0; i < options.runs; i++) {
        const r = await withDeadline(runOnce(tokens), options.timeoutS * 1000, 'one run');
        row.ms.push(r.totalMs);
        row.inferenceMs.push(r.inferenceMs);
      }
      rows.push(row);
      log(
        `  ${target} ${tokens} tokens (${row.width}x${row.height}): first ${(row.firstMs / 1000).toFixed(1)} s, then ${row.ms.map((m) => (m / 1000).toFixed(1)).join(', ')} s`,
      );
    } catch (err) {
      if (!(err instanceof DeadlineError)) throw err;
      return { rows, note: `stopped at ${tokens} tokens: ${err.message}` };
    }
  }
  return { rows };
}

async function nodeTarget(target: 'node' | 'node-wasm', modelPath: string, image: RgbaImage, options: DepthBenchOptions, log: (l: string) => void) {
  let session: SessionLike;
  let Tensor: TensorConstructor;
  let runtime: string;
  if (target === 'node') {
    const threads = cpus().length;
    session = await ortNode.InferenceSession.create(modelPath, { intraOpNumThreads: threads, executionProviders: ['cpu'] });
    Tensor = ortNode.Tensor as unknown as TensorConstructor;
    runtime = `Node, onnxruntime-node (native CPU), ${threads} threads`;
  } else {
    const threads = geometryWasmThreads(cpus().length, true);
    ortWeb.env.wasm.numThreads = threads;
    ortWeb.env.logLevel = 'error';
    session = await ortWeb.InferenceSession.create(modelPath, { executionProviders: ['wasm'] });
    Tensor = ortWeb.Tensor as unknown as TensorConstructor;
    runtime = `Node, onnxruntime-web WASM, ${threads} thread${threads === 1 ? '' : 's'} (the app's count on ${cpus().length} cores)`;
  }
  const result = await measure(
    target,
    options,
    async (tokens) => {
      const model = new MogeDepthModel(session, Tensor, { numTokens: tokens });
      const size = model.inputSize(image.width, image.height);
      const input = resizeRgba(image, size.width, size.height);
      const t0 = performance.now();
      const depth = await model.estimate(input);
      return { width: size.width, height: size.height, totalMs: performance.now() - t0, inferenceMs: depth.timings.inferenceMs };
    },
    log,
  );
  await (session as unknown as { release?: () => Promise<void> }).release?.();
  return { target, runtime, ...result };
}

type Call = <K extends keyof DepthBenchWorkerApi>(name: K, ...args: Parameters<DepthBenchWorkerApi[K]>) => Promise<Awaited<ReturnType<DepthBenchWorkerApi[K]>>>;

function caller(page: Page): Call {
  return ((name: string, ...args: unknown[]) =>
    page.evaluate(
      ([n, a]) => (window as unknown as { bench: Record<string, (...x: unknown[]) => Promise<unknown>> }).bench[n as string]!(...(a as unknown[])),
      [name, args] as const,
    )) as Call;
}

async function chromiumTargets(targets: ('chrome-wasm' | 'chrome-gpu')[], frameName: string, options: DepthBenchOptions, log: (l: string) => void) {
  const results: DepthTargetResult[] = [];
  if (!existsSync(CHROMIUM_PATH)) {
    for (const target of targets) results.push({ target, runtime: 'Chromium', rows: [], note: `no browser at ${CHROMIUM_PATH}` });
    return results;
  }
  const server = await benchServer(PORT, { models: STANDIN_ROOT, frames: options.data });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    for (const target of targets) {
      // A fresh page (and worker) per backend: one session in memory at a time; closing it abandons a run that hangs.
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
      try {
        await page.goto(`http://localhost:${PORT}/scripts/bench-depth/page.html`);
        await page.waitForFunction(() => 'bench' in window, null, { timeout: 120_000 });
        const call = caller(page);
        const loaded: DepthLoadResult = await withDeadline(
          call('load', target === 'chrome-gpu' ? 'webgpu' : 'wasm', `/bench-models/${MOGE2_STANDIN_REPO}/${MOGE2_STANDIN_FILE}`),
          options.timeoutS * 1000,
          'loading the model',
        );
        const threads = `${loaded.wasmThreads} WASM thread${loaded.wasmThreads === 1 ? '' : 's'}${loaded.crossOriginIsolated ? '' : ' (not cross-origin isolated)'}`;
        if (target === 'chrome-gpu' && loaded.backend !== 'webgpu') {
          results.push({ target, runtime: 'Chromium, WebGPU', rows: [], note: `no WebGPU here (${loaded.reason}): WASM figures only` });
          continue;
        }
        const runtime =
          target === 'chrome-gpu' ? `Chromium, WebGPU on ${loaded.adapter || 'an unnamed adapter'} (${threads} for CPU ops)` : `Chromium, WASM, ${threads}`;
        log(`  ${target}: ${runtime}; session made in ${(loaded.loadMs / 1000).toFixed(1)} s`);
        const measured = await measure(target, options, (tokens) => call('run', tokens, `/bench-frames/${frameName}`, SOURCE.width, SOURCE.height), log);
        results.push({ target, runtime, ...measured });
      } catch (err) {
        results.push({
          target,
          runtime: `Chromium, ${target === 'chrome-gpu' ? 'WebGPU' : 'WASM'}`,
          rows: [],
          note: `failed: ${(err as Error).message.split('\n')[0]}`,
        });
      } finally {
        await page.close().catch(() => {});
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return results;
}

/** Measures every target in turn (one at a time: they would compete for the cores). */
export async function benchDepthModel(
  options: DepthBenchOptions,
  log: (line: string) => void = console.log,
): Promise<{ results: DepthTargetResult[]; model: string }> {
  const modelPath = await ensureMoge2Standin();
  const frameName = firstColourFrame(options.data);
  const rgb = jpeg.decode(readFileSync(join(options.data, frameName)), { useTArray: true });
  const image: RgbaImage = { width: rgb.width, height: rgb.height, data: new Uint8ClampedArray(rgb.data.buffer) };
  const results: DepthTargetResult[] = [];
  for (const target of options.targets) {
    if (target === 'node' || target === 'node-wasm') results.push(await nodeTarget(target, modelPath, image, options, log));
  }
  const inBrowser = options.targets.filter((t): t is 'chrome-wasm' | 'chrome-gpu' => t === 'chrome-wasm' || t === 'chrome-gpu');
  if (inBrowser.length) results.push(...(await chromiumTargets(inBrowser, frameName, options, log)));
  return { results, model: relative(process.cwd(), modelPath) };
}

/**
 * The table: per runtime and token count, the model's input size, the first run, the median of the timed runs (and
 * their range), of which the session run; beside it, with the tracking + fusion cost per keyframe (ms, from the
 * same bench), the keyframes per second the geometry worker can sustain (depth, then tracking + fusion, in turn).
 */
export function depthTable(results: DepthTargetResult[], trackingMs: number | null): string[] {
  const lines: string[] = [];
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  for (const r of results) {
    lines.push(`  ${r.target.padEnd(12)} ${r.runtime}`);
    for (const row of r.rows) {
      const m = median(row.ms);
      const range = row.ms.length > 1 ? ` (${s(Math.min(...row.ms))}–${s(Math.max(...row.ms))})` : '';
      const rate =
        trackingMs === null ? '' : `; with tracking + fusion ${s(m + trackingMs)} per keyframe = ${(1000 / (m + trackingMs)).toFixed(2)} keyframes/s`;
      lines.push(
        `    ${String(row.tokens).padStart(5)} tokens  ${`${row.width}x${row.height}`.padEnd(8)} first ${s(row.firstMs).padStart(8)}  median ${s(m).padStart(8)}${range} per keyframe, session ${s(median(row.inferenceMs))}${rate}`,
      );
    }
    if (r.note) lines.push(`    ${r.note}`);
  }
  return lines;
}

/** The token counts measured by default: the trained range's low end (the app's default), MoGe's suggested top, between. */
export const DEFAULT_BENCH_TOKENS = [NUM_TOKENS_RANGE[0], 1800, 2500];

/** Parses `--tokens 1200,1800` and `--depth-targets node,chrome-gpu`. */
export function parseDepthOptions(values: {
  data: string;
  tokens?: string;
  'depth-runs'?: string;
  'depth-targets'?: string;
  'depth-timeout'?: string;
}): DepthBenchOptions {
  const tokens = values.tokens ? values.tokens.split(',').map(Number) : DEFAULT_BENCH_TOKENS;
  for (const t of tokens) {
    if (!Number.isInteger(t) || t < 1) throw new Error(`--tokens: "${t}" is not a token count`);
    if (t < NUM_TOKENS_RANGE[0] || t > NUM_TOKENS_RANGE[1]) console.warn(`--tokens: ${t} is outside MoGe-2's trained range ${NUM_TOKENS_RANGE.join('–')}`);
  }
  const targets = (values['depth-targets']?.split(',') ?? [...DEPTH_TARGETS]) as DepthTarget[];
  for (const t of targets) if (!DEPTH_TARGETS.includes(t)) throw new Error(`--depth-targets: "${t}" is not one of ${DEPTH_TARGETS.join(', ')}`);
  return { data: values.data, tokens, runs: Number(values['depth-runs'] ?? 2), targets, timeoutS: Number(values['depth-timeout'] ?? 300) };
}

/** A line naming the app's default and the sizes it gives a 640x480 frame. */
export function depthHeader(model: string, options: DepthBenchOptions): string {
  const sizes = options.tokens.map((t) => {
    const s = mogeInputSize(SOURCE.width, SOURCE.height, t);
    return `${t} -> ${s.width}x${s.height}`;
  });
  return `  depth model: ${model} (shape-true MoGe-2 ViT-S stand-in, random weights); app default ${DEFAULT_NUM_TOKENS} tokens; input for a 640x480 frame: ${sizes.join(', ')}; ${options.runs} timed runs after a first`;
}
