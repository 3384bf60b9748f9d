// Encodes a synthetic room's colour frames as a video the app can open (video.webm, VP9, the room's frame rate): in
// Debian's Chromium through Playwright, with WebCodecs for the encoding and mediabunny (already the app's demuxer) for
// the WebM container. Node has no WebCodecs, and encoder packages that download a binary at install do not work here.
// Frame i of the video is frame-i.color.jpg: one frame per file, every one a key frame (so seeking is exact).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium.ts';
import { groupRgbdFiles } from '../src/rgbd/sevenScenes.ts';

// https: WebCodecs exists only in a secure context; the requests never leave the browser (Playwright answers them).
const ORIGIN = 'https://synth.video';
const HTML = `<!doctype html><title>encode</title><script type="module">import * as m from '/mediabunny.mjs'; window.mediabunny = m;</script>`;

export async function writeSynthVideo(dir: string, fps: number, file = 'video.webm'): Promise<{ frames: number; bytes: number }> {
  const frames = groupRgbdFiles(readdirSync(dir)).map((f) => f.color);
  const mediabunny = readFileSync(
    createRequire(import.meta.url)
      .resolve('mediabunny')
      .replace(/[^/\\]+$/, 'mediabunny.min.mjs'),
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      // mediabunny is loaded by the page itself (not an import() inside evaluate, which test runners rewrite).
      if (path === '/') return route.fulfill({ contentType: 'text/html', body: HTML });
      if (path === '/mediabunny.mjs') return route.fulfill({ contentType: 'text/javascript', body: mediabunny });
      const frame = /^\/frame\/(\d+)$/.exec(path);
      if (frame && frames[Number(frame[1])]) return route.fulfill({ contentType: 'image/jpeg', body: readFileSync(join(dir, frames[Number(frame[1])]!)) });
      return route.fulfill({ status: 404 });
    });
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => 'mediabunny' in window);
    const base64 = await page.evaluate(
      async ({ count, fps }) => {
        // biome-ignore lint/suspicious/noExplicitAny: the page's module, typed in Node by nothing
        const M = (window as any).mediabunny;
        const output = new M.Output({ format: new M.WebMOutputFormat(), target: new M.BufferTarget() });
        const source = new M.VideoSampleSource({ codec: 'vp9', bitrate: M.QUALITY_HIGH, keyFrameInterval: 0 });
        output.addVideoTrack(source, { frameRate: fps });
        await output.start();
        for (let i = 0; i < count; i++) {
          const bitmap = await createImageBitmap(await (await fetch(`/frame/${i}`)).blob());
          const sample = new M.VideoSample(bitmap, { timestamp: i / fps, duration: 1 / fps });
          await source.add(sample);
          sample.close();
          bitmap.close();
        }
        await output.finalize();
        const bytes = new Uint8Array(output.target.buffer as ArrayBuffer);
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(binary);
      },
      { count: frames.length, fps },
    );
    const bytes = Buffer.from(base64, 'base64');
    writeFileSync(join(dir, file), bytes);
    return { frames: frames.length, bytes: bytes.length };
  } finally {
    await browser.close();
  }
}
