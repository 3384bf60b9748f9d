// The live camera flow with Chromium's fake camera fed by a real recording.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, SHARED_DATA, fakeCameraArgs } from './chromium';
import { keyframeCount, openApp } from './helpers';

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

