// A video file's frame numbers are the file's own: every frame of a generated video carries its number as a row of
// black and white blocks, the app opens the file, and each keyframe it saved is checked against its frame number.
// A file played through a <video> element at playback speed could skip or repeat frames; the app decodes it frame
// by frame (src/capture/videoFileSource.ts), so frame N must be the file's N-th frame and all of them must be seen.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import jpeg from 'jpeg-js';
import { writeSynthVideo } from '../scripts/synthVideo';
import { openApp, watchConsole } from './helpers';

const FRAMES = 24;
const W = 320;
const H = 240;
const BITS = 8;
const CODE_HEIGHT = 40;

/** Frame n: its number in 8 blocks across the top (most significant bit left, white = 1) over a moving texture. */
function numberedFrame(n: number): Buffer {
  const data = Buffer.alloc(W * H * 4);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = 4 * (y * W + x);
      let v: number;
      if (y < CODE_HEIGHT) v = (n >> (BITS - 1 - Math.floor((x * BITS) / W))) & 1 ? 255 : 0;
      else v = 128 + 100 * Math.sin((x + 7 * n) / 9) * Math.cos((y - 3 * n) / 13);
      data[i] = v;
      data[i + 1] = y < CODE_HEIGHT ? v : 255 - v;
      data[i + 2] = y < CODE_HEIGHT ? v : (v + 80) % 256;
      data[i + 3] = 255;
    }
  return Buffer.from(jpeg.encode({ width: W, height: H, data }, 95).data);
}

test('every keyframe the app saves from a video is the file frame its number says, none skipped', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'numbered-'));
  try {
    for (let n = 0; n < FRAMES; n++) writeFileSync(join(dir, `frame-${String(n).padStart(6, '0')}.color.jpg`), numberedFrame(n));
    await writeSynthVideo(dir, 10, 'numbered.webm');
    const errors = watchConsole(page);
    await openApp(page);
    await page.getByTestId('open-video').setInputFiles(join(dir, 'numbered.webm'));
    // The file is read to its end: the saved session has seen all its frames.
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            const db = await new Promise<IDBDatabase>((resolve, reject) => {
              const open = indexedDB.open('room3r-sessions');
              open.onsuccess = () => resolve(open.result);
              open.onerror = () => reject(open.error);
            });
            if (!db.objectStoreNames.contains('sessions')) return 0;
            const all = await new Promise<{ framesSeen: number }[]>((resolve) => {
              const req = db.transaction('sessions').objectStore('sessions').getAll();
              req.onsuccess = () => resolve(req.result);
            });
            db.close();
            return Math.max(0, ...all.map((s) => s.framesSeen));
          }),
        { timeout: 120_000 },
      )
      .toBe(FRAMES);
    // Each saved keyframe's picture, decoded: the number in its blocks against the frame number the app gave it.
    const keyframes = await page.evaluate(
      async ({ bits, codeHeight, height }) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open('room3r-sessions');
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        const records = await new Promise<{ info: { sourceFrame: number }; image: Blob | null }[]>((resolve) => {
          const req = db.transaction('keyframes').objectStore('keyframes').getAll();
          req.onsuccess = () => resolve(req.result);
        });
        db.close();
        const out: { sourceFrame: number; code: number }[] = [];
        for (const r of records) {
          if (!r.image) continue;
          const bitmap = await createImageBitmap(r.image);
          const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
          const ctx = canvas.getContext('2d')!;
          ctx.drawImage(bitmap, 0, 0);
          let code = 0;
          for (let b = 0; b < bits; b++) {
            const x = Math.floor(((b + 0.5) / bits) * bitmap.width);
            const y = Math.floor((codeHeight / 2 / height) * bitmap.height);
            code = code * 2 + (ctx.getImageData(x, y, 1, 1).data[0]! > 127 ? 1 : 0);
          }
          out.push({ sourceFrame: r.info.sourceFrame, code });
        }
        return out;
      },
      { bits: BITS, codeHeight: CODE_HEIGHT, height: H },
    );
    expect(keyframes.length).toBeGreaterThanOrEqual(3);
    for (const k of keyframes) expect(k.code, `keyframe saved as frame ${k.sourceFrame}`).toBe(k.sourceFrame);
    expect(errors).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
