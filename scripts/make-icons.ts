// Draws the app icons (public/icons/*.png) from the favicon's shapes: a roof-shaped stroke with three points
// on a dark tile. Run with `npm run icons` after changing the design; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';

type Rgb = [number, number, number];
const BACKGROUND: Rgb = [0x10, 0x14, 0x18];
const STROKE: Rgb = [0x40, 0xc0, 0xff];
const POINT: Rgb = [0xff, 0xb0, 0x20];
// favicon.svg, in its 64-unit view box.
const ROOF: Array<[number, number]> = [
  [12, 44],
  [32, 14],
  [52, 44],
  [12, 44],
];
const POINTS: Array<[number, number]> = [
  [22, 40],
  [32, 30],
  [42, 40],
];
const SAMPLES = 4; // per axis: 16 samples a pixel for smooth edges

function segmentDistance(px: number, py: number, [ax, ay]: [number, number], [bx, by]: [number, number]): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

function insideRoundedSquare(x: number, y: number, radius: number): boolean {
  const cx = Math.max(radius, Math.min(64 - radius, x));
  const cy = Math.max(radius, Math.min(64 - radius, y));
  return Math.hypot(x - cx, y - cy) <= radius;
}

/**
 * `maskable`: the tile fills the square (the platform cuts its own shape) and the drawing shrinks into the
 * safe zone, the centre circle of 80% diameter.
 */
function drawIcon(size: number, maskable: boolean): Uint8Array {
  const scale = maskable ? 0.9 : 1; // the roof's corners (with the stroke) stay inside the safe circle
  const out = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const u = ((x + (sx + 0.5) / SAMPLES) / size) * 64;
          const v = ((y + (sy + 0.5) / SAMPLES) / size) * 64;
          if (!maskable && !insideRoundedSquare(u, v, 12)) continue;
          // Drawing coordinates: scaled about the centre for the maskable icon.
          const du = 32 + (u - 32) / scale;
          const dv = 32 + (v - 32) / scale;
          let colour = BACKGROUND;
          if (POINTS.some(([px, py]) => Math.hypot(du - px, dv - py) <= 3)) colour = POINT;
          else if (ROOF.slice(1).some((p, i) => segmentDistance(du, dv, ROOF[i]!, p) <= 2)) colour = STROKE;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          a += 1;
        }
      }
      const n = SAMPLES * SAMPLES;
      const i = (y * size + x) * 4;
      // Colours are averaged over covered samples only, so anti-aliased corners do not darken.
      out[i] = a ? Math.round(r / a) : 0;
      out[i + 1] = a ? Math.round(g / a) : 0;
      out[i + 2] = a ? Math.round(b / a) : 0;
      out[i + 3] = Math.round((255 * a) / n);
    }
  }
  return out;
}

const dir = join('public', 'icons');
mkdirSync(dir, { recursive: true });
for (const [name, size, maskable] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['maskable-512.png', 512, true],
] as const) {
  writeFileSync(join(dir, name), encode({ width: size, height: size, data: drawIcon(size, maskable), channels: 4, depth: 8 }));
  console.log(`${join(dir, name)}: ${size}x${size}${maskable ? ', maskable' : ''}`);
}
