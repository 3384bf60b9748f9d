// The camera as a phone user meets it, on a device with two cameras (Chromium's two fake cameras): a switch between
// them before recording, and the camera released when the page goes to the background, with the way to go on said
// and nothing recorded lost.
import { expect, type Page, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { keyframeCount, openApp, tap } from './helpers';

test.use({
  viewport: { width: 390, height: 844 },
  hasTouch: true,
  isMobile: true,
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream=device-count=2'],
  },
});

/** The camera the preview shows (null: none). */
function previewCamera(page: Page): Promise<string | null> {
  return page.getByTestId('preview').evaluate((v: HTMLVideoElement) => {
    const track = (v.srcObject as MediaStream | null)?.getVideoTracks()[0];
    return track?.readyState === 'live' ? (track.getSettings().deviceId ?? null) : null;
  });
}

/**
 * What the browser does when the user switches app or locks the phone. Headless Chromium cannot hide a page from
 * outside, so the page's visibility is set and the event fired as the browser would.
 */
function setPageVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  return page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
    Object.defineProperty(document, 'hidden', { value: s === 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

test('switch camera, and the camera released in the background without losing the recording', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await tap(page, page.getByRole('button', { name: 'Camera', exact: true }));
  await expect.poll(() => previewCamera(page)).not.toBeNull();
  const first = await previewCamera(page);
  await tap(page, page.getByRole('button', { name: 'Switch camera' }));
  // A phone cannot hold both cameras: the preview is empty for a moment between the two.
  await expect
    .poll(async () => {
      const now = await previewCamera(page);
      return now !== null && now !== first;
    })
    .toBe(true);
  await tap(page, page.getByRole('button', { name: 'Switch camera' }));
  await expect.poll(() => previewCamera(page)).toBe(first);

  // Recording, then the page goes to the background: the camera is released and the user told how to go on.
  await tap(page, page.getByRole('button', { name: 'Record' }));
  await expect.poll(() => keyframeCount(page), { timeout: 60_000 }).toBeGreaterThan(0);
  await setPageVisibility(page, 'hidden');
  await expect.poll(() => previewCamera(page)).toBeNull();
  await expect(page.getByTestId('record-indicator')).toHaveCount(0);
  await expect(page.getByTestId('notice').filter({ hasText: 'Recording paused' })).toContainText('Tap Camera, then Record');
  await setPageVisibility(page, 'visible');
  await expect(page.getByRole('button', { name: 'Camera', exact: true })).toBeEnabled({ timeout: 60_000 });
  const kept = await keyframeCount(page);
  expect(kept).toBeGreaterThan(0);

  // Going on adds to the same map and session.
  await tap(page, page.getByRole('button', { name: 'Camera', exact: true }));
  // The preview taking its place moves the controls below it: tap Record once it is there, as a person would.
  await expect.poll(() => previewCamera(page)).not.toBeNull();
  await tap(page, page.getByRole('button', { name: 'Record' }));
  await expect.poll(() => keyframeCount(page), { timeout: 60_000 }).toBeGreaterThan(kept);
  await tap(page, page.getByRole('button', { name: 'Stop' }));
  await expect(page.getByRole('button', { name: 'Record' })).toBeVisible({ timeout: 120_000 });
  await tap(page, page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Library' }));
  await expect(page.locator('.sessions summary')).toHaveText('Sessions (1)');
});
