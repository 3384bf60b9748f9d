// Keyboard only, as a person who cannot use a pointer: Tab reaches every control (each with a visible focus ring),
// Enter opens a video through the file picker, the question is typed and sent with Enter, the answer is read from
// the live region a screen reader announces, and the 3D view turns and resets by keys.
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { SHARED_DATA } from './chromium';
import { openApp } from './helpers';

/** What has focus: its accessible-ish name, and whether it shows a focus ring. */
async function focused(page: Page): Promise<{ name: string; ring: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { name: '(page)', ring: false };
    const style = getComputedStyle(el);
    const name = el.getAttribute('aria-label') ?? (el.textContent?.trim() || el.tagName.toLowerCase());
    return { name: name.slice(0, 60), ring: style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0 };
  });
}

/** Presses Tab until the focused control's name starts with `name`; fails if a whole round does not reach it. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if ((await focused(page)).name.startsWith(name)) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

async function cameraPosition(page: Page): Promise<number[]> {
  return page.evaluate(async () => (await (window as unknown as { __room3r: { viewStats(): Promise<{ camera: number[] }> } }).__room3r.viewStats()).camera);
}

test('keyboard only: every control is reachable with a focus ring; open a video, ask, read the answer', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);

  // One round of Tab visits every control on the page, each showing where the focus is.
  const controls = await page.evaluate(
    () =>
      [...document.querySelectorAll<HTMLElement>('button, select, textarea, input, summary, [tabindex="0"]')].filter(
        (el) => !(el as HTMLButtonElement).disabled && el.checkVisibility({ visibilityProperty: true }),
      ).length,
  );
  const seen: { name: string; ring: boolean }[] = [];
  for (let i = 0; i < controls + 5; i++) {
    await page.keyboard.press('Tab');
    seen.push(await focused(page));
  }
  const names = new Set(seen.map((f) => f.name).filter((n) => n !== '(page)'));
  for (const name of [
    'Model tier',
    'Download models',
    'Sessions',
    'Camera',
    'Open video',
    'Try the demo room',
    'Open images',
    '3D reconstruction',
    'Reset view',
    'Measure',
    'Question',
  ]) {
    expect(
      [...names].some((n) => n.startsWith(name)),
      `Tab reaches ${name}`,
    ).toBe(true);
  }
  expect(names.size).toBe(controls);
  expect(seen.filter((f) => f.name !== '(page)' && !f.ring)).toEqual([]);

  // Open a video: Enter on "Open video" opens the file picker.
  await page.locator('body').focus();
  await tabTo(page, 'Open video');
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await (await chooser).setFiles(join(SHARED_DATA, 'videos', 'redkitchen.webm'));
  await expect.poll(async () => Number(await page.getByTestId('keyframes').textContent()), { timeout: 60_000 }).toBeGreaterThan(2);
  await tabTo(page, 'Stop');
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Open video' })).toBeEnabled({ timeout: 120_000 });

  // Ask: type and press Enter; the answer is announced.
  await tabTo(page, 'Question');
  await page.keyboard.type('How far did the camera move between frame 1 and frame 20?');
  await page.keyboard.press('Enter');
  const announcer = page.getByTestId('chat-announcer');
  await expect(announcer).toHaveAttribute('role', 'status');
  await expect(announcer).toContainText(/answer/i, { timeout: 60_000 });
  const answer = (await page.getByTestId('message-assistant').first().locator('.text').textContent()) ?? '';
  expect(answer.trim().length).toBeGreaterThan(0);
  await expect(announcer).toContainText(answer.trim());

  // The 3D view: arrows turn it, Home frames the map again.
  await tabTo(page, '3D reconstruction');
  expect((await focused(page)).ring).toBe(true);
  await page.keyboard.press('Home');
  const home = await cameraPosition(page);
  const awayFromHome = async () => Math.max(...(await cameraPosition(page)).map((v, i) => Math.abs(v - home[i]!)));
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('+');
  await expect.poll(awayFromHome).toBeGreaterThan(0.05);
  await page.keyboard.press('Home');
  await expect.poll(awayFromHome).toBeLessThan(1e-6);
});
