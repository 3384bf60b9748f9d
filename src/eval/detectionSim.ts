// Simulated detections for when no real detector runs (the synthetic rooms' evaluation): an open-vocabulary
// detector's per-frame errors, applied to the ground-truth instance mask. Each error can be turned off (0 / false).
//
// Defaults, and where they come from (docs/SYNTHETIC_ROOMS.md has the longer note):
// - missRate 0.15: a fully visible object is missed on 15 % of frames. OWLv2 (Minderer et al. 2023) reaches 44.6 AP
//   on LVIS rare classes with its largest model (L/14, self-trained); the B/16 the app runs is lower, and AP below
//   50 means recall well under 1 at any usable threshold. Common furniture is its easy case, so 15 % is mild for it:
//   the floor, kept as the default.
// - occlusion: recall falls as less of the object shows (our own law: the share visible, against its unoccluded
//   silhouette, below 60 % scales the detection probability down linearly to 40 % of it at nothing visible). Detectors
//   lose recall on truncated and occluded objects (COCO/LVIS analyses); the exact curve is ours.
// - falsePositivesPerFrame 0.3: on average 0.3 boxes per frame on no object (Poisson), labelled with a category of
//   the room or one near it, at a low score.
// - boxJitter 0.10: each box edge moves by a normal error of 10 % of the box's width (left, right) or height (top,
//   bottom).
// - labelSwapRate 0.05: 5 % of detections carry a near category's label (chair ↔ stool, table ↔ nightstand, ...).
import { boxCorners } from '../spatial/boxGeometry';
import type { OrientedBox } from '../spatial/types';
import type { Detection2D } from '../spatial/objectMap';
import { gaussian, seededRandom } from '../util/random';

export interface DetectionSimOptions {
  seed: number;
  missRate: number;
  occlusion: boolean;
  falsePositivesPerFrame: number;
  boxJitter: number;
  labelSwapRate: number;
  /** Objects showing less than this share of the image are not detectable (0.2 %: ~600 pixels at 640x480). */
  minVisibleFraction: number;
}

export const DEFAULT_DETECTION_SIM: Omit<DetectionSimOptions, 'seed'> = {
  missRate: 0.15,
  occlusion: true,
  falsePositivesPerFrame: 0.3,
  boxJitter: 0.1,
  labelSwapRate: 0.05,
  minVisibleFraction: 0.002,
};

/** No errors at all: every object showing enough of itself, with its exact visible box. */
export const ORACLE_DETECTIONS: Omit<DetectionSimOptions, 'seed'> = {
  missRate: 0,
  occlusion: false,
  falsePositivesPerFrame: 0,
  boxJitter: 0,
  labelSwapRate: 0,
  minVisibleFraction: 0.002,
};

/** Categories a detector confuses, both ways where both are in the vocabulary. */
export const NEAR_CATEGORIES: Record<string, string[]> = {
  chair: ['stool', 'sofa'],
  stool: ['chair'],
  table: ['nightstand', 'counter'],
  nightstand: ['table'],
  sofa: ['bed', 'chair'],
  bed: ['sofa'],
  tv: ['monitor'],
  refrigerator: ['closet'],
  stove: ['dishwasher'],
  sink: ['counter'],
  lamp: ['ceiling light'],
  plant: ['trash can'],
  bookshelf: ['closet'],
  'trash can': ['trash bin'],
};

export interface SimObject {
  /** Its value in the instance mask. */
  instance: number;
  label: string;
  /** Its box in the world of `pose`. */
  box: OrientedBox;
}

export interface SimFrame {
  index: number;
  width: number;
  height: number;
  instance: Uint16Array;
  /** Camera-to-world, column-major; the camera's pinhole intrinsics. */
  pose: ArrayLike<number>;
  intrinsics: { fx: number; fy: number; cx: number; cy: number };
}

export function simulateDetections(frame: SimFrame, objects: readonly SimObject[], options: DetectionSimOptions): Detection2D[] {
  const random = seededRandom((options.seed * 1_000_003 + frame.index * 7919) >>> 0);
  const normal = () => gaussian(random);
  const { width, height } = frame;
  const boxes = visibleBoxes(frame.instance, width, height);
  const out: Detection2D[] = [];
  for (const o of objects) {
    const b = boxes.get(o.instance);
    if (!b || b.pixels < options.minVisibleFraction * width * height) continue;
    let p = 1 - options.missRate;
    if (options.occlusion) {
      const silhouette = projectedArea(o.box, frame);
      const visible = silhouette > 0 ? Math.min(1, b.pixels / silhouette) : 1;
      p *= 0.4 + 0.6 * Math.min(1, visible / 0.6);
    }
    if (random() >= p) continue;
    const w = b.xmax - b.xmin;
    const h = b.ymax - b.ymin;
    const j = options.boxJitter;
    const box = clampBox(
      { xmin: b.xmin + normal() * j * w, xmax: b.xmax + normal() * j * w, ymin: b.ymin + normal() * j * h, ymax: b.ymax + normal() * j * h },
      width,
      height,
    );
    const near = NEAR_CATEGORIES[o.label];
    const label = near && random() < options.labelSwapRate ? near[Math.floor(random() * near.length)]! : o.label;
    out.push({ label, score: 0.35 + 0.6 * random(), box });
  }
  // False positives: Poisson-many boxes anywhere, with a category of the room (or one near it).
  const labels = [...new Set(objects.flatMap((o) => [o.label, ...(NEAR_CATEGORIES[o.label] ?? [])]))];
  let count = 0;
  for (let threshold = Math.exp(-options.falsePositivesPerFrame), product = random(); product > threshold; product *= random()) count++;
  for (let n = 0; n < count && labels.length > 0; n++) {
    const w = width * (0.08 + 0.3 * random());
    const h = height * (0.08 + 0.3 * random());
    const x = random() * (width - w);
    const y = random() * (height - h);
    out.push({ label: labels[Math.floor(random() * labels.length)]!, score: 0.2 + 0.35 * random(), box: { xmin: x, ymin: y, xmax: x + w, ymax: y + h } });
  }
  return out;
}

/** Each instance's visible pixels and their bounding box (pixel edges). */
export function visibleBoxes(
  mask: Uint16Array,
  width: number,
  height: number,
): Map<number, { xmin: number; ymin: number; xmax: number; ymax: number; pixels: number }> {
  const boxes = new Map<number, { xmin: number; ymin: number; xmax: number; ymax: number; pixels: number }>();
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const id = mask[y * width + x]!;
      if (!id) continue;
      const b = boxes.get(id);
      if (!b) boxes.set(id, { xmin: x, ymin: y, xmax: x + 1, ymax: y + 1, pixels: 1 });
      else {
        b.xmin = Math.min(b.xmin, x);
        b.xmax = Math.max(b.xmax, x + 1);
        b.ymin = Math.min(b.ymin, y);
        b.ymax = Math.max(b.ymax, y + 1);
        b.pixels++;
      }
    }
  return boxes;
}

/** Pixels the box's projection would cover with nothing in front (the image rectangle of its projected corners, clipped;
 * 0 when a corner is behind the camera, where it is not measured). */
function projectedArea(box: OrientedBox, frame: SimFrame): number {
  const P = frame.pose;
  const { fx, fy, cx, cy } = frame.intrinsics;
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const p of boxCorners(box)) {
    const d = [p[0] - P[12]!, p[1] - P[13]!, p[2] - P[14]!];
    const z = P[8]! * d[0]! + P[9]! * d[1]! + P[10]! * d[2]!;
    if (z <= 0.05) return 0;
    const u = cx + (fx * (P[0]! * d[0]! + P[1]! * d[1]! + P[2]! * d[2]!)) / z;
    const v = cy + (fy * (P[4]! * d[0]! + P[5]! * d[1]! + P[6]! * d[2]!)) / z;
    xmin = Math.min(xmin, u);
    xmax = Math.max(xmax, u);
    ymin = Math.min(ymin, v);
    ymax = Math.max(ymax, v);
  }
  const w = Math.max(0, Math.min(frame.width, xmax) - Math.max(0, xmin));
  const h = Math.max(0, Math.min(frame.height, ymax) - Math.max(0, ymin));
  // A box's silhouette fills about 70 % of its projected rectangle.
  return 0.7 * w * h;
}

function clampBox(b: Detection2D['box'], width: number, height: number): Detection2D['box'] {
  const xmin = Math.max(0, Math.min(width - 2, Math.min(b.xmin, b.xmax)));
  const ymin = Math.max(0, Math.min(height - 2, Math.min(b.ymin, b.ymax)));
  return { xmin, ymin, xmax: Math.min(width, Math.max(xmin + 2, b.xmin, b.xmax)), ymax: Math.min(height, Math.max(ymin + 2, b.ymin, b.ymax)) };
}
