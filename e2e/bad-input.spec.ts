// Every failure a user can cause gets a clear message, and nothing captured is lost.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SHARED_DATA } from './chromium';
import { APP_URL, keyframeCount, openApp } from './helpers';

const IMAGES = join(SHARED_DATA, 'redkitchen-7scenes');
const imageFiles = (n: number) => Array.from({ length: n }, (_, i) => join(IMAGES, `frame-${String(i * 10).padStart(6, '0')}.color.jpg`));

test('a truncated video: a clear message, and what was captured before stays', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('open-images').setInputFiles(imageFiles(4));
  await expect.poll(() => keyframeCount(page)).toBe(4);
  await expect(page.getByTestId('open-images')).toBeEnabled();
  await page.getByTestId('open-video').setInputFiles(join(SHARED_DATA, 'videos', 'truncated.mp4'));
  // Its index promises 100 frames; the data holds the first only.
  await expect(page.getByTestId('notice').filter({ hasText: /truncated\.mp4" is damaged after \d+ of 100 frames; the frames before were kept/ })).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.getByTestId('open-video')).toBeEnabled({ timeout: 60_000 });
  // The file was a capture of its own; the images' capture is kept in Sessions, whole.
  await expect(page.getByTestId('notice').filter({ hasText: 'starts a new capture; the one before is saved in Sessions' })).toBeVisible();
  await page.getByText(/^Sessions \(/).click();
  await expect(page.getByTestId('session').filter({ hasText: '4 files' })).toHaveAttribute('data-keyframes', '4');
});

test('a file that is not a video, and files that are not images', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('open-video').setInputFiles({ name: 'notes.mp4', mimeType: 'video/mp4', buffer: Buffer.from('this is not a video at all') });
  await expect(page.getByTestId('notice').filter({ hasText: 'notes.mp4' })).toContainText(/not a video|could not be/i);
  await page.getByTestId('open-images').setInputFiles([
    { name: 'a.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('nope') },
    { name: 'b.png', mimeType: 'image/png', buffer: Buffer.from('nope either') },
  ]);
  await expect(page.getByTestId('notice').filter({ hasText: 'None of the chosen files' })).toBeVisible();
  // The app still works afterwards.
  await page.getByTestId('open-images').setInputFiles(imageFiles(3));
  await expect.poll(() => keyframeCount(page)).toBe(3);
});

test('no camera on the machine: a clear message', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Camera' }).click();
  await expect(page.getByTestId('notice')).toContainText(/No camera|permission|could not start/i);
  await page.getByTestId('open-images').setInputFiles(imageFiles(2));
  await expect.poll(() => keyframeCount(page)).toBe(2);
});

test('a model file that fails to download: a message and a retry that works', async ({ page }) => {
  let failing = true;
  await page.route('**/models/Ruicheng/**/model.onnx', (route) => (failing ? route.abort('internetdisconnected') : route.continue()));
  await page.goto(APP_URL);
  await expect(page.getByTestId('model-geometry')).toHaveAttribute('data-phase', 'error', { timeout: 60_000 });
  await expect(page.getByTestId('model-geometry')).toContainText(/Could not download model\.onnx/);
  failing = false;
  await page.getByTestId('model-geometry').getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByTestId('model-geometry')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
});

test('a model file that fails its checksum is refused', async ({ page }) => {
  await page.route('**/models/Ruicheng/**/model.onnx', async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[body.length - 1] = body[body.length - 1]! ^ 0xff; // one flipped byte
    await route.fulfill({ response, body });
  });
  await page.goto(APP_URL);
  await expect(page.getByTestId('model-geometry')).toHaveAttribute('data-phase', 'error', { timeout: 60_000 });
  await expect(page.getByTestId('model-geometry')).toContainText(/failed its checksum/);
});
