// Screen sizes beyond the four the touch tests use: at each, nothing is wider than the screen and the main control
// of every section can be reached (nothing lies over it). Sizes below 900 px wide or 500 px high get the compact
// layout (one section at a time), others the three panes side by side.
import { expect, test } from '@playwright/test';
import { expectHittable, expectNoHorizontalOverflow, openApp } from './helpers';

const SIZES: [number, number][] = [
  [320, 568],
  [375, 667],
  [412, 915],
  [430, 932],
  [600, 1024],
  [667, 375],
  [932, 430],
  [899, 1000],
  [1024, 768],
  [1180, 820],
  [1366, 768],
  [1920, 1080],
];

test('every size: no horizontal scroll, and every section main control is reachable', async ({ page }) => {
  await openApp(page);
  const controls = {
    capture: page.getByRole('button', { name: 'Camera', exact: true }),
    view: page.getByRole('button', { name: 'Reset view' }),
    chat: page.getByLabel('Question'),
    library: page.getByLabel('Model tier'),
  };
  for (const [width, height] of SIZES) {
    await test.step(`${width}x${height}`, async () => {
      await page.setViewportSize({ width, height });
      const compact = width < 900 || height < 500;
      await expect(page.locator('.app')).toHaveAttribute('data-layout', compact ? 'compact' : 'wide');
      for (const [section, control] of Object.entries(controls)) {
        if (compact) await page.getByTestId(`section-${section}`).click();
        await expectHittable(control);
        await expectNoHorizontalOverflow(page);
      }
    });
  }
});
