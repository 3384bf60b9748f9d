import { expect, type ConsoleMessage, type Page } from '@playwright/test';

/** The app with the fixture models served from its own origin. */
export const APP_URL = '/?models=/models';

/** Collects console errors and uncaught page errors, so a test can assert there were none. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

export async function openApp(page: Page, url = APP_URL): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('model-geometry')).toHaveAttribute('data-phase', 'ready', { timeout: 120_000 });
}

export async function keyframeCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('keyframes').textContent());
}

export async function ask(page: Page, question: string): Promise<void> {
  await page.getByLabel('Question').fill(question);
  await page.getByRole('button', { name: 'Send' }).click();
}
