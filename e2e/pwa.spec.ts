// The installable app: cross-origin isolation on a host that sends no COOP/COEP (the service worker adds
// them from the second load), and "Try the demo room" (the dev/preview server serves the shared recordings
// at /demo/).
import { expect, test } from '@playwright/test';
import { APP_URL, keyframeCount, openApp, watchConsole } from './helpers';

test('a host without COOP/COEP: the first load is not isolated, the reload served by the service worker is', async ({ context, page }) => {
  // The preview server's isolation headers are taken off every response that reaches the network,
  // as a static host that cannot set headers would serve them.
  await context.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = response.headers();
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  await openApp(page, APP_URL);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.state ?? 'none')).toBe('activated');

  await page.reload();
  await expect(page.getByTestId('model-geometry')).toHaveAttribute('data-phase', 'ready', { timeout: 120_000 });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
});

test('"Try the demo room" downloads the configured video and reconstructs it like an opened file', async ({ page }) => {
  const errors = watchConsole(page);
  await openApp(page, `${APP_URL}&demo=/demo/arkitscenes-47334096.webm`);
  await page.getByRole('button', { name: 'Try the demo room' }).click();
  await expect(page.getByTestId('capture-counters')).toContainText('arkitscenes-47334096.webm', { timeout: 60_000 });
  await expect.poll(() => keyframeCount(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('button', { name: 'Try the demo room' })).toBeEnabled({ timeout: 60_000 });
  expect(errors).toEqual([]);
});

test('a demo video that cannot be had gets a clear message, and the app keeps working', async ({ page, baseURL }) => {
  await openApp(page, `${APP_URL}&demo=/demo/no-such-room.webm`);
  await page.getByRole('button', { name: 'Try the demo room' }).click();
  await expect(page.getByTestId('notice')).toContainText(`The demo video is not available: ${baseURL}/demo/no-such-room.webm answered 404`);
  await expect(page.getByRole('button', { name: 'Try the demo room' })).toBeEnabled();
});
