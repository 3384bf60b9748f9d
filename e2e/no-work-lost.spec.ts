// No work lost without a word: a question asked while a video is reconstructed makes the video wait and loses
// nothing; a second video is a capture of its own; Stop ends an object search at once; deleting the session on screen
// clears it; five captures in one page all finish and leave memory where the first left it.
// `npm run test:stress` runs this file three times over.
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, SHARED_DATA } from './chromium';
import { ask, keyframeCount, openApp, watchConsole } from './helpers';
import { browserMemoryBytes } from './memory';

/** 100 frames at 10 fps: the fixture depth model tracks part of it, so tracked and lost keyframes can be compared. */
const KITCHEN = join(SHARED_DATA, 'videos', 'redkitchen.webm');
/** 28 frames: quick, for the five captures. */
const LIVING_ROOM = join(SHARED_DATA, 'videos', 'arkitscenes-47334096.webm');

// --expose-gc: memory is compared after a collection in the page and in every worker, not at a random heap size.
test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'] } });

/** Opens the video and waits until the whole file is reconstructed. */
async function reconstruct(page: Page, video: string): Promise<{ keyframes: number; tracked: number }> {
  await page.getByTestId('open-video').setInputFiles(video);
  await expect(page.getByTestId('open-video')).toBeDisabled();
  await expect(page.getByTestId('open-video')).toBeEnabled({ timeout: 240_000 });
  return { keyframes: await keyframeCount(page), tracked: Number((await page.getByTestId('pose-count').textContent())!.replace(/\D/g, '')) };
}

test('a question mid-video: the video waits and loses nothing; a second video is a new capture; Stop ends an object search at once', async ({ page }) => {
  test.setTimeout(600_000);
  const errors = watchConsole(page);
  await openApp(page);
  const first = await reconstruct(page, KITCHEN);
  expect(first.keyframes).toBeGreaterThan(20);
  expect(first.tracked).toBeGreaterThan(5);
  // Every keyframe that tracking placed has a pose in the view, with its points; the render worker holds exactly that.
  const points = Number((await page.getByTestId('point-count').textContent())!.replace(/\D/g, ''));
  expect(points).toBeGreaterThan(first.tracked * 1000);
  const view = await page.evaluate(async () => {
    const stats = await (window as unknown as { __room3r: { viewStats(): Promise<{ points: number; keyframes: number }> } }).__room3r.viewStats();
    return { points: stats.points, keyframes: stats.keyframes };
  });
  expect(view).toEqual({ points, keyframes: first.tracked });
  // The capture says how it ended.
  await expect(page.getByTestId('notice').filter({ hasText: `"redkitchen.webm": done. The map has ${first.tracked} keyframes placed` })).toBeVisible();

  // The same video again, without New capture: a capture of its own, and the app says so.
  await page.getByTestId('open-video').setInputFiles(KITCHEN);
  await expect(page.getByTestId('notice').filter({ hasText: 'starts a new capture; the one before is saved in Sessions' })).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => keyframeCount(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  // A free-form question goes to the chat model; the video waits for it.
  await ask(page, 'What colour are the walls?');
  await expect(page.getByTestId('capture-waiting')).toContainText('answering your question', { timeout: 30_000 });
  const reply = page.getByTestId('message-assistant').last();
  await expect(reply).toHaveAttribute('data-streaming', 'false', { timeout: 180_000 });
  await expect(reply.locator('.error')).toHaveCount(0);
  expect(await page.getByTestId('open-video').isDisabled()).toBe(true); // the answer came while the video waited
  await expect(page.getByTestId('open-video')).toBeEnabled({ timeout: 240_000 });
  const second = { keyframes: await keyframeCount(page), tracked: Number((await page.getByTestId('pose-count').textContent())!.replace(/\D/g, '')) };
  expect(Math.abs(second.tracked - first.tracked)).toBeLessThanOrEqual(Math.ceil(0.05 * first.tracked));
  expect(second.keyframes - second.tracked).toBeLessThanOrEqual(first.keyframes - first.tracked + 2);
  await page.getByText(/^Sessions \(/).click();
  await expect(page.getByTestId('session')).toHaveCount(2);

  // A new object name makes the detector search every kept keyframe; Stop ends the wait within 2 s.
  await ask(page, 'How far is the giraffe from the camera at frame 5?');
  const search = page.getByTestId('message-assistant').last();
  await expect(search.getByTestId('reply-progress')).toContainText('Looking for giraffe', { timeout: 60_000 });
  await page.getByRole('region', { name: 'Chat' }).getByRole('button', { name: 'Stop' }).click();
  await expect(search).toHaveAttribute('data-streaming', 'false', { timeout: 2_000 });
  await expect(search).toHaveAttribute('data-stopped', 'true');
  expect(errors).toEqual([]);
});

test('deleting the session on screen clears its map and chat', async ({ page }) => {
  await openApp(page);
  await page
    .getByTestId('open-images')
    .setInputFiles([0, 10, 20].map((i) => join(SHARED_DATA, 'redkitchen-7scenes', `frame-${String(i).padStart(6, '0')}.color.jpg`)));
  await expect(page.getByTestId('open-images')).toBeEnabled({ timeout: 60_000 });
  await ask(page, 'How far did I walk?');
  await expect(page.getByTestId('message-assistant')).toHaveAttribute('data-streaming', 'false', { timeout: 60_000 });
  await page.getByText(/^Sessions \(/).click();
  const session = page.getByTestId('session');
  await session.getByRole('button', { name: 'Delete' }).click();
  await session.getByRole('button', { name: 'Really delete' }).click();
  await expect(page.getByTestId('session')).toHaveCount(0);
  await expect(page.getByTestId('message-user')).toHaveCount(0);
  await expect(page.getByTestId('pose-count')).toHaveText('0 camera poses');
  await expect(page.getByTestId('keyframes')).toHaveText('0');
});

/** Memory once garbage is collected in the page and its workers and the browser has had a moment to settle. */
async function settledMemory(page: Page): Promise<number> {
  const collect = 'globalThis.gc?.()';
  await page.evaluate(collect);
  for (const worker of page.workers()) await worker.evaluate(collect).catch(() => {});
  await page.waitForTimeout(3000);
  return browserMemoryBytes();
}

test('five captures of the same video in one page all finish, and memory stays where the first left it', async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  await openApp(page);
  const memory: number[] = [];
  for (let i = 0; i < 5; i++) {
    if (i > 0) await page.getByRole('button', { name: 'New capture' }).click();
    await expect(page.getByTestId('keyframes')).toHaveText('0');
    const { keyframes } = await reconstruct(page, LIVING_ROOM);
    expect(keyframes, `capture ${i + 1} finished with keyframes`).toBeGreaterThan(5);
    memory.push(await settledMemory(page));
  }
  await testInfo.attach('memory-mb', { body: memory.map((b) => (b / 2 ** 20).toFixed(0)).join(', ') });
  console.log(`memory after each capture (MB): ${memory.map((b) => (b / 2 ** 20).toFixed(0)).join(', ')}`);
  expect(memory.at(-1)!).toBeLessThanOrEqual(memory[0]! * 1.1);
});
