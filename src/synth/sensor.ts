// What an RGB-D camera makes of a rendered view. Colour: a 3x3 blur (lens and demosaicing soften edges, and it keeps
// texture from aliasing) and ±2 levels of noise. Depth, like a consumer depth sensor's:
// - noise of about 1 % of the depth, per pixel, then millimetre steps (the PNG's unit);
// - holes along depth edges (a jump of more than 5 % of the depth to a neighbour): the sensor sees both surfaces
//   there and gives neither, 70 % of such pixels;
// - holes on glossy or glassy surfaces (screens, polished metal) in smooth blotches covering about half of them, and on
//   dark surfaces (40 % of pixels): too little light returns;
// - nothing beyond 8 m.
import { gaussian, seededRandom } from '../util/random';
import type { RenderedView } from './raycast';
import { valueNoise } from './textures';

export const DEPTH_NOISE = 0.01;
const EDGE_JUMP = 0.05;
const EDGE_HOLE_RATE = 0.7;
const DARK_HOLE_RATE = 0.4;
const MAX_RANGE = 8;

export interface SensorFrame {
  width: number;
  height: number;
  /** RGBA, 0–255. */
  rgba: Uint8ClampedArray;
  /** Millimetres, 0 = no reading. */
  depthMm: Uint16Array;
}

export interface SensorOptions {
  /** Set false for the rendered depth as is (to the millimetre). */
  depthNoise?: boolean;
}

/** The camera's output for one rendered frame; `seed` makes the noise of each frame its own and reproducible. */
export function sense(view: RenderedView, seed: number, options: SensorOptions = {}): SensorFrame {
  const { width, height } = view;
  const random = seededRandom(seed);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let v = 0; v < height; v++)
    for (let u = 0; u < width; u++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        let weight = 0;
        for (let dv = -1; dv <= 1; dv++)
          for (let du = -1; du <= 1; du++) {
            const uu = u + du;
            const vv = v + dv;
            if (uu < 0 || vv < 0 || uu >= width || vv >= height) continue;
            const w = (2 - Math.abs(du)) * (2 - Math.abs(dv));
            sum += view.rgb[3 * (vv * width + uu) + c]! * w;
            weight += w;
          }
        rgba[4 * (v * width + u) + c] = sum / weight + (random() - 0.5) * 4;
      }
      rgba[4 * (v * width + u) + 3] = 255;
    }

  const depthMm = new Uint16Array(width * height);
  const noisy = options.depthNoise !== false;
  for (let v = 0; v < height; v++)
    for (let u = 0; u < width; u++) {
      const i = v * width + u;
      const z = view.depth[i]!;
      if (!(z > 0) || z > MAX_RANGE) continue;
      if (noisy) {
        if (isEdge(view.depth, width, height, u, v, z) && random() < EDGE_HOLE_RATE) continue;
        if (view.surface[i] === 1 && valueNoise(u / 12, v / 12, seed) > 0.5) continue;
        if (view.surface[i] === 2 && random() < DARK_HOLE_RATE) continue;
      }
      const measured = noisy ? z * (1 + DEPTH_NOISE * gaussian(random)) : z;
      depthMm[i] = Math.max(1, Math.min(65534, Math.round(measured * 1000)));
    }
  return { width, height, rgba, depthMm };
}

function isEdge(depth: Float32Array, width: number, height: number, u: number, v: number, z: number): boolean {
  const limit = EDGE_JUMP * z;
  if (u > 0 && Math.abs(depth[v * width + u - 1]! - z) > limit) return true;
  if (u + 1 < width && Math.abs(depth[v * width + u + 1]! - z) > limit) return true;
  if (v > 0 && Math.abs(depth[(v - 1) * width + u]! - z) > limit) return true;
  return v + 1 < height && Math.abs(depth[(v + 1) * width + u]! - z) > limit;
}
