// The installed app offline: a first visit online caches the app (service worker) and the models (the model
// loader's cache) and saves a capture; with every network request of the page, its workers and the service
// worker refused, a reload still gives a cross-origin isolated page, models loaded from the cache, the saved
// session reopening with its map, and a chat that answers.
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { SHARED_DATA } from './chromium';
import { APP_URL, ask, keyframeCount, openApp, watchConsole } from './helpers';

/** Waits until a service worker is active and controls the page. */
async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.state ?? 'none')).toBe('activated');
}

/** Waits for a model to finish loading and fails at once, with its message, if it could not. */
async function expectModelReady(page: Page, role: 'geometry' | 'detector' | 'vlm'): Promise<void> {
  const status = page.getByTestId(`model-${role}`);
  await expect(status).toHaveAttribute('data-phase', /^(ready|error)$/, { timeout: 120_000 });
  expect(`${role}: ${await status.getAttribute('data-phase')} ${await status.textContent()}`).toMatch(new RegExp(`^${role}: ready`));
}

/**
 * Every model ready (the VLM loads on the first question the map cannot answer, so one is asked). `untilDone`:
 * wait for the whole reply; else Stop once it has begun (all the first visit needs is the files in the cache).
 */
async function loadAllModels(page: Page, question: string, untilDone: boolean): Promise<void> {
  await expectModelReady(page, 'detector');
  await ask(page, question);
  await expectModelReady(page, 'vlm');
  const reply = page.getByTestId('message-assistant').last();
  await expect.poll(async () => ((await reply.locator('.text').textContent()) ?? '').length, { timeout: 120_000 }).toBeGreaterThan(0);
  if (!untilDone) await page.getByRole('region', { name: 'Chat' }).getByRole('button', { name: 'Stop' }).click();
  await expect(reply).toHaveAttribute('data-streaming', 'false', { timeout: 120_000 });
  await expect(reply.locator('.error')).toHaveCount(0);
}

/** Offline as far as Chromium can be: no network, and anything that still tries is aborted and noted. */
async function goOffline(context: BrowserContext): Promise<string[]> {
  const refused: string[] = [];
  await context.setOffline(true);
  await context.route('**/*', (route) => {
    refused.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  return refused;
}

test('offline: the app reloads from its service worker, isolated, with models from the cache, the saved session and a chat that answers', async ({
  context,
  page,
  baseURL,
}, testInfo) => {
  test.setTimeout(420_000); // two full loads of every model, on a slow shared machine
  const origin = new URL(baseURL!).origin;
  const requested: string[] = [];
  // Context-wide: the page, its workers and (Chromium) the service worker's own fetches.
  context.on('request', (r) => requested.push(r.url()));

  await openApp(page, APP_URL);
  await waitForServiceWorker(page);
  // A capture, saved as it grows; the reload below interrupts it.
  await page.getByTestId('open-video').setInputFiles(join(SHARED_DATA, 'videos', 'redkitchen.webm'));
  await expect.poll(() => keyframeCount(page), { timeout: 150_000 }).toBeGreaterThanOrEqual(5);
  await loadAllModels(page, 'What colour are the walls?', false);

  const refused = await goOffline(context);
  const errors = watchConsole(page);
  await page.reload();
  await expectModelReady(page, 'geometry');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');

  // The saved session reopens offline with its map and camera path.
  await page.getByText(/^Sessions \(/).click();
  const session = page.getByTestId('session').filter({ hasText: 'redkitchen.webm' });
  await expect(session).toHaveCount(1);
  expect(Number(await session.getAttribute('data-keyframes'))).toBeGreaterThan(0);
  await session.getByRole('button', { name: 'Open' }).click();
  const count = async (id: string) => Number(((await page.getByTestId(id).textContent()) ?? '').replace(/\D/g, ''));
  await expect.poll(() => count('pose-count'), { timeout: 30_000 }).toBeGreaterThan(0);
  expect(await count('point-count')).toBeGreaterThan(0);

  await loadAllModels(page, 'What is on the counter?', true);

  await testInfo.attach('requests', { body: requested.join('\n'), contentType: 'text/plain' });
  await testInfo.attach('refused-offline', { body: refused.join('\n'), contentType: 'text/plain' });
  const elsewhere = requested.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:') && new URL(u).origin !== origin);
  expect(elsewhere).toEqual([]);
  expect(errors).toEqual([]);
});
