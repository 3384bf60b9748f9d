// The chat model's GPU device is lost mid-answer (GPUDevice.destroy(), as a driver reset does): the answer ends
// with a plain message naming the model and what to try, the capture, the map and the chat so far are untouched,
// and after "Run the chat on WASM" the next question is answered, from the map's frames, by a fresh worker.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SHARED_DATA } from './chromium';
import { ask, keyframeCount, openApp } from './helpers';

const FOLDER = join(SHARED_DATA, 'redkitchen-7scenes');

test('a GPU device lost mid-answer: a plain message, nothing lost, and the next question works on WASM', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  // A short capture with the recording's own depth: its first 12 frames.
  const frames = [...new Set(readdirSync(FOLDER).map((f) => f.split('.')[0]!))].sort().slice(0, 12);
  const files = readdirSync(FOLDER)
    .filter((f) => frames.includes(f.split('.')[0]!))
    .map((f) => join(FOLDER, f));
  await page.getByTestId('open-images').setInputFiles(files);
  await expect.poll(() => keyframeCount(page), { timeout: 60_000 }).toBeGreaterThan(1);
  await expect(page.getByTestId('open-images')).toBeEnabled({ timeout: 120_000 });
  const keyframes = await keyframeCount(page);

  await ask(page, 'What colour are the walls?');
  const first = page.getByTestId('message-assistant').nth(0);
  await expect(first).toHaveAttribute('data-streaming', 'false', { timeout: 120_000 });
  const vlm = page.getByTestId('model-vlm');
  test.skip((await vlm.getAttribute('data-backend')) !== 'webgpu', 'the chat model did not get WebGPU here');
  const firstText = await first.locator('.text').textContent();
  expect(firstText?.length).toBeGreaterThan(0);

  expect(await page.evaluate(() => (window as unknown as { __room3r: { loseChatGpuMidAnswer(): Promise<boolean> } }).__room3r.loseChatGpuMidAnswer())).toBe(
    true,
  );
  await ask(page, 'Describe the kitchen counter.');
  const failed = page.getByTestId('message-assistant').nth(1);
  await expect(failed).toHaveAttribute('data-streaming', 'false', { timeout: 60_000 });
  await expect(failed.locator('.error')).toContainText('The GPU stopped while Qwen3-VL 2B was answering');
  await expect(failed.locator('.error')).toContainText('Your capture, map and chat are kept.');
  // Nothing captured or said before is touched.
  expect(await keyframeCount(page)).toBe(keyframes);
  await expect(first.locator('.text')).toHaveText(firstText!);
  await expect(page.getByTestId('message-user').nth(0)).toHaveText('What colour are the walls?');

  await failed.getByRole('button', { name: 'Run the chat on WASM' }).click();
  await ask(page, 'What is on the counter?');
  const after = page.getByTestId('message-assistant').nth(2);
  await expect(after).toHaveAttribute('data-streaming', 'false', { timeout: 180_000 });
  expect(((await after.locator('.text').textContent()) ?? '').length).toBeGreaterThan(0);
  // The fresh worker was given the map's keyframes again: the answer looked at frames, and at the map's plan.
  await expect(after.getByTestId('written-by')).toHaveText(/^Qwen3-VL 2B, \d+ frames? and the map's plan$/);
  await expect(vlm).toHaveAttribute('data-backend', 'wasm');
  expect(await keyframeCount(page)).toBe(keyframes);
});
