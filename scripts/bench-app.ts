// `npm run bench:app [-- --still]`: drives the redkitchen video flow in headless Chromium (the production build,
// fixture models) and prints main-thread long tasks during processing, the 3D view's frame time
// while the workers run, keyframes per second end to end, the depth model's time per keyframe over the capture
// (first and last ten), and the initial JS bundle size (gzip). A user orbits the view throughout unless `--still`:
// comparing the two says whether a depth time that rises during the capture is the view's drawing competing for
// the cores (software GPU here) or a cost that grows with the map.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, SHARED_DATA } from '../e2e/chromium.ts';
import { ensureFixtures } from './fixtures/make-fixtures.ts';

const PORT = 4174;
const STILL = process.argv.includes('--still');

interface ViewWindow {
  __room3r: { viewStats(): Promise<{ points: number; keyframes: number; frameTimes: number[] }> };
}
const VIDEO = join(SHARED_DATA, 'videos', 'redkitchen.webm');

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** gzip size of the JS the page loads before anything else: index.html's module script and its preloads. */
function initialBundle(dist: string): { files: string[]; raw: number; gzip: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/?([^"]+\.js)"/g)].map((m) => m[1]!);
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = readFileSync(join(dist, f));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files, raw, gzip };
}

async function main(): Promise<void> {
  if (!existsSync(VIDEO)) throw new Error(`missing ${VIDEO}: ../shared/data must be beside the repo`);
  await ensureFixtures();
  if (!process.argv.includes('--no-build')) {
    const build = spawnSync('npx', ['vite', 'build', '--mode', 'e2e', '--logLevel', 'warn'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
  }
  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`http://localhost:${PORT}/`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    // The depth model's time per keyframe as the status line shows it, each time it changes.
    await page.exposeFunction('__depthShown', (text: string) => depthTexts.push(text));
    const depthTexts: string[] = [];
    await page.goto(`http://localhost:${PORT}/?models=/models`);
    await page.locator('[data-testid="model-geometry"][data-phase="ready"]').waitFor({ timeout: 120_000 });
    const backend = await page.getByTestId('model-geometry').getAttribute('data-backend');

    // Main-thread responsiveness: the interval between animation frames of the page itself.
    // (A string, not a function: tsx would wrap a named inner function in a helper the page does not have.)
    const t0 = (await page.evaluate(`(() => {
      window.__mainFrames = [];
      let last = performance.now();
      const tick = (t) => { window.__mainFrames.push(t - last); last = t; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      return performance.now();
    })()`)) as number;
    const viewFramesBefore = await page.evaluate(async () => (await (window as unknown as ViewWindow).__room3r.viewStats()).frameTimes.length);
    await page.evaluate(`(() => {
      const el = document.querySelector('[data-testid="depth-model"]');
      new MutationObserver(() => window.__depthShown(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
    })()`);
    await page.getByTestId('open-video').setInputFiles(VIDEO);
    // A user orbits the view while the capture is processed, so the view draws continuously.
    const box = (await page.locator('.view-host canvas').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    let orbiting = true;
    const orbit = (async () => {
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      for (let i = 0; orbiting && !STILL; i++) {
        await page.mouse.move(cx + 120 * Math.cos(i / 20), cy + 40 * Math.sin(i / 20));
        await page.waitForTimeout(16);
      }
      await page.mouse.up();
    })();
    const input = page.getByTestId('open-video');
    await page.waitForFunction((el) => (el as HTMLInputElement).disabled, await input.elementHandle(), { timeout: 10_000 });
    const progress = setInterval(() => {
      void page
        .getByTestId('capture-counters')
        .textContent()
        .then(
          (t) => process.stderr.write(`  … ${t}\n`),
          () => {},
        );
    }, 10_000);
    await page
      .waitForFunction((el) => !(el as HTMLInputElement).disabled, await input.elementHandle(), { timeout: 900_000, polling: 200 })
      .finally(() => {
        clearInterval(progress);
        orbiting = false;
      });
    await orbit;
    const result = await page.evaluate(async (start) => {
      const w = window as unknown as ViewWindow & { __longTasks: { start: number; duration: number }[]; __mainFrames: number[] };
      const elapsedMs = performance.now() - start;
      const stats = await w.__room3r.viewStats();
      return {
        elapsedMs,
        longTasks: w.__longTasks.filter((t) => t.start >= start).map((t) => t.duration),
        mainFrames: [...w.__mainFrames],
        viewFrames: stats.frameTimes,
        keyframes: stats.keyframes,
        points: stats.points,
      };
    }, t0);
    // Frames the view drew while the capture was processed (it draws when something changed: here, all the time).
    const viewFrames = result.viewFrames.slice(Math.max(0, viewFramesBefore - (600 - result.viewFrames.length)));
    await browser.close();

    const bundle = initialBundle(resolve('dist'));
    const seconds = result.elapsedMs / 1000;
    console.log('\nbench:app — redkitchen.webm (100 frames, 10 fps), fixture models, headless Chromium');
    console.log(`  geometry backend              ${backend}`);
    console.log(
      `  keyframes                     ${result.keyframes} in ${seconds.toFixed(1)} s → ${(result.keyframes / seconds).toFixed(2)} keyframes/s end to end`,
    );
    console.log(`  points in the view            ${result.points}`);
    const depthMs = depthTexts.map((t) => Number.parseFloat(t)).filter((v) => Number.isFinite(v) && v > 0);
    const median = (xs: number[]) => percentile(xs, 50);
    console.log(
      `  depth model per keyframe      first ten median ${median(depthMs.slice(0, 10)).toFixed(0)} ms, last ten ${median(depthMs.slice(-10)).toFixed(0)} ms (${depthMs.length} shown; ${STILL ? 'view left still' : 'view orbited throughout'})`,
    );
    console.log(
      `  main-thread long tasks >50 ms ${result.longTasks.length}${result.longTasks.length ? ` (max ${Math.max(...result.longTasks).toFixed(0)} ms, total ${result.longTasks.reduce((a, b) => a + b, 0).toFixed(0)} ms)` : ''}`,
    );
    console.log(
      `  page frame interval (main)    median ${percentile(result.mainFrames, 50).toFixed(1)} ms, p95 ${percentile(result.mainFrames, 95).toFixed(1)} ms over ${result.mainFrames.length} frames`,
    );
    console.log(
      `  3D view frame time (worker)   median ${percentile(viewFrames, 50).toFixed(1)} ms, p95 ${percentile(viewFrames, 95).toFixed(1)} ms over ${viewFrames.length} frames${STILL ? '' : ' while orbiting'}`,
    );
    console.log(
      `  initial JS bundle             ${(bundle.gzip / 1024).toFixed(0)} KiB gzip (${(bundle.raw / 1024).toFixed(0)} KiB raw, ${bundle.files.length} files)`,
    );
    console.log(`  target: no long task over 50 ms → ${result.longTasks.length === 0 ? 'met' : 'NOT met'}`);
  } finally {
    server.kill();
  }
}

await main();
