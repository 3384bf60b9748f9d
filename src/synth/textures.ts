// Procedural textures for the synthetic rooms: a colour from a material and a point on a surface (its two surface
// coordinates in metres). Integer hashing and smooth value noise only, so every machine computes the same colours.
// Patterns are a few centimetres and up (grain, seams, tiles, book spines, pictures): what a camera at 1–5 m resolves
// and a feature tracker finds, without aliasing into pixel noise.
import type { Vec3 } from '../spatial/types';
import type { Material } from './types';

/** A hash of two integers and a seed to [0, 1). */
export function hash2(x: number, y: number, seed: number): number {
  let h = Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1) ^ Math.imul(seed | 0, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

const smooth = (t: number) => t * t * (3 - 2 * t);

/** Smooth value noise in [0, 1) with features of about one unit. */
export function valueNoise(x: number, y: number, seed: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = smooth(x - ix);
  const fy = smooth(y - iy);
  const a = hash2(ix, iy, seed);
  const b = hash2(ix + 1, iy, seed);
  const c = hash2(ix, iy + 1, seed);
  const d = hash2(ix + 1, iy + 1, seed);
  return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}

/** Two octaves of value noise, centred on 0 (about ±0.5). */
function fbm(x: number, y: number, seed: number): number {
  return valueNoise(x, y, seed) * 0.65 + valueNoise(x * 2.7, y * 2.7, seed + 1) * 0.35 - 0.5;
}

const mix = (a: Vec3, b: Vec3, t: number): Vec3 => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];

/** The albedo of a material at surface coordinates (s, t) metres; `salt` separates surfaces of one material. */
export function albedo(m: Material, s: number, t: number, salt: number): Vec3 {
  const k = m.scale;
  switch (m.kind) {
    case 'paint':
      // Faint blotches: painted walls and ceilings are nearly plain, as real ones are.
      return scale(m.base, 1 + fbm(s / k, t / k, salt) * 0.12);
    case 'planks': {
      const row = Math.floor(t / k);
      const offset = hash2(row, 0, salt) * 2;
      const plank = Math.floor((s + offset) / 1.2);
      const tone = 0.8 + hash2(row, plank, salt + 7) * 0.4;
      const grain = fbm((s + offset) * 1.5, t * 40, salt + row) * 0.25;
      const seam = t - row * k < 0.006 || (s + offset) / 1.2 - plank < 0.006 ? 0.45 : 1;
      return scale(mix(m.base, m.accent, 0.5 + grain), tone * seam);
    }
    case 'tiles': {
      const i = Math.floor(s / k);
      const j = Math.floor(t / k);
      const grout = s - i * k < 0.008 || t - j * k < 0.008;
      if (grout) return m.accent;
      return scale(m.base, 0.82 + hash2(i, j, salt) * 0.3 + fbm(s * 6, t * 6, salt + 3) * 0.15);
    }
    case 'wood': {
      const grain = fbm(s * 2, t * (1 / k), salt);
      return scale(mix(m.base, m.accent, 0.5 + grain * 1.2), 0.9 + hash2(Math.floor(s * 3), 0, salt) * 0.2);
    }
    case 'fabric': {
      const checks = (Math.floor(s / k) + Math.floor(t / k)) % 2 === 0 ? 1 : 0.88;
      const blotch = fbm(s * 4, t * 4, salt) * 0.35;
      return scale(mix(m.base, m.accent, 0.3 + blotch), checks);
    }
    case 'metal':
      return scale(m.base, 0.92 + fbm(s * 3, t * 60, salt) * 0.18 + (Math.abs(((s * 4) % 1) - 0.5) < 0.01 ? -0.3 : 0));
    case 'screen':
      return scale(m.base, 1 + fbm(s * 2, t * 2, salt) * 0.8);
    case 'leaves': {
      const leaf = valueNoise(s / k, t / k, salt);
      return leaf > 0.55 ? mix(m.base, m.accent, (leaf - 0.55) * 2.2) : scale(m.base, 0.45 + leaf * 0.6);
    }
    case 'ceramic':
      return Math.abs(((t * 6) % 1) - 0.5) < 0.06 ? m.accent : scale(m.base, 1 + fbm(s * 5, t * 5, salt) * 0.1);
    case 'books': {
      const spine = Math.floor(s / k);
      const h = hash2(spine, 0, salt);
      const colour: Vec3 = [0.2 + hash2(spine, 1, salt) * 0.7, 0.15 + hash2(spine, 2, salt) * 0.6, 0.15 + hash2(spine, 3, salt) * 0.6];
      const label = Math.abs(t - 0.1 - h * 0.15) < 0.015 ? 0.4 : 1;
      return scale(colour, label);
    }
    case 'burners': {
      const ci = Math.floor(s / 0.3);
      const cj = Math.floor(t / 0.3);
      const r = Math.hypot(s - (ci + 0.5) * 0.3, t - (cj + 0.5) * 0.3);
      return r > 0.07 && r < 0.1 ? m.accent : m.base;
    }
  }
}

/** A picture on a wall: a framed grid of coloured blocks and discs, different for every poster. */
export function posterAlbedo(u: number, v: number, pattern: number): Vec3 {
  if (u < 0.04 || u > 0.96 || v < 0.04 || v > 0.96) return [0.12, 0.1, 0.08];
  const i = Math.floor(u * 4);
  const j = Math.floor(v * 4);
  const r = hash2(i, j, pattern);
  const g = hash2(i, j, pattern + 1);
  const b = hash2(i, j, pattern + 2);
  const cu = (i + 0.5) / 4;
  const cv = (j + 0.5) / 4;
  const disc = hash2(i, j, pattern + 3) < 0.4 && Math.hypot(u - cu, v - cv) < 0.09;
  return disc ? [1 - r, 1 - g, 1 - b] : [0.1 + r * 0.85, 0.1 + g * 0.85, 0.1 + b * 0.85];
}
