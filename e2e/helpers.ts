import { type ConsoleMessage, expect, type Locator, type Page } from '@playwright/test';

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

/** A full garbage collection in the page, then a moment for finalizers: a resource dropped without being closed
 *  (mediabunny warns about VideoSamples) shows in the console now rather than at some later, random GC. */
export async function collectGarbage(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.detach();
  await page.waitForTimeout(500);
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

/** Asks in the chat and waits for the reply, which must be measured from the map by the solver `type`; its text. */
export async function askMeasured(page: Page, question: string, type: string): Promise<string> {
  await ask(page, question);
  const answer = page.getByTestId('message-assistant').last();
  await expect(answer).toHaveAttribute('data-streaming', 'false', { timeout: 60_000 });
  await expect(answer).toHaveAttribute('data-measured', type);
  return (await answer.textContent()) ?? '';
}

/** Checks that a tap at the control's centre would hit the control itself (nothing laid over it); returns that point. */
export async function expectHittable(control: Locator): Promise<{ x: number; y: number }> {
  await control.scrollIntoViewIfNeeded();
  // As a finger does, aim where the control is once it has stopped moving (a notice above it may just have appeared).
  // Still means unmoved over 150 ms: a preview or a notice appearing moves it for a few frames.
  let box = await control.boundingBox();
  for (let i = 0, still = 0; i < 40 && still < 3; i++) {
    await control.page().waitForTimeout(50);
    const again = await control.boundingBox();
    still = JSON.stringify(again) === JSON.stringify(box) ? still + 1 : 0;
    box = again;
  }
  expect(box, 'the control has a box on screen').not.toBeNull();
  const x = box!.x + box!.width / 2;
  const y = box!.y + box!.height / 2;
  const hit = await control.evaluate(
    (el, [px, py]) => {
      const top = document.elementFromPoint(px!, py!);
      return top === el || el.contains(top) ? 'itself' : (top?.outerHTML.slice(0, 120) ?? 'nothing');
    },
    [x, y],
  );
  expect(hit, 'what a tap at the control centre hits').toBe('itself');
  return { x, y };
}

/** Taps a control as a finger would: at its centre, once nothing covers it there. */
export async function tap(page: Page, control: Locator): Promise<void> {
  const { x, y } = await expectHittable(control);
  await page.touchscreen.tap(x, y);
}

/** Nothing is wider than the screen: no horizontal scroll, and no visible element reaches past either edge. */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => {
    const width = window.innerWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width) out.push(`page scrollWidth ${document.documentElement.scrollWidth} > ${width}`);
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (r.left < -1 || r.right > width + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} spans ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
    return out;
  });
  expect(overflow).toEqual([]);
}
