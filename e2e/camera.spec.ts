// The live camera flow with Chromium's fake camera fed by a real recording.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, SHARED_DATA, fakeCameraArgs } from './chromium';
import { ask, keyframeCount, openApp } from './helpers';

test.use({
  launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeCameraArgs(join(SHARED_DATA, 'videos', 'redkitchen-camera.mjpeg'))] },
});

test('record about 5 s from the camera: keyframes and points appear', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Camera' }).click();
  await expect(page.getByRole('button', { name: 'Record' })).toBeVisible();
  await page.getByRole('button', { name: 'Record' }).click();
  await page.waitForTimeout(5_000);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('button', { name: 'Record' })).toBeVisible({ timeout: 120_000 });
  expect(await keyframeCount(page)).toBeGreaterThanOrEqual(3);
  const points = Number((await page.getByTestId('point-count').textContent())!.replace(/\D/g, ''));
  expect(points).toBeGreaterThan(0);
});

test('light tier: SmolVLM answers about the recorded frames, and says so', async ({ page }) => {
  // On WASM, the light tier's usual home (devices without a good GPU). The fixtures' tokenizer spells most words
  // byte by byte, so a question after a capture is a ~3,000-token prompt, whose prefill outlasts any timeout on the
  // CI's software WebGPU (SwiftShader) for both VLM fixtures; WebGPU chat is covered by the text-only app.spec test.
  const runtimes = new Set<string>();
  page.on('request', (r) => {
    const name = /\/(ort-wasm-[^/?]*\.wasm)/.exec(r.url())?.[1];
    if (name) runtimes.add(name.startsWith('ort-wasm-simd-threaded.asyncify') ? 'webgpu build' : 'wasm build');
  });
  await openApp(page, '/?models=/models&tier=light&backend=wasm');
  await page.getByRole('button', { name: 'Camera' }).click();
  await page.getByRole('button', { name: 'Record' }).click();
  // More keyframes than the light tier's budget of 8 frames per question.
  await expect.poll(() => keyframeCount(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(9);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('button', { name: 'Record' })).toBeVisible({ timeout: 120_000 });
  // Not a measurable question: it goes to the light tier's VLM, with the recorded frames.
  await ask(page, 'What colour are the walls?');
  const reply = page.getByTestId('message-assistant').first();
  await expect(reply).toHaveAttribute('data-streaming', 'false', { timeout: 120_000 });
  await expect(page.getByTestId('model-vlm')).toHaveAttribute('data-phase', 'ready');
  expect(((await reply.locator('.text').textContent()) ?? '').trim().length).toBeGreaterThan(0);
  await expect(reply.locator('.error')).toHaveCount(0);
  await expect(reply.getByTestId('written-by')).toHaveText("SmolVLM 256M, 8 frames and the map's plan");
  // The status line says what this device's frame budget is (the tier's 8: the fixtures fit any memory).
  await expect(page.getByTestId('model-vlm')).toContainText('8 frames per question');
  // Without WebGPU the chat worker runs ORT's plain WASM build: the WebGPU build lacks CPU kernels the real quality
  // tier needs (GatherBlockQuantized).
  expect(runtimes).toContain('wasm build');
});
