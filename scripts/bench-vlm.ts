// `npm run bench:vlm -- --tier light|quality [--frames N] [--backend wasm|webgpu] [--tokens N] [--variant ID] [--threads N] [--no-kv-edit] [--fixtures]`
// One question after a capture, in headless Chromium, through the app's own VLM code (scripts/bench-vlm/): prompt
// tokens (visual / text), vision-encoder ms per frame, time to first token cold (frames encoded at the question),
// warm (features encoded during the capture) and again (a second question on the same frames), decode tokens/s over
// a forced number of new tokens, peak memory (the browser's processes, and the chat worker's WASM heap), and
// transformers.js' stock path (processor + model.generate over the whole prompt) as the peer, with the ratios.
// `--no-kv-edit` loads the decoder without the WASM backend's kv_new outputs (src/vlm/newKvOutputs.ts), to compare.
// Models: the shape-true stand-ins (`npm run standins`: the real dimensions, file names and 4-bit format, random
// weights), so time and memory are the real models'; `--fixtures` runs the tiny fixtures (a smoke test only).
// Frames: the first N colour frames of the shared redkitchen recording, scaled to 448 px as the app sends them.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, SHARED_DATA } from '../e2e/chromium.ts';
import { browserMemoryBytes } from '../e2e/memory.ts';
import { benchServer } from './benchServer.ts';
import type { BenchWorkerApi, StepTiming } from './bench-vlm/bench.worker.ts';
import { ensureFixtures, FIXTURE_ROOT } from './fixtures/make-fixtures.ts';

const STANDINS = resolve('.standins/models');
const FRAMES_FOLDER = join(SHARED_DATA, 'redkitchen-7scenes');
const PORT = 4176;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

type Remote = { [K in keyof BenchWorkerApi]: (...a: Parameters<BenchWorkerApi[K]>) => Promise<Awaited<ReturnType<BenchWorkerApi[K]>>> };

/** Reading every process's PSS takes CPU from the run it measures: often enough for a step of seconds, not more. */
const SAMPLE_MS = 500;

/**
 * Runs `step` while sampling the browser's memory every SAMPLE_MS (PSS of its processes); returns its result, that
 * peak, and the chat worker's WASM heap after it (`readWorker`; a heap never shrinks, so it is also the step's WASM
 * peak).
 */
async function sampled<T>(readWorker: () => Promise<number>, step: () => Promise<T>): Promise<{ result: T; peakBytes: number; pageBytes: number }> {
  let peak = browserMemoryBytes(true);
  const timer = setInterval(() => {
    peak = Math.max(peak, browserMemoryBytes(true));
  }, SAMPLE_MS);
  try {
    const result = await step();
    peak = Math.max(peak, browserMemoryBytes(true));
    return { result, peakBytes: peak, pageBytes: await readWorker() };
  } finally {
    clearInterval(timer);
  }
}

const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const tier = arg('tier') ?? 'light';
  const backend = (arg('backend') ?? 'wasm') as 'wasm' | 'webgpu';
  const decodeTokens = Number(arg('tokens') ?? 32);
  const fixtures = process.argv.includes('--fixtures');
  const modelsRoot = fixtures ? FIXTURE_ROOT : STANDINS;
  if (fixtures) await ensureFixtures();

  // The app's dev server in test mode (a mirror's catalog is trusted: the stand-ins are not the pinned files), plus the
  // models and the frames on this origin.
  const server = await benchServer(PORT, { models: modelsRoot, frames: FRAMES_FOLDER });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'] });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`http://localhost:${PORT}/scripts/bench-vlm/page.html`);
    await page.waitForFunction(() => 'bench' in window, null, { timeout: 120_000 });
    const call = <K extends keyof Remote>(name: K, ...args: Parameters<Remote[K]>) =>
      page.evaluate(
        ([n, a]) => (window as unknown as { bench: Record<string, (...x: unknown[]) => Promise<unknown>> }).bench[n as string]!(...(a as unknown[])),
        [name, args] as const,
      ) as Promise<Awaited<ReturnType<Remote[K]>>>;

    const workerMemory = async () => (await call('memory')).wasmHeapBytes;
    const info = await call('tierInfo', tier as 'light');
    if (!info.repo) throw new Error(`--tier must be one of ${info.tiers.join(', ')}`);
    const frameCount = Number(arg('frames') ?? info.frames);
    if (!fixtures && !existsSync(join(STANDINS, info.repo))) {
      throw new Error(`no stand-in of ${info.repo} in ${STANDINS}: run \`npm run standins -- --tier ${tier}\` first (or pass --fixtures)`);
    }
    const jpegs = readdirSync(FRAMES_FOLDER)
      .filter((f) => f.endsWith('.color.jpg'))
      .sort()
      .slice(0, frameCount);
    if (jpegs.length < frameCount) throw new Error(`only ${jpegs.length} frames in ${FRAMES_FOLDER}`);

    const idle = browserMemoryBytes(true);
    const load = await sampled(workerMemory, () =>
      page.evaluate(
        async ({ tier, backend, decodeTokens, names, variant, threads, noKvEdit }) => {
          const jpegs = await Promise.all(names.map((n) => fetch(`/bench-frames/${n}`).then((r) => r.arrayBuffer())));
          const bench = (window as unknown as { bench: { load(s: object): Promise<{ backend: string; variant: string; model: string; loadMs: number }> } })
            .bench;
          return bench.load({ tier, backend, models: '/bench-models', jpegs, longSide: 448, decodeTokens, variant, threads, noKvEdit });
        },
        {
          tier,
          backend,
          decodeTokens,
          names: jpegs,
          variant: arg('variant'),
          threads: arg('threads') ? Number(arg('threads')) : undefined,
          noKvEdit: process.argv.includes('--no-kv-edit'),
        },
      ),
    );
    console.log(
      `${load.result.model} (${load.result.variant} on ${load.result.backend}), ${frameCount} frames, ${decodeTokens} new tokens${fixtures ? ' — FIXTURES: a smoke test, not the real cost' : ''}`,
    );
    const runtime = await call('memory');
    console.log(
      `loaded in ${s(load.result.loadMs)} (not counted below); browser memory idle ${mb(idle)}, after load ${mb(browserMemoryBytes(true))}; WASM threads ${runtime.wasmThreads || 'ORT default'}, cross-origin isolated ${runtime.crossOriginIsolated}`,
    );

    // Each step is printed as it ends: a long run shows where it is, and one cut short keeps what it measured.
    const step = async <T>(name: string, run: () => Promise<T>) => {
      const r = await sampled(workerMemory, run);
      console.log(`  ${name} done: ${JSON.stringify(r.result)}, peak ${mb(r.peakBytes)}, chat worker WASM ${mb(r.pageBytes)}`);
      return r;
    };
    const vision = await step('vision (ms per frame)', () => call('visionPerFrame'));
    const cold = await step('cold', () => call('cold'));
    const warm = await step('warm', () => call('warm'));
    const again = await step('again', () => call('again'));
    const stock = await step('stock', () => call('stock'));

    const rows: [string, { result: StepTiming; peakBytes: number; pageBytes: number }][] = [
      ['cold', cold],
      ['warm', warm],
      ['again', again],
      ['stock (peer)', stock],
    ];
    const c = cold.result;
    console.log(`prompt tokens: ${c.promptTokens} (visual ${c.imageTokens}, text ${c.promptTokens - c.imageTokens})`);
    console.log(`vision encoder: ${vision.result.toFixed(0)} ms per frame (peak ${mb(vision.peakBytes)}, chat worker WASM ${mb(vision.pageBytes)})`);
    console.log('step           first token   decode tok/s   reused tokens   reused frames   peak (browser)   chat worker WASM');
    for (const [name, r] of rows) {
      const t = r.result;
      console.log(
        `${name.padEnd(14)} ${s(t.firstTokenMs).padStart(11)}   ${t.tokensPerSecond.toFixed(1).padStart(12)}   ${String(t.reusedTokens).padStart(13)}   ${String(t.reusedFrames).padStart(13)}   ${mb(r.peakBytes).padStart(14)}   ${mb(r.pageBytes).padStart(16)}`,
      );
    }
    const peak = Math.max(load.peakBytes, vision.peakBytes, cold.peakBytes, warm.peakBytes, again.peakBytes);
    console.log(
      `ratios: cold / stock ${(c.firstTokenMs / stock.result.firstTokenMs).toFixed(2)}, warm / stock ${(warm.result.firstTokenMs / stock.result.firstTokenMs).toFixed(2)}, again / stock ${(again.result.firstTokenMs / stock.result.firstTokenMs).toFixed(2)}`,
    );
    const pagePeak = Math.max(load.pageBytes, vision.pageBytes, cold.pageBytes, warm.pageBytes, again.pageBytes);
    console.log(
      `peak memory (ours): browser processes ${mb(peak)} (${mb(peak - idle)} above the idle browser), chat worker WASM heap ${mb(pagePeak)}; stock path: browser ${mb(stock.peakBytes)}, chat worker WASM ${mb(stock.pageBytes)} (measured after ours: WASM memory never shrinks)`,
    );
    const w = warm.result;
    console.log(
      `prefill (warm): ${w.prefillTokens} tokens in ${s(w.prefillMs)} = ${(w.prefillTokens / (w.prefillMs / 1000)).toFixed(0)} tokens/s; visual tokens per frame ${(w.frameTokens / frameCount).toFixed(0)}`,
    );
    const budgets = await call('budgets', w);
    const here = budgets.here;
    console.log(
      `frame budget here (${here.backend}, navigator.deviceMemory ${here.deviceMemoryGiB ?? 'not reported'}): ${here.budget.summary}; chat memory ${mb(here.budget.chatBytes)}, estimated peak ${mb(here.budget.peakBytes)}`,
    );
    console.log('frame budget by device (memory only; speed differs by device):');
    console.log('backend   memory   frames   limited by   chat memory   estimated peak');
    for (const r of budgets.devices) {
      const b = r.budget;
      console.log(
        `${r.backend.padEnd(8)}  ${`${r.deviceMemoryGiB} GB`.padStart(6)}   ${String(b.frames).padStart(6)}   ${(b.tight ? 'too small' : b.limitedBy).padEnd(11)}   ${mb(b.chatBytes).padStart(11)}   ${mb(b.peakBytes).padStart(14)}`,
      );
    }
    mkdirSync('bench-results', { recursive: true });
    const file = join('bench-results', `vlm-${tier}-${load.result.variant}-${frameCount}f${fixtures ? '-fixtures' : ''}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        { tier, backend, frames: frameCount, decodeTokens, fixtures, load: load.result, idle, vision, cold, warm, again, stock, peak, budgets },
        null,
        2,
      ),
    );
    console.log(`written to ${file}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
