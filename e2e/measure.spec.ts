// The 3D view's measuring tool and answer highlights, on a small map from a few RGB-D frames: two clicks on
// map points give a distance in metres (picked in the render worker), a drag still orbits, Escape clears;
// highlights sent to the view are reported back.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { SHARED_DATA } from './chromium';
import { keyframeCount, openApp, watchConsole } from './helpers';

const FOLDER = join(SHARED_DATA, 'redkitchen-7scenes');
/** Enough frames for a map to click on, few enough to stay quick on a software GPU. */
const FRAMES = 8;

// A touch screen as well as a mouse: a tap picks like a click.
test.use({ hasTouch: true });

interface Highlights {
  boxes: number;
  segments: number;
  boxLabels: string[];
  segmentLabels: string[];
  measure: { active: boolean; points: number[][]; distance: number | null; label: string | null; picks: number; pickMs: number | null };
}
interface Room3r {
  highlights(): Promise<Highlights>;
  showHighlights(h: unknown): void;
  viewStats(): Promise<{ points: number }>;
}
const highlights = (page: Page) => page.evaluate(() => (window as unknown as { __room3r: Room3r }).__room3r.highlights());
const viewPoints = (page: Page) => page.evaluate(async () => (await (window as unknown as { __room3r: Room3r }).__room3r.viewStats()).points);
const showHighlights = (page: Page, h: unknown) => page.evaluate((arg) => (window as unknown as { __room3r: Room3r }).__room3r.showHighlights(arg), h);

test('measure two map points, orbit between clicks, clear with Escape; highlights are reported', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await openApp(page);
  const all = readdirSync(FOLDER);
  const stems = all
    .filter((f) => f.endsWith('.color.jpg'))
    .sort()
    .slice(0, FRAMES)
    .map((f) => f.replace('.color.jpg', ''));
  const files = all.filter((f) => f === 'camera-intrinsics.txt' || stems.some((s) => f.startsWith(`${s}.`))).map((f) => join(FOLDER, f));
  await page.getByTestId('open-images').setInputFiles(files);
  await expect.poll(() => keyframeCount(page), { timeout: 120_000 }).toBe(FRAMES);
  await expect(page.getByTestId('open-images')).toBeEnabled({ timeout: 60_000 });
  await expect.poll(() => viewPoints(page)).toBeGreaterThan(10_000);
  await page.getByRole('button', { name: 'Reset view' }).click();

  const toggle = page.getByTestId('measure-toggle');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const readout = page.getByTestId('measure-readout');
  await expect(readout).toHaveText('Click a point on the map');

  const canvas = page.getByLabel('3D reconstruction');
  const box = (await canvas.boundingBox())!;
  let picks = 0;
  /** Clicks at (dx, dy) from the canvas centre and waits for the render worker's readout of that click. */
  const clickAt = async (dx: number, dy: number, touch = false) => {
    const x = box.x + box.width / 2 + dx;
    const y = box.y + box.height / 2 + dy;
    if (touch) await page.touchscreen.tap(x, y);
    else await page.mouse.click(x, y);
    picks++;
    await expect(readout).toHaveAttribute('data-picks', String(picks));
    return Number(await readout.getAttribute('data-points'));
  };
  // Candidate spots around the centre (the map is framed there), nearest first.
  const spots: [number, number][] = [];
  for (const r of [0, 40, 80, 120, 160])
    for (let a = 0; a < (r ? 8 : 1); a++) spots.push([Math.round(r * Math.cos((a * Math.PI) / 4)), Math.round(r * Math.sin((a * Math.PI) / 4))]);

  let first: [number, number] | null = null;
  for (const s of spots) {
    if ((await clickAt(...s)) === 1) {
      first = s;
      break;
    }
    await expect(readout).toContainText('No map point there');
  }
  expect(first, 'no map point under any of the spots tried').not.toBeNull();
  await expect(readout).toHaveText('Click the second point');

  // A drag orbits the view and picks nothing.
  const before = await highlights(page);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 10, { steps: 5 });
  await page.mouse.up();
  await page.getByRole('button', { name: 'Reset view' }).click(); // back to where the spots were found
  const afterDrag = await highlights(page);
  expect(afterDrag.measure.picks).toBe(before.measure.picks);
  expect(afterDrag.measure.points).toHaveLength(1);

  // The second point: the spot farthest from the first that hits the map.
  const far = spots.filter((s) => s !== first).sort((a, b) => Math.hypot(b[0] - first![0], b[1] - first![1]) - Math.hypot(a[0] - first![0], a[1] - first![1]));
  let second = false;
  for (const s of far) {
    if ((await clickAt(...s)) === 2) {
      second = true;
      break;
    }
  }
  expect(second, 'no second map point found').toBe(true);
  const text = (await readout.textContent())!;
  expect(text).toMatch(/^\d+\.\d{1,3} m$/);
  const metres = parseFloat(text);
  expect(metres).toBeGreaterThan(0.01);
  expect(metres).toBeLessThan(10);
  const measured = await highlights(page);
  expect(measured.measure.points).toHaveLength(2);
  expect(measured.measure.label).toBe(text);
  expect(measured.measure.distance!).toBeCloseTo(metres, 2);
  expect(measured.measure.pickMs!).toBeLessThan(1000);
  await page.screenshot({ path: testInfo.outputPath('measure.png') });
  await testInfo.attach('measure', { path: testInfo.outputPath('measure.png'), contentType: 'image/png' });

  // A third click (a tap, here) starts a new measurement.
  expect(await clickAt(...first!, true)).toBe(1);
  // Escape clears it; a second Escape turns the tool off.
  await page.keyboard.press('Escape');
  await expect(readout).toHaveText('Click a point on the map');
  expect((await highlights(page)).measure.points).toHaveLength(0);
  await page.keyboard.press('Escape');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(readout).toHaveCount(0);

  // An answer's highlights (gravity frame): drawn, framed, reported, and cleared with null.
  await showHighlights(page, {
    boxes: [
      {
        box: {
          center: [0, 0.5, -1],
          axes: [
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
          ],
          size: [0.6, 1, 0.5],
        },
        label: 'chair',
      },
    ],
    segments: [{ from: [0, 0.5, -1], to: [1.2, 0.5, -1.5], label: '1.30 m' }],
  });
  await expect.poll(() => highlights(page)).toMatchObject({ boxes: 1, segments: 1, boxLabels: ['chair'], segmentLabels: ['1.30 m'] });
  await page.waitForTimeout(1000); // the camera's flight to the highlights
  await page.screenshot({ path: testInfo.outputPath('highlights.png') });
  await testInfo.attach('highlights', { path: testInfo.outputPath('highlights.png'), contentType: 'image/png' });
  await showHighlights(page, null);
  await expect.poll(() => highlights(page)).toMatchObject({ boxes: 0, segments: 0, boxLabels: [], segmentLabels: [] });

  // A new capture clears both highlights and the measurement.
  await showHighlights(page, { boxes: [], segments: [{ from: [0, 0, 0], to: [0, 1, 0], label: '1.00 m' }] });
  await page.getByRole('button', { name: 'Reset view' }).click(); // the flight to the highlights moved the camera
  await toggle.click();
  picks = 0; // counted afresh each time the tool is turned on
  expect(await clickAt(...first!)).toBe(1);
  await expect.poll(() => highlights(page).then((h) => h.segments)).toBe(1);
  await page.getByRole('button', { name: 'New capture' }).click();
  await expect.poll(() => highlights(page)).toMatchObject({ boxes: 0, segments: 0, measure: { active: true, points: [] } });
  await expect(readout).toHaveText('Click a point on the map');
  expect(errors).toEqual([]);
});
