// The installable app: cross-origin isolation on a host that sends no COOP/COEP (the service worker adds
// them from the second load), an update that waits for the end of a capture, and "Try the demo room" (the
// dev/preview server serves the shared recordings at /demo/).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { APP_URL, collectGarbage, keyframeCount, openApp, watchConsole } from './helpers';

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
  // Stop leaves decoded frames behind: every one must have been closed, not left to the garbage collector.
  await collectGarbage(page);
  expect(errors).toEqual([]);
});

test('a demo video that cannot be had gets a clear message, and the app keeps working', async ({ page, baseURL }) => {
  await openApp(page, `${APP_URL}&demo=/demo/no-such-room.webm`);
  await page.getByRole('button', { name: 'Try the demo room' }).click();
  await expect(page.getByTestId('notice')).toContainText(`The demo video is not available: ${baseURL}/demo/no-such-room.webm answered 404`);
  await expect(page.getByRole('button', { name: 'Try the demo room' })).toBeEnabled();
});

const SW_FILE = join(process.cwd(), 'dist', 'sw.js');
const swSource = readFileSync(SW_FILE, 'utf8');
test.afterEach(() => writeFileSync(SW_FILE, swSource));

test('an update: "Update available", and a Reload asked for during a capture waits until the capture ends', async ({ page }) => {
  await openApp(page, `${APP_URL}&demo=/demo/arkitscenes-47334096.webm`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.state ?? 'none')).toBe('activated');
  // A new version on the server: the same service worker with one more line. (The browser's update check of
  // the service worker script is not routable, so the built file itself changes, and is restored afterwards.)
  writeFileSync(SW_FILE, `${swSource}\n// next version\n`);
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  const stillThisPage = () => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

  await page.getByRole('button', { name: 'Try the demo room' }).click();
  await expect(page.getByTestId('capture-counters')).toContainText('arkitscenes-47334096.webm', { timeout: 60_000 });
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
  const notice = page.getByTestId('update-notice');
  await expect(notice).toContainText('Update available', { timeout: 60_000 });
  await notice.getByRole('button', { name: 'Reload' }).click();
  await expect(notice).toContainText('it will apply after the recording');
  // The capture goes on, in this same page.
  const before = await keyframeCount(page);
  await expect.poll(() => keyframeCount(page), { timeout: 120_000 }).toBeGreaterThan(before);
  expect(await stillThisPage()).toBe(true);

  // The capture ends: the new version takes over and the page reloads.
  const reloaded = page.waitForEvent('load', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await reloaded;
  expect(await stillThisPage()).toBe(false);
  await expect(page.getByTestId('update-notice')).toHaveCount(0);
});

test('"Install app" shows when the browser offers installation, and hands the choice to the browser', async ({ page }) => {
  await openApp(page, APP_URL);
  const install = page.getByRole('button', { name: 'Install app' });
  await expect(install).toHaveCount(0);
  // Chromium fires this only when its own install criteria and heuristics are met, which an automated,
  // short-lived profile does not reliably meet: the event is dispatched here with the browser's interface.
  await page.evaluate(() => {
    const offer = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: async () => {
        (window as unknown as { __prompted: boolean }).__prompted = true;
      },
      userChoice: Promise.resolve({ outcome: 'dismissed' }),
    });
    window.dispatchEvent(offer);
  });
  await install.click();
  expect(await page.evaluate(() => (window as unknown as { __prompted?: boolean }).__prompted)).toBe(true);
  await expect(install).toHaveCount(0);
});
