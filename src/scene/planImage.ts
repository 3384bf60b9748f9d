// The map as an image: a top-down plan of the room drawn from the scene memory, given to the VLM as the
// prompt's last image after the video frames. VLM-3R fuses a spatial view with the visual tokens by
// training; drawing the map lets an unchanged VLM see the same layout. The plan shows the map's points
// seen from above (shaded by height), the camera path (open circle at the start, filled dot and viewing
// arrow at the end), every object's footprint with its number and label, and a metre scale bar. Object
// numbers are those of the text summary (numberedObjects, shared with sceneMemoryText), so "object 3" is
// the same object in the picture and in the text.
// Plain TypeScript on an RGBA buffer (no DOM, no canvas, a built-in 5x7 font): it runs in Node and in a
// worker. Orientation: the gravity frame has +y up; the plan looks down on it with +x to the right and +z
// down the image (a true view from above, not mirrored), with the same scale on both axes.
import type { RgbaImage } from '../geometry/types';
import { numberedObjects } from '../spatial/sceneMemory';
import type { OrientedBox, SceneMemory } from '../spatial/types';

export { numberedObjects, objectNumbers } from '../spatial/sceneMemory';

export type Rgb = readonly [number, number, number];

/** Where the plan puts the map: world (x, z) to pixels is (x - originX, z - originZ) / metresPerPixel. */
export interface PlanLayout {
  /** Width and height of the square image (px). */
  size: number;
  /** Metres per pixel, the same along both axes. */
  metresPerPixel: number;
  /** World x and z at the image's top-left corner (the corner of pixel (0, 0), not its centre). */
  originX: number;
  originZ: number;
  /**
   * The scale bar: its length in metres and in pixels, the text written next to it ("1 m"), its left end
   * (x, y: the bar covers columns x .. x + pixels - 1 and is centred on row y), and the text's top-left corner.
   */
  scaleBar: { metres: number; pixels: number; text: string; x: number; y: number; textX: number; textY: number };
  /** Glyph scales (a glyph is 5 x 7 cells of scale x scale px): object numbers, and all other text. */
  numberScale: number;
  textScale: number;
  /** Points above this height (m) are left out of the shading (ceiling, upper walls). */
  heightCut: number;
}

/** One object as drawn: its plan number, colour, footprint corners and where its number and label went (px). */
export interface PlanMark {
  id: string;
  number: number;
  label: string;
  color: Rgb;
  /** Footprint corners in pixels (continuous coordinates), in order around it; empty when the box is not finite. */
  footprint: [number, number][];
  numberBox: PixelBox;
  labelBox: PixelBox;
}

export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlanOptions {
  /** Width and height of the image (px); default 448. */
  size?: number;
  /** Map points in the gravity frame (xyz, metres), e.g. the fused map's snapshot carried into that frame. */
  points?: ArrayLike<number> | null;
}

export interface PlanImage {
  image: RgbaImage;
  layout: PlanLayout;
  /** In plan-number order. */
  marks: PlanMark[];
}

export const DEFAULT_PLAN_SIZE = 448;
const MIN_SIZE = 64;
const MAX_SIZE = 2048;
/** The smallest span the plan shows (m): a lone object or an empty map still gets a sensible scale. */
const MIN_SPAN = 2;
/** The largest span (m): beyond this the input is not a room; the plan centres on the median of the content. */
export const MAX_SPAN = 1000;
/** A footprint wider than this (m) counts for the layout by its centre alone. */
const MAX_FOOTPRINT = 100;
/** Points above this (m) are not shaded when no ceiling was measured. */
const DEFAULT_HEIGHT_CUT = 2;
/** Pixel coordinates are clamped to this before clipping, so huge values neither overflow nor loop. */
const COORD_LIMIT = 1e9;
const LAYOUT_SAMPLE = 4096;

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];
const ROOM_OUTLINE: Rgb = [150, 150, 150];
const PATH: Rgb = [20, 20, 20];
const FLOOR_LOW: Rgb = [190, 200, 216];
const FLOOR_HIGH: Rgb = [244, 230, 200];

/** Object colours by plan number: saturated and dark enough to read on a white halo. */
const PALETTE: Rgb[] = [
  [220, 20, 60],
  [0, 110, 210],
  [20, 140, 40],
  [235, 110, 0],
  [140, 30, 180],
  [0, 145, 145],
  [200, 0, 150],
  [130, 95, 0],
  [60, 60, 220],
  [170, 60, 40],
  [0, 100, 60],
  [225, 60, 140],
];

/** The colour of object number n (1-based). */
export function planColor(number: number): Rgb {
  const i = Number.isFinite(number) ? Math.abs(Math.trunc(number) - 1) % PALETTE.length : 0;
  return PALETTE[i]!;
}

// A 5x7 bitmap font: seven rows a glyph, each row five bits, the most significant bit the leftmost column.
// Letters are lower case (labels and units are); upper case is drawn as lower case.
export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** Columns a character takes, the glyph and one of spacing. */
export const GLYPH_ADVANCE = 6;
export const FONT_5X7: Readonly<Record<string, readonly number[]>> = {
  ' ': [0, 0, 0, 0, 0, 0, 0],
  '0': [0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e],
  '1': [0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e],
  '2': [0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f],
  '3': [0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e],
  '4': [0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02],
  '5': [0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e],
  '6': [0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e],
  '7': [0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
  '8': [0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e],
  '9': [0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c],
  a: [0x00, 0x00, 0x0e, 0x01, 0x0f, 0x11, 0x0f],
  b: [0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1e],
  c: [0x00, 0x00, 0x0e, 0x10, 0x10, 0x11, 0x0e],
  d: [0x01, 0x01, 0x0d, 0x13, 0x11, 0x11, 0x0f],
  e: [0x00, 0x00, 0x0e, 0x11, 0x1f, 0x10, 0x0e],
  f: [0x06, 0x09, 0x08, 0x1c, 0x08, 0x08, 0x08],
  g: [0x00, 0x0f, 0x11, 0x0f, 0x01, 0x11, 0x0e],
  h: [0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11],
  i: [0x04, 0x00, 0x0c, 0x04, 0x04, 0x04, 0x0e],
  j: [0x02, 0x00, 0x06, 0x02, 0x02, 0x12, 0x0c],
  k: [0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12],
  l: [0x0c, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e],
  m: [0x00, 0x00, 0x1a, 0x15, 0x15, 0x11, 0x11],
  n: [0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11],
  o: [0x00, 0x00, 0x0e, 0x11, 0x11, 0x11, 0x0e],
  p: [0x00, 0x00, 0x1e, 0x11, 0x1e, 0x10, 0x10],
  q: [0x00, 0x00, 0x0d, 0x13, 0x0f, 0x01, 0x01],
  r: [0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10],
  s: [0x00, 0x00, 0x0e, 0x10, 0x0e, 0x01, 0x1e],
  t: [0x08, 0x08, 0x1c, 0x08, 0x08, 0x09, 0x06],
  u: [0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0d],
  v: [0x00, 0x00, 0x11, 0x11, 0x11, 0x0a, 0x04],
  w: [0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0a],
  x: [0x00, 0x00, 0x11, 0x0a, 0x04, 0x0a, 0x11],
  y: [0x00, 0x00, 0x11, 0x11, 0x0f, 0x01, 0x0e],
  z: [0x00, 0x00, 0x1f, 0x02, 0x04, 0x08, 0x1f],
  '.': [0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c],
  ',': [0x00, 0x00, 0x00, 0x00, 0x0c, 0x04, 0x08],
  ':': [0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00],
  '-': [0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00],
  '+': [0x00, 0x04, 0x04, 0x1f, 0x04, 0x04, 0x00],
  _: [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f],
  '#': [0x0a, 0x0a, 0x1f, 0x0a, 0x1f, 0x0a, 0x0a],
  '/': [0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00],
  '(': [0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02],
  ')': [0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08],
  "'": [0x0c, 0x04, 0x08, 0x00, 0x00, 0x00, 0x00],
  '?': [0x0e, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04],
  '→': [0x00, 0x04, 0x02, 0x1f, 0x02, 0x04, 0x00],
  '↓': [0x04, 0x04, 0x04, 0x04, 0x15, 0x0e, 0x04],
};

/** The glyph a character is drawn with ('?' for one the font lacks). */
export function glyphOf(ch: string): readonly number[] {
  return FONT_5X7[ch] ?? FONT_5X7[ch.toLowerCase()] ?? FONT_5X7['?']!;
}

/** Pixel size of a line of text at a glyph scale. */
export function textSize(text: string, scale: number): { width: number; height: number } {
  const n = [...text].length;
  return { width: n > 0 ? (n * GLYPH_ADVANCE - 1) * scale : 0, height: GLYPH_HEIGHT * scale };
}

const finite = (v: number) => Number.isFinite(v);

/** The footprint of a box on the floor: its two horizontal sides around the centre, as [x, z] corners in order. */
export function boxFootprint(box: OrientedBox): [number, number][] | null {
  const axes = box?.axes;
  const size = box?.size;
  const c = box?.center;
  if (!axes || !size || !c || axes.length < 3 || size.length < 3) return null;
  // The axis most aligned with up is the height; the other two span the footprint (as boxDimensions reads it).
  let up = 0;
  for (let a = 1; a < 3; a++) if (Math.abs(axes[a]![1]) > Math.abs(axes[up]![1])) up = a;
  const [i, j] = [0, 1, 2].filter((a) => a !== up) as [number, number];
  const u = axes[i]!;
  const w = axes[j]!;
  const hu = size[i]! / 2;
  const hw = size[j]! / 2;
  const corners: [number, number][] = [
    [c[0] + u[0] * hu + w[0] * hw, c[2] + u[2] * hu + w[2] * hw],
    [c[0] + u[0] * hu - w[0] * hw, c[2] + u[2] * hu - w[2] * hw],
    [c[0] - u[0] * hu - w[0] * hw, c[2] - u[2] * hu - w[2] * hw],
    [c[0] - u[0] * hu + w[0] * hw, c[2] - u[2] * hu + w[2] * hw],
  ];
  return corners.every(([x, z]) => finite(x) && finite(z)) ? corners : null;
}

function planSize(size: number): number {
  return finite(size) ? Math.min(MAX_SIZE, Math.max(MIN_SIZE, Math.round(size))) : DEFAULT_PLAN_SIZE;
}

function heightCutOf(memory: SceneMemory): number {
  const ceiling = memory.room?.ceilingHeight;
  return ceiling !== null && ceiling !== undefined && finite(ceiling) ? Math.max(0.5, ceiling - 0.3) : DEFAULT_HEIGHT_CUT;
}

/** The 1st and 99th percentile of a sample: a few stray points must not shrink the plan. */
function trimmedRange(values: number[]): [number, number] | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return [sorted[Math.floor(0.01 * (sorted.length - 1))]!, sorted[Math.ceil(0.99 * (sorted.length - 1))]!];
}

const median = (values: number[]) => Float64Array.from(values).sort()[Math.floor((values.length - 1) / 2)]!;

/**
 * The plan's layout for a memory: the content (room outline, camera path, object footprints, and the bulk
 * of the points when given) fitted into the square with a margin, the scale bar in a band below it.
 * renderPlanImage returns the layout it used; pass the same points to get the same one here.
 */
export function planLayout(memory: SceneMemory, size: number = DEFAULT_PLAN_SIZE, points?: ArrayLike<number> | null): PlanLayout {
  const px = planSize(size);
  const textScale = Math.max(1, Math.round(px / 224));
  const numberScale = textScale + 1;
  const margin = Math.max(4, Math.round(px * 0.04));
  const band = GLYPH_HEIGHT * textScale + 10;
  const left = margin;
  const top = margin;
  const width = px - 2 * margin;
  const height = px - 2 * margin - band;

  const xs: number[] = [];
  const zs: number[] = [];
  const add = (x: number, z: number) => {
    if (finite(x) && finite(z)) {
      xs.push(x);
      zs.push(z);
    }
  };
  for (const [x, z] of memory.room?.floorPolygon ?? []) add(x, z);
  for (const c of memory.camera ?? []) add(c.position?.[0], c.position?.[2]);
  for (const o of memory.objects ?? []) {
    const f = boxFootprint(o.box);
    const spread = f
      ? Math.max(...f.map(([x]) => x)) - Math.min(...f.map(([x]) => x)) + Math.max(...f.map(([, z]) => z)) - Math.min(...f.map(([, z]) => z))
      : Infinity;
    if (f && spread <= 2 * MAX_FOOTPRINT) for (const [x, z] of f) add(x, z);
    else add(o.box?.center?.[0], o.box?.center?.[2]);
  }
  if (points && points.length >= 3) {
    const n = Math.floor(points.length / 3);
    const step = Math.max(1, Math.floor(n / LAYOUT_SAMPLE));
    const sx: number[] = [];
    const sz: number[] = [];
    for (let i = 0; i < n; i += step) {
      const x = points[3 * i]!;
      const z = points[3 * i + 2]!;
      if (finite(x) && finite(z) && finite(points[3 * i + 1]!)) {
        sx.push(x);
        sz.push(z);
      }
    }
    const rx = trimmedRange(sx);
    const rz = trimmedRange(sz);
    if (rx && rz) {
      add(rx[0], rz[0]);
      add(rx[1], rz[1]);
    }
  }

  let cx = 0;
  let cz = 0;
  let spanX = 0;
  let spanZ = 0;
  if (xs.length) {
    let [x0, x1, z0, z1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < xs.length; i++) {
      x0 = Math.min(x0, xs[i]!);
      x1 = Math.max(x1, xs[i]!);
      z0 = Math.min(z0, zs[i]!);
      z1 = Math.max(z1, zs[i]!);
    }
    spanX = x1 - x0;
    spanZ = z1 - z0;
    if (finite(spanX) && finite(spanZ) && spanX <= MAX_SPAN && spanZ <= MAX_SPAN) {
      cx = (x0 + x1) / 2;
      cz = (z0 + z1) / 2;
    } else {
      // Not a room: show a MAX_SPAN window around the median of the content.
      cx = median(xs);
      cz = median(zs);
      spanX = Math.min(MAX_SPAN, finite(spanX) ? spanX : MAX_SPAN);
      spanZ = Math.min(MAX_SPAN, finite(spanZ) ? spanZ : MAX_SPAN);
    }
  }
  const metresPerPixel = Math.max(spanX / width, spanZ / height, MIN_SPAN / Math.min(width, height));
  const originX = cx - (left + width / 2) * metresPerPixel;
  const originZ = cz - (top + height / 2) * metresPerPixel;

  const metres = scaleBarMetres(metresPerPixel, px);
  const pixels = Math.round(metres / metresPerPixel);
  const text = scaleBarText(metres);
  const barY = px - margin - Math.round(band / 2);
  const scaleBar = {
    metres,
    pixels,
    text,
    x: margin,
    y: barY,
    textX: margin + pixels + 3 * textScale + 2,
    textY: barY - Math.floor((GLYPH_HEIGHT * textScale) / 2),
  };
  return { size: px, metresPerPixel, originX, originZ, scaleBar, numberScale, textScale, heightCut: heightCutOf(memory) };
}

/** A round length (1, 2, 3 or 5 times a power of ten, m) whose bar is 15–30 % of the image, nearest 20 %. */
function scaleBarMetres(metresPerPixel: number, size: number): number {
  const target = 0.2 * size * metresPerPixel;
  const e0 = Math.floor(Math.log10(target));
  let best = 10 ** e0;
  let bestError = Infinity;
  for (let e = e0 - 1; e <= e0 + 1; e++) {
    for (const k of [1, 2, 3, 5]) {
      const metres = e >= 0 ? k * 10 ** e : k / 10 ** -e;
      const share = metres / metresPerPixel / size;
      const error = Math.abs(Math.log(share / 0.2));
      if (share >= 0.15 && share <= 0.3 && error < bestError) [best, bestError] = [metres, error];
    }
  }
  return best;
}

function scaleBarText(metres: number): string {
  if (metres >= 1000) return `${metres / 1000} km`;
  if (metres >= 1) return `${metres} m`;
  if (metres >= 0.01) return `${Math.round(metres * 100)} cm`;
  return `${Math.round(metres * 1000)} mm`;
}

/** World (x, z) to continuous pixel coordinates (column, row); pixel (i, j) covers [i, i + 1) x [j, j + 1). */
export function planToPixel(layout: PlanLayout, x: number, z: number): [number, number] {
  return [(x - layout.originX) / layout.metresPerPixel, (z - layout.originZ) / layout.metresPerPixel];
}

/** Continuous pixel coordinates (column, row) to world (x, z). */
export function planToWorld(layout: PlanLayout, column: number, row: number): [number, number] {
  return [layout.originX + column * layout.metresPerPixel, layout.originZ + row * layout.metresPerPixel];
}

/** A few words on how to read the plan, for the prompt next to the image. */
export function planCaption(layout: PlanLayout): string {
  return (
    `The last image is a top-down plan of the room, seen from above: x to the right, z downwards, ` +
    `the bar at the bottom is ${layout.scaleBar.text}. Coloured rectangles are the objects' footprints, numbered as in the object list; ` +
    'the black line is the camera path from the open circle (start) to the filled dot (end), whose arrow shows where the camera looked last. ' +
    'The shading is the map seen from above: bluish grey low, light beige high.'
  );
}

/** Drawing on an RGBA buffer; everything is clipped to the image. */
class Raster {
  readonly data: Uint8ClampedArray;
  constructor(readonly size: number) {
    this.data = new Uint8ClampedArray(size * size * 4);
  }

  fill(c: Rgb): void {
    const d = this.data;
    d.set([c[0], c[1], c[2], 255]);
    // Doubling copies: a handful of memmoves instead of a loop over every byte.
    for (let filled = 4; filled < d.length; filled *= 2) d.copyWithin(filled, 0, Math.min(filled, d.length - filled));
  }

  /** Fills the integer rectangle [x, x + w) x [y, y + h), clipped. */
  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    const x0 = Math.max(0, Math.floor(x));
    const y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.size, Math.floor(x) + w);
    const y1 = Math.min(this.size, Math.floor(y) + h);
    const d = this.data;
    for (let yy = y0; yy < y1; yy++) {
      for (let xx = x0; xx < x1; xx++) {
        const i = (yy * this.size + xx) * 4;
        d[i] = c[0];
        d[i + 1] = c[1];
        d[i + 2] = c[2];
        d[i + 3] = 255;
      }
    }
  }

  /** A line of the given width between continuous points, clipped to the image before it is stepped. */
  line(ax: number, ay: number, bx: number, by: number, width: number, c: Rgb): void {
    if (!(finite(ax) && finite(ay) && finite(bx) && finite(by))) return;
    const clamp = (v: number) => Math.max(-COORD_LIMIT, Math.min(COORD_LIMIT, v));
    let x0 = clamp(ax);
    let y0 = clamp(ay);
    const dx = clamp(bx) - x0;
    const dy = clamp(by) - y0;
    // Liang–Barsky against the image grown by the line width.
    const lo = -width;
    const hi = this.size + width;
    let t0 = 0;
    let t1 = 1;
    for (const [p, q] of [
      [-dx, x0 - lo],
      [dx, hi - x0],
      [-dy, y0 - lo],
      [dy, hi - y0],
    ] as const) {
      if (p === 0) {
        if (q < 0) return;
      } else {
        const t = q / p;
        if (p < 0) t0 = Math.max(t0, t);
        else t1 = Math.min(t1, t);
      }
    }
    if (t0 > t1) return;
    x0 += t0 * dx;
    y0 += t0 * dy;
    const ex = dx * (t1 - t0);
    const ey = dy * (t1 - t0);
    const steps = Math.ceil(Math.max(Math.abs(ex), Math.abs(ey))) + 1;
    const offset = Math.floor((width - 1) / 2);
    for (let s = 0; s <= steps; s++) {
      const t = s / steps;
      this.rect(Math.floor(x0 + t * ex) - offset, Math.floor(y0 + t * ey) - offset, width, width, c);
    }
  }

  polygon(points: [number, number][], width: number, c: Rgb): void {
    for (let i = 0; i < points.length; i++) {
      const a = points[i]!;
      const b = points[(i + 1) % points.length]!;
      this.line(a[0], a[1], b[0], b[1], width, c);
    }
  }

  /** Pixels whose centres lie within radius r of (cx, cy) (a ring of the given width when inner > 0). */
  disk(cx: number, cy: number, r: number, c: Rgb, inner = 0): void {
    if (!(finite(cx) && finite(cy))) return;
    const x0 = Math.max(0, Math.floor(cx - r));
    const x1 = Math.min(this.size - 1, Math.ceil(cx + r));
    const y0 = Math.max(0, Math.floor(cy - r));
    const y1 = Math.min(this.size - 1, Math.ceil(cy + r));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const d2 = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2;
        if (d2 <= r * r && d2 >= inner * inner) this.rect(x, y, 1, 1, c);
      }
    }
  }

  /** Text with its top-left corner at (x, y); a halo of `halo` px around each glyph cell keeps it legible. */
  text(text: string, x: number, y: number, scale: number, c: Rgb, halo: Rgb | null): void {
    const chars = [...text];
    for (const pass of halo ? [0, 1] : [1]) {
      const pad = pass === 0 ? Math.max(1, Math.round(scale / 2)) : 0;
      chars.forEach((ch, k) => {
        const glyph = glyphOf(ch);
        for (let row = 0; row < GLYPH_HEIGHT; row++) {
          const bits = glyph[row]!;
          for (let col = 0; col < GLYPH_WIDTH; col++) {
            if (!(bits & (1 << (GLYPH_WIDTH - 1 - col)))) continue;
            const gx = x + (k * GLYPH_ADVANCE + col) * scale;
            const gy = y + row * scale;
            this.rect(gx - pad, gy - pad, scale + 2 * pad, scale + 2 * pad, pass === 0 ? halo! : c);
          }
        }
      });
    }
  }
}

/** The map's points seen from above: each pixel gets its highest point below the cut, lower darker. */
function shadePoints(r: Raster, layout: PlanLayout, points: ArrayLike<number>): void {
  const size = r.size;
  // Heights quantised to 1..255 over 0 .. cut (0: no point), a byte a pixel.
  const top = new Uint8Array(size * size);
  const inv = 1 / layout.metresPerPixel;
  const { originX, originZ, heightCut } = layout;
  const levels = 254 / heightCut;
  const end = Math.floor(points.length / 3) * 3;
  for (let i = 0; i < end; i += 3) {
    const y = points[i + 1]!;
    if (!(y <= heightCut)) continue; // also drops NaN
    const u = (points[i]! - originX) * inv;
    const v = (points[i + 2]! - originZ) * inv;
    if (!(u >= 0 && u < size && v >= 0 && v < size)) continue;
    const k = (v | 0) * size + (u | 0);
    const q = y > 0 ? ((y * levels) | 0) + 1 : 1;
    if (q > top[k]!) top[k] = q;
  }
  // The ramp from the floor colour to the high colour, as whole RGBA pixels (written through bytes: any endianness).
  const ramp = new Uint32Array(256);
  const rampBytes = new Uint8Array(ramp.buffer);
  for (let t = 1; t < 256; t++) {
    for (let ch = 0; ch < 3; ch++) rampBytes[4 * t + ch] = Math.round(FLOOR_LOW[ch]! + ((FLOOR_HIGH[ch]! - FLOOR_LOW[ch]!) * (t - 1)) / 254);
    rampBytes[4 * t + 3] = 255;
  }
  const out = new Uint32Array(r.data.buffer, r.data.byteOffset, size * size);
  for (let row = 0; row < size; row++) {
    const first = row * size;
    for (let col = 0; col < size; col++) {
      const k = first + col;
      let h = top[k]!;
      if (h === 0) {
        // Close one-pixel gaps between sparse points: an empty pixel takes its highest 4-neighbour.
        if (col > 0 && top[k - 1]! > h) h = top[k - 1]!;
        if (col < size - 1 && top[k + 1]! > h) h = top[k + 1]!;
        if (row > 0 && top[k - size]! > h) h = top[k - size]!;
        if (row < size - 1 && top[k + size]! > h) h = top[k + size]!;
        if (h === 0) continue;
      }
      out[k] = ramp[h]!;
    }
  }
}

const MAX_LABEL = 16;

/** Renders the plan: the image, the layout it used, and where each object was drawn. */
export function renderPlanImage(memory: SceneMemory, options: PlanOptions = {}): PlanImage {
  const layout = planLayout(memory, options.size ?? DEFAULT_PLAN_SIZE, options.points);
  const { size, textScale, numberScale } = layout;
  const r = new Raster(size);
  r.fill(WHITE);
  if (options.points && options.points.length >= 3) shadePoints(r, layout, options.points);
  const toPx = (x: number, z: number) => planToPixel(layout, x, z);
  const lineWidth = Math.max(1, Math.round(size / 224));

  // The room's floor outline, thin.
  const floor = (memory.room?.floorPolygon ?? []).filter(([x, z]) => finite(x) && finite(z)).map(([x, z]) => toPx(x, z));
  if (floor.length >= 2) r.polygon(floor, 1, ROOM_OUTLINE);

  // Object footprints.
  const numbered = numberedObjects(memory.objects ?? []);
  const marks: PlanMark[] = [];
  for (const { object, number } of numbered) {
    const color = planColor(number);
    const footprint = (boxFootprint(object.box) ?? []).map(([x, z]) => toPx(x, z));
    r.polygon(footprint, lineWidth, color);
    marks.push({
      id: String(object.id),
      number,
      label: String(object.label ?? '').slice(0, MAX_LABEL),
      color,
      footprint,
      numberBox: { x: 0, y: 0, width: 0, height: 0 },
      labelBox: { x: 0, y: 0, width: 0, height: 0 },
    });
  }

  // The camera path, its start (open circle) and end (filled dot, with an arrow where the camera looked).
  const path = (memory.camera ?? []).filter((c) => finite(c.position?.[0]) && finite(c.position?.[2]));
  const pathPx = path.map((c) => toPx(c.position[0], c.position[2]));
  for (let i = 1; i < pathPx.length; i++) r.line(pathPx[i - 1]![0], pathPx[i - 1]![1], pathPx[i]![0], pathPx[i]![1], lineWidth, PATH);
  const radius = 2.5 * lineWidth + 1;
  if (pathPx.length) {
    const [sx, sy] = pathPx[0]!;
    r.disk(sx, sy, radius, WHITE);
    r.disk(sx, sy, radius, PATH, radius - lineWidth - 0.5);
    const [ex, ey] = pathPx[pathPx.length - 1]!;
    const rot = path[path.length - 1]!.rotation;
    // The camera's forward axis (OpenCV z) in the gravity frame: column 2 of the row-major rotation.
    const fx = rot?.[2] ?? Number.NaN;
    const fz = rot?.[8] ?? Number.NaN;
    const len = Math.hypot(fx, fz);
    if (finite(len) && len > 0.2) {
      const [ux, uy] = [fx / len, fz / len];
      const reach = 4 * radius;
      const [tx, ty] = [ex + ux * reach, ey + uy * reach];
      r.line(ex, ey, tx, ty, lineWidth, PATH);
      const head = 1.6 * radius;
      for (const sign of [1, -1]) {
        const a = Math.PI * 0.8 * sign;
        r.line(tx, ty, tx + head * (ux * Math.cos(a) - uy * Math.sin(a)), ty + head * (ux * Math.sin(a) + uy * Math.cos(a)), lineWidth, PATH);
      }
    }
    r.disk(ex, ey, radius, PATH);
  }

  // Numbers and labels last, on a white halo, kept inside the image: centred on each footprint, or just
  // below, above, right or left of it where the centre would cover a label already drawn.
  // The path's start and end markers count as placed, so a label moves off them rather than hiding them.
  const placed: PixelBox[] = [pathPx[0], pathPx[pathPx.length - 1]]
    .filter((p) => p !== undefined)
    .map(([x, y]) => ({ x: Math.round(x - radius), y: Math.round(y - radius), width: Math.round(2 * radius), height: Math.round(2 * radius) }));
  const clear = (b: PixelBox) =>
    placed.every((p) => b.x >= p.x + p.width + 2 || p.x >= b.x + b.width + 2 || b.y >= p.y + p.height + 2 || p.y >= b.y + b.height + 2);
  marks.forEach((mark, k) => {
    const centre = numbered[k]!.object.box?.center;
    const [cx, cy] = toPx(centre?.[0] ?? Number.NaN, centre?.[2] ?? Number.NaN);
    const numberText = String(mark.number);
    const n = textSize(numberText, numberScale);
    const l = textSize(mark.label, textScale);
    const gap = textScale;
    const blockW = Math.max(n.width, l.width);
    const blockH = n.height + (mark.label ? gap + l.height : 0);
    const pad = numberScale;
    const place = (v: number, extent: number) => Math.round(Math.max(pad, Math.min(size - pad - extent, finite(v) ? v : size / 2 - extent / 2)));
    const fx = mark.footprint.map(([x]) => x);
    const fy = mark.footprint.map(([, y]) => y);
    const [x0, x1, y0, y1] = fx.length ? [Math.min(...fx), Math.max(...fx), Math.min(...fy), Math.max(...fy)] : [cx, cx, cy, cy];
    const candidates: [number, number][] = [
      [cx - blockW / 2, cy - blockH / 2],
      [cx - blockW / 2, y1 + 3],
      [cx - blockW / 2, y0 - blockH - 3],
      [x1 + 3, cy - blockH / 2],
      [x0 - blockW - 3, cy - blockH / 2],
    ];
    const boxes = candidates.map(([x, y]) => ({ x: place(x, blockW), y: place(y, blockH), width: blockW, height: blockH }));
    const block = boxes.find(clear) ?? boxes[0]!;
    placed.push(block);
    const [bx, by] = [block.x, block.y];
    mark.numberBox = { x: bx + Math.round((blockW - n.width) / 2), y: by, width: n.width, height: n.height };
    mark.labelBox = { x: bx + Math.round((blockW - l.width) / 2), y: by + n.height + gap, width: l.width, height: mark.label ? l.height : 0 };
    r.text(numberText, mark.numberBox.x, mark.numberBox.y, numberScale, mark.color, WHITE);
    if (mark.label) r.text(mark.label, mark.labelBox.x, mark.labelBox.y, textScale, mark.color, WHITE);
  });

  // The scale bar with end ticks and its length, and the axes, in the band at the bottom.
  const bar = layout.scaleBar;
  const thick = lineWidth + 1;
  const tick = Math.round(2.5 * textScale);
  r.rect(bar.x - 2, bar.y - tick - 2, bar.pixels + 4, 2 * tick + 5, WHITE);
  r.rect(bar.x, bar.y - Math.floor(thick / 2), bar.pixels, thick, BLACK);
  r.rect(bar.x, bar.y - tick, lineWidth, 2 * tick + 1, BLACK);
  r.rect(bar.x + bar.pixels - lineWidth, bar.y - tick, lineWidth, 2 * tick + 1, BLACK);
  r.text(bar.text, bar.textX, bar.textY, textScale, BLACK, WHITE);
  const axes = 'x→ z↓';
  const axesX = size - bar.x - textSize(axes, textScale).width;
  if (axesX > bar.textX + textSize(bar.text, textScale).width + 3 * textScale) r.text(axes, axesX, bar.textY, textScale, BLACK, WHITE);

  return { image: { width: size, height: size, data: r.data }, layout, marks };
}
