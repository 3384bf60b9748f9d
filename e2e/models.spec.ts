// The model manager: sizes before downloading, a tier switch that is remembered, a download of the fixture models
// that completes, delete, and a paused download that resumes with an HTTP Range request (from a throttled copy of the
// fixtures on the same origin, so there is time to pause half-way).
import { expect, type Page, test } from '@playwright/test';
import { APP_URL, watchConsole } from './helpers';

async function cachedUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await (await caches.open('room3r-models-v1')).keys()).map((r) => r.url));
}

test('sizes before download, tier switch remembered, download completes, delete removes the files', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto(APP_URL);
  const pane = page.getByTestId('models-pane');
  const tierSelect = pane.getByLabel('Model tier');
  await expect(tierSelect).toHaveValue('quality');
  await expect(tierSelect.locator('option')).toHaveText([/^Quality: .*Qwen3-VL.*\(\d+ kB\)$/, /^Light: .*SmolVLM.*\(\d+ kB\)$/]);
  await expect(pane.getByTestId('models-download')).toHaveText(/^Download models \(\d+ kB\)$/);
  const qualitySize = await pane.getByTestId('models-download').textContent();

  // The light tier is remembered across a reload; the quality tier again for the download.
  await tierSelect.selectOption('light');
  await expect(pane).toHaveAttribute('data-tier', 'light');
  // The mirror's SmolVLM fixture: its own (exact) size on the button, not the quality tier's.
  await expect(pane.getByTestId('models-download')).not.toHaveText(qualitySize!);
  await expect(pane.getByTestId('models-download')).toHaveText(/^Download models \(\d+ kB\)$/);
  await page.reload();
  await expect(page.getByLabel('Model tier')).toHaveValue('light');
  await page.getByLabel('Model tier').selectOption('quality');

  await pane.getByTestId('models-download').click();
  await expect(pane).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
  await expect(pane.getByTestId('models-done')).toHaveText('Models downloaded');
  await expect(pane.getByTestId('models-storage')).toContainText(/Storage: .* used of /);
  await pane.locator('summary').click();
  for (const id of ['moge-2-vits', 'owlv2-base-patch16', 'qwen3-vl-2b']) {
    await expect(pane.getByTestId(`models-model-${id}`)).toHaveAttribute('data-state', 'cached');
  }
  expect((await cachedUrls(page)).filter((u) => u.includes('Qwen3-VL')).length).toBeGreaterThan(5);

  await pane.getByTestId('models-model-qwen3-vl-2b').getByRole('button', { name: 'Delete' }).click();
  await expect(pane.getByTestId('models-model-qwen3-vl-2b')).toHaveAttribute('data-state', 'missing');
  expect((await cachedUrls(page)).filter((u) => u.includes('Qwen3-VL'))).toEqual([]);
  await expect(pane.getByTestId('models-model-moge-2-vits')).toHaveAttribute('data-state', 'cached');
  await expect(pane.getByTestId('models-download')).toHaveText(/^Download models \(\d+ kB\)$/);
  expect(errors).toEqual([]);
});

test('Download pressed right after a tier switch downloads the new tier: the click is never dropped', async ({ page }) => {
  await page.goto(APP_URL);
  const pane = page.getByTestId('models-pane');
  await expect(pane.getByTestId('models-download')).toBeVisible();
  // No wait between the two: the switch's cache scan is still running when Download is pressed.
  await pane.getByLabel('Model tier').selectOption('light');
  await pane.getByTestId('models-download').click();
  await expect(pane).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
  await expect(pane).toHaveAttribute('data-tier', 'light');
  await pane.locator('summary').click();
  await expect(pane.getByTestId('models-model-smolvlm-256m')).toHaveAttribute('data-state', 'cached');
});

test('from the hub: the size first (1.9 GB on this device), and nothing downloads before Download is pressed', async ({ page }) => {
  const hubRequests: string[] = [];
  await page.route('https://huggingface.co/**', (route) => {
    hubRequests.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  await page.goto('/');
  await expect(page.getByTestId('models-download')).toHaveText('Download models (1.9 GB)');
  await page.waitForTimeout(1000);
  expect(hubRequests).toEqual([]);
  await expect(page.getByTestId('model-geometry')).toHaveAttribute('data-phase', 'idle');
});

test('a network failure mid-download: a clear message, and Resume finishes it', async ({ page }) => {
  let failing = true;
  await page.route('**/models/onnx-community/**/decoder_model_merged_q4.onnx_data', (route) =>
    failing ? route.abort('internetdisconnected') : route.continue(),
  );
  await page.goto(APP_URL);
  const pane = page.getByTestId('models-pane');
  await pane.getByTestId('models-download').click();
  await expect(pane).toHaveAttribute('data-phase', 'error', { timeout: 60_000 });
  await expect(pane.getByTestId('models-error')).toContainText(/Could not download decoder_model_merged_q4\.onnx_data: the network is unreachable.*Resume/);
  failing = false;
  await pane.getByRole('button', { name: 'Resume' }).click();
  await expect(pane).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
});

test.describe('from a slow server', () => {
  // The preview server's throttled copy of the fixture models (64 KiB/s), so there is time to pause half-way.
  const base = '/models-slow';

  test('progress with speed and ETA; a paused download resumes with a Range request', async ({ page }) => {
    const ranges: string[] = [];
    await page.route(`**${base}/**`, (route) => {
      const range = route.request().headers().range;
      if (range) ranges.push(`${new URL(route.request().url()).pathname} ${range}`);
      return route.continue();
    });
    await page.goto(`/?models=${encodeURIComponent(base)}`);
    const pane = page.getByTestId('models-pane');
    await pane.getByTestId('models-download').click();
    await expect(pane).toHaveAttribute('data-phase', 'downloading');
    await expect(pane.getByTestId('models-progress')).toContainText(/\/s · .* left/, { timeout: 30_000 });
    // Pause inside a big file, well before its end.
    const current = pane.getByTestId('models-current');
    await expect
      .poll(
        async () => {
          const [path, loaded, total] = await Promise.all(['data-path', 'data-loaded', 'data-total'].map((a) => current.getAttribute(a).catch(() => null)));
          return !!path?.endsWith('.onnx_data') && Number(loaded) > 0 && Number(loaded) < Number(total) - 40_000;
        },
        { timeout: 60_000, intervals: [50] },
      )
      .toBe(true);
    await pane.getByRole('button', { name: 'Pause' }).click();
    await expect(pane).toHaveAttribute('data-phase', 'paused');
    const kept = Number(await current.getAttribute('data-loaded'));
    const pausedFile = await current.getAttribute('data-path');
    expect(kept).toBeGreaterThan(0);
    await page.waitForTimeout(500);
    expect(Number(await current.getAttribute('data-loaded'))).toBe(kept); // nothing arrives while paused

    await pane.getByRole('button', { name: 'Resume' }).click();
    await expect(pane).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
    expect(ranges).toContain(`${base}/onnx-community/Qwen3-VL-2B-Instruct-ONNX/${pausedFile} bytes=${kept}-`);
  });
});
