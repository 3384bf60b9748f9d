// An RGB-D folder (7-Scenes layout) through "Open images": its own depth replaces the depth model,
// and tracking puts every frame into one map, closing the loop where the walk comes back.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { expect, test } from '@playwright/test';
import { SHARED_DATA } from './chromium';
import { keyframeCount, openApp, watchConsole } from './helpers';

const FOLDER = join(SHARED_DATA, 'redkitchen-7scenes');

test('the redkitchen RGB-D folder becomes one tracked map', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await openApp(page);
  const files = readdirSync(FOLDER).map((f) => join(FOLDER, f));
  await page.getByTestId('open-images').setInputFiles(files);
  await expect.poll(() => keyframeCount(page), { timeout: 150_000 }).toBe(100);
  await expect(page.getByTestId('open-images')).toBeEnabled({ timeout: 60_000 });
  const poses = Number((await page.getByTestId('pose-count').textContent())!.replace(/\D/g, ''));
  expect(poses).toBeGreaterThanOrEqual(98);
  await expect(page.getByTestId('notice').filter({ hasText: 'RGB-D set' })).toBeVisible();
  // The walk comes back past views of half a minute before: the loop is closed and the user is told.
  await expect(page.getByTestId('notice').filter({ hasText: 'Recognised a place seen earlier' })).toBeVisible();
  // Given depth: no depth-model time, and the map spans a kitchen, not a mess.
  await expect(page.getByTestId('depth-model')).toHaveText('not used: depth came with the frames');
  const extent = (await page.locator('.view-overlay span').nth(2).textContent())!.split('×').map((v) => parseFloat(v));
  for (const e of extent) {
    expect(e).toBeGreaterThan(1);
    expect(e).toBeLessThan(8);
  }
  await page.screenshot({ path: testInfo.outputPath('redkitchen-rgbd.png') });
  expect(errors).toEqual([]);
});

test('depth that cannot be used gets a clear message and the frame still counts', async ({ page }) => {
  await openApp(page);
  const zero = Buffer.from(encode({ width: 640, height: 480, data: new Uint16Array(640 * 480), depth: 16, channels: 1 }));
  const file = (name: string, mimeType: string) => ({ name, mimeType, buffer: readFileSync(join(FOLDER, name)) });
  await page
    .getByTestId('open-images')
    .setInputFiles([
      file('frame-000000.color.jpg', 'image/jpeg'),
      { name: 'frame-000000.depth.png', mimeType: 'image/png', buffer: zero },
      file('camera-intrinsics.txt', 'text/plain'),
    ]);
  await expect(page.getByTestId('notice').filter({ hasText: 'frame-000000.depth.png' })).toContainText('no valid depth');
  await expect.poll(() => keyframeCount(page)).toBe(1);
});
