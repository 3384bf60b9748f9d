// The app end to end on the fixture models: load, and the chat with the streaming VLM worker. (A video file through
// the geometry worker into the 3D view: e2e/no-work-lost.spec.ts.)
import { expect, test } from '@playwright/test';
import { ask, openApp, watchConsole } from './helpers';

test('the app loads without console errors and reports its compute backend', async ({ page }) => {
  const errors = watchConsole(page);
  await openApp(page);
  const geometry = page.getByTestId('model-geometry');
  const backend = await geometry.getAttribute('data-backend');
  expect(['webgpu', 'wasm']).toContain(backend);
  await expect(geometry).toContainText(backend === 'webgpu' ? 'WebGPU' : 'WASM (');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(errors).toEqual([]);
});

test('chat: a reply streams in, Stop cancels one, and the history is kept', async ({ page }) => {
  await openApp(page);
  // Questions no solver measures go to the VLM (spatial ones are answered from the map: e2e/spatial.spec.ts).
  await ask(page, 'What colour are the walls?');
  const first = page.getByTestId('message-assistant').nth(0);
  await expect(page.getByTestId('model-vlm')).toHaveAttribute('data-phase', 'ready', { timeout: 120_000 });
  // Streaming: the reply is visibly growing before it is complete.
  await expect(first).toHaveAttribute('data-streaming', 'true');
  await expect.poll(async () => ((await first.locator('.text').textContent()) ?? '').length).toBeGreaterThan(0);
  await expect(first).toHaveAttribute('data-streaming', 'false', { timeout: 120_000 });
  const firstText = await first.locator('.text').textContent();
  expect(firstText!.length).toBeGreaterThan(0);
  // Nothing captured yet: the quality tier's VLM answered from the text alone, and the answer says so.
  await expect(first.getByTestId('written-by')).toHaveText('Qwen3-VL 2B, no frames');

  // Stop cancels the second reply part-way.
  await ask(page, 'Write a very long description of every object you can see, one by one, in detail.');
  const second = page.getByTestId('message-assistant').nth(1);
  await expect.poll(async () => ((await second.locator('.text').textContent()) ?? '').length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(second).toHaveAttribute('data-stopped', 'true');

  // A third question: the earlier turns stay, and a different question gets a different reply.
  await ask(page, 'What is on the counter?');
  const third = page.getByTestId('message-assistant').nth(2);
  await expect(third).toHaveAttribute('data-streaming', 'false', { timeout: 120_000 });
  await expect(page.getByTestId('message-user')).toHaveCount(3);
  await expect(page.getByTestId('message-user').nth(0)).toHaveText('What colour are the walls?');
  expect(await third.locator('.text').textContent()).not.toEqual(firstText);
});

test('model output is shown as text, never as HTML', async ({ page }) => {
  await openApp(page);
  await ask(page, '<img src=x onerror="window.__pwned=1"> <b>bold</b>');
  await expect(page.getByTestId('message-user').first()).toHaveText('<img src=x onerror="window.__pwned=1"> <b>bold</b>');
  await expect(page.getByTestId('message-assistant').first()).toHaveAttribute('data-streaming', 'false', { timeout: 120_000 });
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator('.messages img, .messages b')).toHaveCount(0);
});
