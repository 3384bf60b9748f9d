import { describe, expect, it } from 'vitest';
import { INDOOR_VOCABULARY } from '../perception/vocabulary';
import type { OrientedBox } from '../spatial/types';
import { DEFAULT_DETECTION_SIM, NEAR_CATEGORIES, ORACLE_DETECTIONS, type SimFrame, type SimObject, simulateDetections, visibleBoxes } from './detectionSim';

// A camera at the origin looking along +z (camera frame = world), 200x200 pixels, f = 100.
const W = 200;
const intrinsics = { fx: 100, fy: 100, cx: 100, cy: 100 };
const pose = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
/** A 1 m square facing the camera at 2 m, centred on pixel (u, v): it projects to 50x50 pixels. */
const square = (u: number, v: number): OrientedBox => ({
  center: [((u - 100) / 100) * 2, ((v - 100) / 100) * 2, 2],
  axes: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  size: [1, 1, 0.01],
});

function frameWith(rects: { id: number; x0: number; y0: number; x1: number; y1: number }[], index: number): SimFrame {
  const instance = new Uint16Array(W * W);
  for (const r of rects) for (let y = r.y0; y < r.y1; y++) for (let x = r.x0; x < r.x1; x++) instance[y * W + x] = r.id;
  return { index, width: W, height: W, instance, pose, intrinsics };
}

const objects: SimObject[] = [
  { instance: 1, label: 'chair', box: square(50, 50) },
  { instance: 2, label: 'table', box: square(150, 150) },
];
const fullyVisible = [
  { id: 1, x0: 25, y0: 25, x1: 75, y1: 75 },
  { id: 2, x0: 125, y0: 125, x1: 175, y1: 175 },
];

describe('simulateDetections', () => {
  it('with every error off gives each visible object its exact visible box and label', () => {
    const dets = simulateDetections(frameWith(fullyVisible, 0), objects, { seed: 1, ...ORACLE_DETECTIONS });
    expect(dets.map((d) => [d.label, d.box])).toEqual([
      ['chair', { xmin: 25, ymin: 25, xmax: 75, ymax: 75 }],
      ['table', { xmin: 125, ymin: 125, xmax: 175, ymax: 175 }],
    ]);
    // Too small to see: not detectable even by the oracle.
    expect(simulateDetections(frameWith([{ id: 1, x0: 0, y0: 0, x1: 5, y1: 5 }], 0), objects, { seed: 1, ...ORACLE_DETECTIONS })).toEqual([]);
  });

  it('by default misses 15 % of fully visible objects, adds 0.3 false boxes a frame, swaps 5 % of labels and jitters edges by 10 %', () => {
    // Each error measured with the others off.
    const only = (change: Partial<typeof ORACLE_DETECTIONS>) => ({ seed: 7, ...ORACLE_DETECTIONS, ...change });
    const frames = 4000;
    let found = 0;
    let extra = 0;
    let swapped = 0;
    const edgeErrors: number[] = [];
    for (let i = 0; i < frames; i++) {
      const frame = frameWith(fullyVisible, i);
      found += simulateDetections(frame, objects, only({ missRate: DEFAULT_DETECTION_SIM.missRate })).length;
      extra += simulateDetections(frame, objects, only({ falsePositivesPerFrame: DEFAULT_DETECTION_SIM.falsePositivesPerFrame })).length - 2;
      swapped += simulateDetections(frame, objects, only({ labelSwapRate: DEFAULT_DETECTION_SIM.labelSwapRate })).filter(
        (d, k) => d.label !== objects[k]!.label,
      ).length;
      for (const d of simulateDetections(frame, objects, only({ boxJitter: DEFAULT_DETECTION_SIM.boxJitter })))
        edgeErrors.push((d.box.xmax - (d.box.xmin < 100 ? 75 : 175)) / 50);
    }
    expect(found / (2 * frames)).toBeGreaterThan(0.83);
    expect(found / (2 * frames)).toBeLessThan(0.87);
    expect(extra / frames).toBeGreaterThan(0.27);
    expect(extra / frames).toBeLessThan(0.33);
    expect(swapped / (2 * frames)).toBeGreaterThan(0.04);
    expect(swapped / (2 * frames)).toBeLessThan(0.06);
    const std = Math.sqrt(edgeErrors.reduce((s, e) => s + e * e, 0) / edgeErrors.length);
    expect(std).toBeGreaterThan(0.09);
    expect(std).toBeLessThan(0.11);
  });

  it('detects a mostly hidden object less often than a fully visible one', () => {
    const hidden = [{ id: 1, x0: 25, y0: 25, x1: 75, y1: 33 }, fullyVisible[1]!];
    let seenHidden = 0;
    let seenFull = 0;
    for (let i = 0; i < 2000; i++) {
      const dets = simulateDetections(frameWith(hidden, i), objects, { seed: 3, ...DEFAULT_DETECTION_SIM, falsePositivesPerFrame: 0, labelSwapRate: 0 });
      if (dets.some((d) => d.label === 'chair')) seenHidden++;
      if (dets.some((d) => d.label === 'table')) seenFull++;
    }
    // 400 of the silhouette's 1,750 pixels show (23 %): 0.85 × (0.4 + 0.6 × 0.23 / 0.6) = 0.54.
    expect(seenFull / 2000).toBeGreaterThan(0.82);
    expect(seenHidden / 2000).toBeLessThan(0.6);
    expect(seenHidden / 2000).toBeGreaterThan(0.3);
  });

  it('swaps labels only to categories the app looks for', () => {
    for (const [label, near] of Object.entries(NEAR_CATEGORIES)) for (const n of [label, ...near]) expect(INDOOR_VOCABULARY).toContain(n);
  });

  it('finds each instance’s visible box and pixel count', () => {
    const boxes = visibleBoxes(frameWith(fullyVisible, 0).instance, W, W);
    expect(boxes.get(1)).toEqual({ xmin: 25, ymin: 25, xmax: 75, ymax: 75, pixels: 2500 });
    expect(boxes.has(0)).toBe(false);
  });
});
