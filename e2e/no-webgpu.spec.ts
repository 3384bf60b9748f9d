// A browser without WebGPU: the app falls back to WASM, says so, and works.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, SHARED_DATA } from './chromium';
import { ask, keyframeCount, openApp, watchConsole } from './helpers';

test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu'), '--disable-features=WebGPU'],
  },
});

test('no WebGPU: WASM runs, the status line says why, and capture and chat work', async ({ page }) => {
  const errors = watchConsole(page);
  await openApp(page);
  const geometry = page.getByTestId('model-geometry');
  await expect(geometry).toHaveAttribute('data-backend', 'wasm');
  await expect(geometry).toContainText(/WASM \((this browser has no WebGPU|WebGPU found no usable GPU adapter)\)/);
  await page
    .getByTestId('open-images')
    .setInputFiles([0, 10, 20].map((i) => join(SHARED_DATA, 'redkitchen-7scenes', `frame-${String(i).padStart(6, '0')}.color.jpg`)));
  await expect.poll(() => keyframeCount(page)).toBe(3);
  await ask(page, 'What is in the room?');
  await expect(page.getByTestId('message-assistant').first()).toHaveAttribute('data-streaming', 'false', { timeout: 120_000 });
  await expect(page.getByTestId('model-vlm')).toHaveAttribute('data-backend', 'wasm');
  expect(errors).toEqual([]);
});
