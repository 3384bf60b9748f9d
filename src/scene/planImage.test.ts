// Tests of the plan image (the top-down map the VLM sees): every object drawn where and as large as the layout
// says, with the number the text summary gives it; the scale bar as long as it claims; the camera path's ends
// where the layout puts them; and empty or hostile memories give a valid image without throwing. No image
// snapshots: pixels are sampled at positions computed from the layout, and text is read back with the font.
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../geometry/types';
import { sceneMemoryText } from '../spatial/sceneMemory';
import type { CameraSample, SceneMemory, SceneObject, Vec3 } from '../spatial/types';
import { seededRandom } from '../util/random';
import {
  FONT_5X7,
  GLYPH_ADVANCE,
  GLYPH_HEIGHT,
  GLYPH_WIDTH,
  MAX_SPAN,
  numberedObjects,
  objectNumbers,
  type PlanLayout,
  planLayout,
  planToPixel,
  planToWorld,
  renderPlanImage,
  type Rgb,
  textSize,
} from './planImage';

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];
const PATH: Rgb = [20, 20, 20];

function object(id: string, label: string, center: Vec3, size: Vec3, yaw: number, timestampMs: number): SceneObject {
  return {
    id,
    label,
    box: {
      center,
      axes: [
        [Math.cos(yaw), 0, Math.sin(yaw)],
        [0, 1, 0],
        [-Math.sin(yaw), 0, Math.cos(yaw)],
      ],
      size,
    },
    firstSeen: { keyframe: 0, sourceFrame: 0, timestampMs },
    seenIn: [0],
    score: 0.9,
  };
}

/** The footprint corners of `object`'s upright box, worked out here from its yaw (not by the module). */
function corners(center: Vec3, size: Vec3, yaw: number): [number, number][] {
  const [c, s] = [Math.cos(yaw), Math.sin(yaw)];
  const [hu, hw] = [size[0] / 2, size[2] / 2];
  return [
    [1, 1],
    [1, -1],
    [-1, -1],
    [-1, 1],
  ].map(([a, b]) => [center[0] + a! * hu * c - b! * hw * s, center[2] + a! * hu * s + b! * hw * c]);
}

function camera(positions: Vec3[], lastRotation: number[]): CameraSample[] {
  return positions.map((position, i) => ({
    keyframe: i,
    sourceFrame: i * 10,
    timestampMs: i * 333,
    position,
    rotation: i === positions.length - 1 ? lastRotation : [1, 0, 0, 0, 1, 0, 0, 0, 1],
  }));
}

// The test room: four objects listed out of order (numbers follow first sight, then id with chair#2 before
// chair#10), a camera path along the bottom and right of the room that ends looking along +x.
const SPEC: { id: string; label: string; center: Vec3; size: Vec3; yaw: number; t: number }[] = [
  { id: 'sofa#1', label: 'sofa', center: [1.8, 0.4, 1.2], size: [2.0, 0.8, 1.0], yaw: 0, t: 3000 },
  { id: 'chair#10', label: 'chair', center: [-2.0, 0.45, 1.4], size: [1.1, 0.9, 1.1], yaw: 0.3, t: 2000 },
  { id: 'table#1', label: 'table', center: [-1.6, 0.37, -1.2], size: [1.4, 0.75, 1.0], yaw: 0.5, t: 1000 },
  { id: 'chair#2', label: 'chair', center: [1.2, 0.45, -1.3], size: [1.1, 0.9, 1.1], yaw: -0.3, t: 2000 },
];
const EXPECTED_NUMBERS: Record<string, number> = { 'table#1': 1, 'chair#2': 2, 'chair#10': 3, 'sofa#1': 4 };
// Camera z (forward) along +x: columns (0, 0, 1), (0, -1, 0), (1, 0, 0) of the row-major rotation.
const LOOK_PLUS_X = [0, 0, 1, 0, -1, 0, 1, 0, 0];

function room(): SceneMemory {
  return {
    objects: SPEC.map((s) => object(s.id, s.label, s.center, s.size, s.yaw, s.t)),
    room: {
      floorPolygon: [
        [-3.2, -2.2],
        [3.2, -2.2],
        [3.2, 2.4],
        [-3.2, 2.4],
      ],
      floorArea: 29.4,
      ceilingHeight: 2.6,
      floorSeen: true,
    },
    camera: camera(
      [
        [-2.8, 1.4, 0.2],
        [-1.0, 1.4, 0.2],
        [0.0, 1.4, 0.1],
        [0.5, 1.4, 0.0],
      ],
      LOOK_PLUS_X,
    ),
    lostFrames: [],
    sourceFrameCount: 40,
  };
}

const emptyMemory = (): SceneMemory => ({ objects: [], room: null, camera: [], lostFrames: [], sourceFrameCount: null });

function pixel(img: RgbaImage, x: number, y: number): [number, number, number, number] {
  const i = (Math.floor(y) * img.width + Math.floor(x)) * 4;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!, img.data[i + 3]!];
}

function is(img: RgbaImage, x: number, y: number, c: Rgb): boolean {
  if (!(x >= 0 && y >= 0 && x < img.width && y < img.height)) return false;
  const p = pixel(img, x, y);
  return p[0] === c[0] && p[1] === c[1] && p[2] === c[2];
}

/** Whether a pixel of colour c lies within `r` pixels (a square window) of (x, y). */
function near(img: RgbaImage, x: number, y: number, c: Rgb, r = 1): boolean {
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) if (is(img, x + dx, y + dy, c)) return true;
  return false;
}

/** Reads `chars` characters of the built-in font drawn in colour c at (x, y), by sampling each glyph cell's centre. */
function readText(img: RgbaImage, x: number, y: number, chars: number, scale: number, c: Rgb): string {
  let out = '';
  for (let k = 0; k < chars; k++) {
    const rows: number[] = [];
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      let bits = 0;
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        const px = x + (k * GLYPH_ADVANCE + col) * scale + (scale >> 1);
        const py = y + row * scale + (scale >> 1);
        if (is(img, px, py, c)) bits |= 1 << (GLYPH_WIDTH - 1 - col);
      }
      rows.push(bits);
    }
    out += Object.entries(FONT_5X7).find(([, glyph]) => glyph.every((b, i) => b === rows[i]))?.[0] ?? '�';
  }
  return out;
}

const charsIn = (width: number, scale: number) => Math.round((width / scale + 1) / GLYPH_ADVANCE);

/** The numbers the text summary prints, by object id ("- [3] chair#2: ..."). */
function textNumbers(memory: SceneMemory, maxObjects?: number): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const m of sceneMemoryText(memory, maxObjects).matchAll(/^- \[(\d+)\] (\S+):/gm)) numbers.set(m[2]!, Number(m[1]));
  return numbers;
}

function expectValidImage(img: RgbaImage, size: number): void {
  expect(img.width).toBe(size);
  expect(img.height).toBe(size);
  expect(img.data.length).toBe(size * size * 4);
  for (let i = 3; i < img.data.length; i += 4) if (img.data[i] !== 255) throw new Error(`pixel ${(i - 3) / 4} is not opaque`);
}

function expectFiniteLayout(layout: PlanLayout): void {
  for (const v of [layout.metresPerPixel, layout.originX, layout.originZ, layout.scaleBar.metres, layout.scaleBar.pixels])
    expect(Number.isFinite(v)).toBe(true);
  expect(layout.metresPerPixel).toBeGreaterThan(0);
}

function expectScaleBar(img: RgbaImage, layout: PlanLayout): void {
  const bar = layout.scaleBar;
  // The stated length over metres per pixel is the bar's length in pixels, 15–30 % of the width.
  expect(Math.abs(bar.pixels - bar.metres / layout.metresPerPixel)).toBeLessThanOrEqual(0.5);
  expect(bar.pixels / layout.size).toBeGreaterThanOrEqual(0.15);
  expect(bar.pixels / layout.size).toBeLessThanOrEqual(0.3);
  // On its row, exactly `pixels` black pixels from its left end.
  let run = 0;
  while (is(img, bar.x + run, bar.y, BLACK)) run++;
  expect(run).toBe(bar.pixels);
  expect(is(img, bar.x - 1, bar.y, BLACK)).toBe(false);
  // The text next to it says that length.
  const text = readText(img, bar.textX, bar.textY, charsIn(textSize(bar.text, layout.textScale).width, layout.textScale), layout.textScale, BLACK);
  expect(text).toBe(bar.text);
  const m = /^(\d+(?:\.\d+)?) (mm|cm|m|km)$/.exec(text);
  expect(m).not.toBeNull();
  const unit = { mm: 0.001, cm: 0.01, m: 1, km: 1000 }[m![2] as 'mm' | 'cm' | 'm' | 'km'];
  expect(Number(m![1]) * unit).toBeCloseTo(bar.metres, 9);
}

describe('plan numbering shared with the text summary', () => {
  it('numbers objects by first sight, then id (chair#2 before chair#10), whatever their order in the memory', () => {
    const memory = room();
    const numbers = objectNumbers(memory.objects);
    expect(Object.fromEntries(numbers)).toEqual(EXPECTED_NUMBERS);
    expect(numberedObjects(memory.objects).map((n) => n.number)).toEqual([1, 2, 3, 4]);
    expect(Object.fromEntries(textNumbers(memory))).toEqual(EXPECTED_NUMBERS);
  });

  it('puts the same numbers on the plan as in the text, read back from the image', () => {
    const memory = room();
    const { image, layout, marks } = renderPlanImage(memory);
    const text = textNumbers(memory);
    expect(marks.map((m) => m.number)).toEqual([1, 2, 3, 4]);
    for (const mark of marks) {
      const drawn = readText(image, mark.numberBox.x, mark.numberBox.y, charsIn(mark.numberBox.width, layout.numberScale), layout.numberScale, mark.color);
      expect(Number(drawn)).toBe(text.get(mark.id));
      expect(readText(image, mark.labelBox.x, mark.labelBox.y, charsIn(mark.labelBox.width, layout.textScale), layout.textScale, mark.color)).toBe(mark.label);
    }
  });

  it('keeps the numbers in step with the text when there are more objects than the text lists', () => {
    const objects = Array.from({ length: 60 }, (_, i) =>
      object(`cup#${60 - i}`, 'cup', [(i % 10) * 0.5, 0.8, Math.floor(i / 10) * 0.5], [0.1, 0.1, 0.1], 0, 1000 - i),
    );
    const memory: SceneMemory = { ...emptyMemory(), objects };
    const text = textNumbers(memory, 40);
    expect(text.size).toBe(40);
    const { marks } = renderPlanImage(memory);
    for (const mark of marks) if (text.has(mark.id)) expect(mark.number).toBe(text.get(mark.id));
    // Last seen first here: cup#1 (seen at 941 ms) is number 1.
    expect(text.get('cup#1')).toBe(1);
  });
});

describe('planLayout', () => {
  it('fits the content with a margin, one scale for both axes, and maps pixels back to the map', () => {
    const memory = room();
    const layout = planLayout(memory, 448);
    expect(layout.size).toBe(448);
    const xs: number[] = [];
    const ys: number[] = [];
    for (const s of SPEC)
      for (const [x, z] of corners(s.center, s.size, s.yaw)) {
        const [u, v] = planToPixel(layout, x, z);
        xs.push(u);
        ys.push(v);
      }
    for (const c of memory.camera) {
      const [u, v] = planToPixel(layout, c.position[0], c.position[2]);
      xs.push(u);
      ys.push(v);
    }
    const margin = 448 * 0.03;
    expect(Math.min(...xs, ...ys)).toBeGreaterThan(margin);
    expect(Math.max(...xs)).toBeLessThan(448 - margin);
    // Above the scale bar's band.
    expect(Math.max(...ys)).toBeLessThan(layout.scaleBar.textY - 2);
    // The room outline (6.4 m wide, the widest content) fills most of the width.
    const [left] = planToPixel(layout, -3.2, 0);
    const [right] = planToPixel(layout, 3.2, 0);
    expect((right - left) / 448).toBeGreaterThan(0.85);
    // Same scale on both axes: a metre is as many pixels along x as along z.
    const [x0, z0] = planToPixel(layout, 0, 0);
    const [x1] = planToPixel(layout, 1, 0);
    const [, z1] = planToPixel(layout, 0, 1);
    expect(x1 - x0).toBeCloseTo(1 / layout.metresPerPixel, 9);
    expect(z1 - z0).toBeCloseTo(x1 - x0, 9);
    // +x to the right, +z down the image.
    expect(x1).toBeGreaterThan(x0);
    expect(z1).toBeGreaterThan(z0);
    const [wx, wz] = planToWorld(layout, 123.5, 77.25);
    const [u, v] = planToPixel(layout, wx, wz);
    expect(u).toBeCloseTo(123.5, 9);
    expect(v).toBeCloseTo(77.25, 9);
  });

  it('keeps the aspect ratio of a long, narrow room', () => {
    const memory: SceneMemory = {
      ...emptyMemory(),
      camera: camera(
        [
          [0, 1.5, 0],
          [10, 1.5, 2],
        ],
        LOOK_PLUS_X,
      ),
    };
    const layout = planLayout(memory, 448);
    const [a, b] = [planToPixel(layout, 0, 0), planToPixel(layout, 10, 2)];
    expect((b[1] - a[1]) / (b[0] - a[0])).toBeCloseTo(0.2, 9);
  });

  it('chooses the scale bar from round lengths, 15–30 % of the width, at any scale', () => {
    for (const span of [0.3, 1, 2.2, 4.7, 7, 13, 50, 333, 900]) {
      const memory: SceneMemory = {
        ...emptyMemory(),
        camera: camera(
          [
            [0, 1.5, 0],
            [span, 1.5, 0],
          ],
          LOOK_PLUS_X,
        ),
      };
      for (const size of [224, 448, 512]) {
        const { scaleBar, metresPerPixel } = planLayout(memory, size);
        expect(scaleBar.pixels / size).toBeGreaterThanOrEqual(0.15);
        expect(scaleBar.pixels / size).toBeLessThanOrEqual(0.3);
        expect(Math.abs(scaleBar.pixels - scaleBar.metres / metresPerPixel)).toBeLessThanOrEqual(0.5);
        const mantissa = scaleBar.metres / 10 ** Math.floor(Math.log10(scaleBar.metres) + 1e-9);
        expect([1, 2, 3, 5].some((k) => Math.abs(mantissa - k) < 1e-9)).toBe(true);
      }
    }
  });
});

describe('renderPlanImage', () => {
  it('draws each object footprint at its plan position and size, with its number inside', () => {
    const memory = room();
    const { image, layout, marks } = renderPlanImage(memory);
    expectValidImage(image, 448);
    for (const s of SPEC) {
      const mark = marks.find((m) => m.id === s.id)!;
      expect(mark.number).toBe(EXPECTED_NUMBERS[s.id]);
      const px = corners(s.center, s.size, s.yaw).map(([x, z]) => planToPixel(layout, x, z));
      const [cx, cy] = planToPixel(layout, s.center[0], s.center[2]);
      for (let i = 0; i < 4; i++) {
        const a = px[i]!;
        const b = px[(i + 1) % 4]!;
        // The outline passes through each corner and along each side (near the corners, clear of the label).
        for (const t of [0, 0.05, 0.1, 0.9, 0.95]) expect(near(image, a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), mark.color)).toBe(true);
        // Not larger: nothing of the object's colour 5 px outside a corner; not smaller: none 6 px inside it.
        const [dx, dy] = [a[0] - cx, a[1] - cy];
        const d = Math.hypot(dx, dy);
        expect(near(image, a[0] + (5 * dx) / d, a[1] + (5 * dy) / d, mark.color, 0)).toBe(false);
        expect(near(image, a[0] - (6 * dx) / d, a[1] - (6 * dy) / d, mark.color, 0)).toBe(false);
      }
      // The number is drawn inside the footprint, around the box centre: pixels of the object's colour there.
      const { numberBox } = mark;
      const [nx, ny] = [numberBox.x + numberBox.width / 2, numberBox.y + numberBox.height / 2];
      const xs = px.map((p) => p[0]);
      const ys = px.map((p) => p[1]);
      expect(nx).toBeGreaterThan(Math.min(...xs));
      expect(nx).toBeLessThan(Math.max(...xs));
      expect(ny).toBeGreaterThan(Math.min(...ys));
      expect(ny).toBeLessThan(Math.max(...ys));
      expect(Math.hypot(nx - cx, ny - cy)).toBeLessThan(layout.numberScale * GLYPH_HEIGHT);
      let inked = 0;
      for (let y = numberBox.y; y < numberBox.y + numberBox.height; y++)
        for (let x = numberBox.x; x < numberBox.x + numberBox.width; x++) if (is(image, x, y, mark.color)) inked++;
      expect(inked).toBeGreaterThan(0.2 * numberBox.width * numberBox.height);
    }
  });

  it('draws the camera path from an open circle at the first camera to a filled dot at the last, with its view arrow', () => {
    const memory = room();
    const { image, layout } = renderPlanImage(memory);
    const first = memory.camera[0]!.position;
    const last = memory.camera[memory.camera.length - 1]!.position;
    const [sx, sy] = planToPixel(layout, first[0], first[2]);
    const [ex, ey] = planToPixel(layout, last[0], last[2]);
    // Start: white inside, a dark ring a few pixels out in every direction.
    expect(is(image, sx, sy, WHITE)).toBe(true);
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ]) {
      let ring = false;
      for (let r = 2; r <= 7; r++) ring ||= is(image, sx + r * dx!, sy + r * dy!, PATH);
      expect(ring).toBe(true);
    }
    // End: filled, and the arrow points along +x (where the last camera looked), not along -z or +z.
    for (const [dx, dy] of [
      [0, 0],
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ])
      expect(is(image, ex + dx!, ey + dy!, PATH)).toBe(true);
    expect(near(image, ex + 16, ey, PATH)).toBe(true);
    expect(near(image, ex, ey + 16, PATH)).toBe(false);
    expect(near(image, ex, ey - 16, PATH)).toBe(false);
    // The path runs between them: halfway along the first segment.
    const mid = memory.camera[1]!.position;
    const [mx, my] = planToPixel(layout, (first[0] + mid[0]) / 2, (first[2] + mid[2]) / 2);
    expect(near(image, mx, my, PATH)).toBe(true);
  });

  it('draws a scale bar as long as it says', () => {
    const { image, layout } = renderPlanImage(room());
    expectScaleBar(image, layout);
  });

  it('shades the map points by height, lower darker, leaving out points above the cut', () => {
    const points: number[] = [];
    const patch = (x0: number, z0: number, y: number) => {
      for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) points.push(x0 + i * 0.01, y, z0 + j * 0.01);
    };
    patch(-1, -1, 0); // floor
    patch(0.5, -1, 1.5); // a high shelf
    patch(-1, 0.5, 3); // ceiling: above the cut
    const memory: SceneMemory = {
      ...emptyMemory(),
      camera: camera(
        [
          [-1.5, 1.4, -1.5],
          [1.5, 1.4, 1.5],
        ],
        LOOK_PLUS_X,
      ),
    };
    const { image, layout } = renderPlanImage(memory, { points: Float32Array.from(points) });
    const at = (x: number, z: number) => {
      const [u, v] = planToPixel(layout, x, z);
      return pixel(image, u, v);
    };
    const luminance = (p: number[]) => p[0]! + p[1]! + p[2]!;
    const floor = at(-0.8, -0.8);
    const shelf = at(0.7, -0.8);
    expect(luminance(floor)).toBeLessThan(luminance(shelf));
    expect(luminance(shelf)).toBeLessThan(3 * 255);
    expect(at(-0.8, 0.7).slice(0, 3)).toEqual([...WHITE]);
    expect(at(-0.2, 1.3).slice(0, 3)).toEqual([...WHITE]);
  });

  it('gives a valid image with a scale bar for an empty memory', () => {
    const { image, layout, marks } = renderPlanImage(emptyMemory());
    expectValidImage(image, 448);
    expectFiniteLayout(layout);
    expect(marks).toEqual([]);
    expectScaleBar(image, layout);
  });

  it('honours the size and clamps a nonsense one', () => {
    expect(renderPlanImage(room(), { size: 224 }).image.width).toBe(224);
    expectScaleBar(renderPlanImage(room(), { size: 224 }).image, renderPlanImage(room(), { size: 224 }).layout);
    expect(renderPlanImage(room(), { size: Number.NaN }).image.width).toBe(448);
    expect(renderPlanImage(room(), { size: 3 }).image.width).toBe(64);
    expect(renderPlanImage(room(), { size: 1e9 }).image.width).toBe(2048);
  });
});

describe('hostile input', () => {
  const inside = (size: number, b: { x: number; y: number; width: number; height: number }) =>
    b.x >= 0 && b.y >= 0 && b.x + b.width <= size && b.y + b.height <= size;

  it('survives NaN and infinite coordinates everywhere', () => {
    const memory = room();
    memory.objects.push(
      object('nan#1', 'nan', [Number.NaN, 0, Number.NaN], [1, 1, 1], 0, Number.NaN),
      object('nansize#1', 'thing', [0, 0, 0], [Number.NaN, 1, Number.POSITIVE_INFINITY], Number.NaN, 5),
      object('inf#1', 'thing', [Number.POSITIVE_INFINITY, 0, Number.NEGATIVE_INFINITY], [1, 1, 1], 0, 6),
    );
    memory.camera.push({ ...memory.camera[0]!, position: [Number.NaN, 0, Number.NaN], rotation: [Number.NaN, 0, 0, 0, 0, 0, 0, 0, Number.NaN] });
    memory.room!.floorPolygon.push([Number.NaN, Number.POSITIVE_INFINITY]);
    memory.room!.ceilingHeight = Number.NaN;
    const points = new Float32Array(3000).map((_, i) => (i % 7 === 0 ? Number.NaN : i % 11 === 0 ? Number.POSITIVE_INFINITY : (i % 100) / 20 - 2.5));
    const { image, layout, marks } = renderPlanImage(memory, { points });
    expectValidImage(image, 448);
    expectFiniteLayout(layout);
    expectScaleBar(image, layout);
    expect(marks.length).toBe(7);
    for (const m of marks) expect(inside(448, m.numberBox) && inside(448, m.labelBox)).toBe(true);
    // The text summary numbers them the same way (NaN first-seen times last).
    const text = textNumbers(memory);
    for (const m of marks) expect(m.number).toBe(text.get(m.id));
  });

  it('draws a box far larger than the room only where it crosses the image, never wrapped onto other rows', () => {
    const memory = room();
    // 5 km a side around the room: every side lies outside the image.
    memory.objects.push(object('floor#1', 'floor', [0, 0, 0], [5000, 0.1, 5000], 0.2, 9000));
    memory.objects.push(object('huge#1', 'huge', [0.3, 0, 0.3], [1e300, 1e300, 1e300], 0.1, 9001));
    memory.objects.push(object('inf#1', 'inf', [0.3, 0, 0.3], [Number.POSITIVE_INFINITY, 1, 1], 0.1, 9002));
    const { image, layout, marks } = renderPlanImage(memory);
    expectValidImage(image, 448);
    expectFiniteLayout(layout);
    // The layout still fits the room (the huge boxes count by their centres).
    const [left] = planToPixel(layout, -3.2, 0);
    const [right] = planToPixel(layout, 3.2, 0);
    expect((right - left) / 448).toBeGreaterThan(0.85);
    const floor = marks.find((m) => m.id === 'floor#1')!;
    const pad = layout.numberScale;
    const inLabel = (x: number, y: number) =>
      [floor.numberBox, floor.labelBox].some((b) => x >= b.x - pad && x < b.x + b.width + pad && y >= b.y - pad && y < b.y + b.height + pad);
    let stray = 0;
    for (let y = 0; y < 448; y++) for (let x = 0; x < 448; x++) if (is(image, x, y, floor.color) && !inLabel(x, y)) stray++;
    expect(stray).toBe(0);
    for (const m of marks) expect(inside(448, m.numberBox) && inside(448, m.labelBox)).toBe(true);
  });

  it('shows a window around the median when an object is absurdly far away', () => {
    const memory = room();
    memory.objects.push(object('far#1', 'far', [1e7, 0, -1e7], [1, 1, 1], 0, 100));
    const { image, layout, marks } = renderPlanImage(memory);
    expectValidImage(image, 448);
    expectFiniteLayout(layout);
    expect(layout.metresPerPixel * 448).toBeLessThan(2 * MAX_SPAN);
    expectScaleBar(image, layout);
    for (const m of marks) expect(inside(448, m.numberBox) && inside(448, m.labelBox)).toBe(true);
  });

  it('draws zero objects and a thousand objects', () => {
    const none = renderPlanImage({ ...room(), objects: [] });
    expectValidImage(none.image, 448);
    expect(none.marks).toEqual([]);
    const random = seededRandom(1);
    const objects = Array.from({ length: 1000 }, (_, i) =>
      object(
        `thing#${i}`,
        'a very long label indeed',
        [random() * 8 - 4, 0.5, random() * 6 - 3],
        [random() * 2, 1, random() * 2],
        random() * 6,
        random() * 1e5,
      ),
    );
    const { image, layout, marks } = renderPlanImage({ ...room(), objects });
    expectValidImage(image, 448);
    expectScaleBar(image, layout);
    expect(marks.map((m) => m.number)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(new Set(marks.map((m) => m.id)).size).toBe(1000);
    for (const m of marks) expect(inside(448, m.numberBox) && inside(448, m.labelBox)).toBe(true);
  });
});
