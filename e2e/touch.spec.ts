// Phones and tablets, used by touch: at each size a person taps Camera, records from the (fake) camera and sees the
// record indicator count, stops, taps the chat box, types a question and gets an answer, then taps Open video and
// opens a file. Every tap lands on the control itself (checked with elementFromPoint), and nothing is ever wider
// than the screen.
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, fakeCameraArgs, SHARED_DATA } from './chromium';
import { expectNoHorizontalOverflow, keyframeCount, openApp, tap } from './helpers';

const SIZES = [
  { name: 'phone 390x844', width: 390, height: 844 },
  { name: 'small phone 360x740', width: 360, height: 740 },
  { name: 'phone landscape 844x390', width: 844, height: 390 },
  { name: 'tablet 768x1024', width: 768, height: 1024 },
];

/** Seconds on the record indicator (m:ss). */
async function recordedSeconds(page: Page): Promise<number> {
  const [m, s] = ((await page.getByTestId('record-time').textContent()) ?? '0:00').split(':').map(Number);
  return m! * 60 + s!;
}

test.use({
  launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeCameraArgs(join(SHARED_DATA, 'videos', 'redkitchen-camera.mjpeg'))] },
});

for (const size of SIZES) {
  test.describe(size.name, () => {
    test.use({
      viewport: { width: size.width, height: size.height },
      hasTouch: true,
      isMobile: true,
    });

    test('record, ask and open a video by touch', async ({ page }) => {
      test.setTimeout(240_000);
      await openApp(page);
      await expectNoHorizontalOverflow(page);
      const section = (name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name });

      // Record from the camera: the indicator shows and counts, the screen is kept on.
      await tap(page, page.getByRole('button', { name: 'Camera', exact: true }));
      await tap(page, page.getByRole('button', { name: 'Record' }));
      const indicator = page.getByTestId('record-indicator');
      await expect(indicator).toBeVisible();
      await expect(indicator).toHaveAttribute('data-wake-lock', 'on');
      await expect.poll(() => recordedSeconds(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      await expect.poll(() => keyframeCount(page), { timeout: 30_000 }).toBeGreaterThan(0);
      await expectNoHorizontalOverflow(page);
      await tap(page, page.getByRole('button', { name: 'Stop' }));
      await expect(indicator).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Record' })).toBeVisible({ timeout: 120_000 });
      const keyframes = await keyframeCount(page);
      expect(keyframes).toBeGreaterThan(0);

      // Ask by tapping the chat box and typing.
      await tap(page, section('Chat'));
      await tap(page, page.getByLabel('Question'));
      await page.keyboard.type('How far did I walk?');
      await tap(page, page.getByRole('button', { name: 'Send' }));
      const reply = page.getByTestId('message-assistant').first();
      await expect(reply).toHaveAttribute('data-streaming', 'false', { timeout: 60_000 });
      const answer = ((await reply.locator('.text').textContent()) ?? '').trim();
      expect(answer.length).toBeGreaterThan(0);
      await expect(page.getByTestId('chat-announcer')).toContainText(answer);
      await expectNoHorizontalOverflow(page);

      // An on-screen keyboard takes the lower part of the screen (browsers resize the page for it): the box stays above.
      if (size.height > size.width) {
        await tap(page, page.getByLabel('Question'));
        await page.setViewportSize({ width: size.width, height: Math.round(size.height * 0.55) });
        await tap(page, page.getByLabel('Question'));
        await page.keyboard.type('x');
        await expect(page.getByLabel('Question')).toHaveValue('x');
        await page.setViewportSize({ width: size.width, height: size.height });
      }

      // Open a video by touch: the file picker opens and the file is reconstructed.
      await tap(page, section('Capture'));
      await tap(page, page.getByRole('button', { name: 'Close camera' }));
      const chooser = page.waitForEvent('filechooser');
      await tap(page, page.getByRole('button', { name: 'Open video' }));
      await (await chooser).setFiles(join(SHARED_DATA, 'videos', 'redkitchen.webm'));
      await expect.poll(async () => Number(await page.getByTestId('frames-seen').textContent()), { timeout: 60_000 }).toBeGreaterThan(0);
      await expect(page.getByTestId('preview-frames')).toBeVisible();
      await expectNoHorizontalOverflow(page);
      await tap(page, page.getByRole('button', { name: 'Stop' }));
      await expect(page.getByRole('button', { name: 'Open video' })).toBeEnabled({ timeout: 120_000 });

      // The library (models, sessions) is a section of its own, and fits too.
      await tap(page, section('Library'));
      await tap(page, page.locator('.sessions summary'));
      await expect(page.getByTestId('session').first()).toBeVisible();
      await expectNoHorizontalOverflow(page);
    });
  });
}
