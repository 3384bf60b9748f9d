// Camera permission denied (Chromium answers every permission prompt with "Block").
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, SHARED_DATA } from './chromium';
import { keyframeCount, openApp } from './helpers';

test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${join(SHARED_DATA, 'videos', 'redkitchen-camera.mjpeg')}`,
      '--deny-permission-prompts',
    ],
  },
});

test('camera permission denied: a clear message, and the app keeps working', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Camera' }).click();
  await expect(page.getByTestId('notice')).toContainText('Camera permission was denied', { timeout: 20_000 });
  await page.getByTestId('open-images').setInputFiles(join(SHARED_DATA, 'redkitchen-7scenes', 'frame-000000.color.jpg'));
  await expect.poll(() => keyframeCount(page)).toBe(1);
});
