// ORB features (Rublee et al. 2011) in plain TypeScript: FAST-9 corners spread over a grid,
// intensity-centroid orientation and steered BRIEF descriptors (256 bits). Runs in Node and in workers.
import { seededRandom } from '../util/random';

export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface Features {
  count: number;
  /** Pixel coordinates, x then y per feature. */
  xy: Float32Array;
  /** 8 x 32-bit words per feature. */
  descriptors: Uint32Array;
  /** FAST score, for ranking. */
  score: Float32Array;
}

export const DESCRIPTOR_WORDS = 8;
const PATCH_RADIUS = 15;
/** Border kept clear so the rotated BRIEF pattern stays inside the image. */
const BORDER = 20;

// Bresenham circle of radius 3 (16 pixels), as offsets (dx, dy).
const CIRCLE: [number, number][] = [
  [0, -3],
  [1, -3],
  [2, -2],
  [3, -1],
  [3, 0],
  [3, 1],
  [2, 2],
  [1, 3],
  [0, 3],
  [-1, 3],
  [-2, 2],
  [-3, 1],
  [-3, 0],
  [-3, -1],
  [-2, -2],
  [-1, -3],
];

/** The BRIEF test pattern: 256 point pairs, Gaussian around the centre (σ = patch/5), clipped to the patch. */
const PATTERN: Int8Array = (() => {
  const rand = seededRandom(0x0b1e);
  const gauss = () => {
    const u = Math.max(1e-12, rand());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const p = new Int8Array(256 * 4);
  for (let i = 0; i < p.length; i++) p[i] = Math.max(-PATCH_RADIUS, Math.min(PATCH_RADIUS, Math.round(gauss() * 6)));
  return p;
})();

export function rgbaToGrey(rgba: ArrayLike<number>, width: number, height: number): GreyImage {
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = (rgba[4 * i]! * 77 + rgba[4 * i + 1]! * 150 + rgba[4 * i + 2]! * 29) >> 8;
  return { width, height, data };
}

/** 5x5 binomial blur (separable), so descriptors are stable under noise. */
export function blur(img: GreyImage): GreyImage {
  const { width: w, height: h, data } = img;
  const tmp = new Uint16Array(w * h);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 2; x < w - 2; x++) {
      const i = y * w + x;
      tmp[i] = data[i - 2]! + 4 * data[i - 1]! + 6 * data[i]! + 4 * data[i + 1]! + data[i + 2]!;
    }
  }
  for (let y = 2; y < h - 2; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      out[i] = (tmp[i - 2 * w]! + 4 * tmp[i - w]! + 6 * tmp[i]! + 4 * tmp[i + w]! + tmp[i + 2 * w]! + 128) >> 8;
    }
  }
  return { width: w, height: h, data: out };
}

/** FAST-9 score at a pixel that passed the quick test: 0 when it is not a corner, else the sum of contrasts beyond the threshold. */
function fastScore(data: Uint8Array, i: number, threshold: number, offsets: Int32Array): number {
  const c = data[i]!;
  const hi = c + threshold;
  const lo = c - threshold;
  let brightRun = 0;
  let darkRun = 0;
  let best = 0;
  for (let k = 0; k < 25; k++) {
    const v = data[i + offsets[k % 16]!]!;
    if (v > hi) {
      brightRun++;
      darkRun = 0;
    } else if (v < lo) {
      darkRun++;
      brightRun = 0;
    } else {
      brightRun = 0;
      darkRun = 0;
    }
    if (brightRun >= 9 || darkRun >= 9) {
      best = 1;
      break;
    }
  }
  if (!best) return 0;
  let score = 0;
  for (let k = 0; k < 16; k++) score += Math.max(0, Math.abs(data[i + offsets[k]!]! - c) - threshold);
  return score;
}

export interface OrbOptions {
  maxFeatures?: number;
  fastThreshold?: number;
  /** Grid cell size (px): features are spread by keeping the best few per cell. */
  cell?: number;
}

export function detectOrb(grey: GreyImage, options: OrbOptions = {}): Features {
  const { width: w, height: h } = grey;
  const maxFeatures = options.maxFeatures ?? 1000;
  const threshold = options.fastThreshold ?? 15;
  const cell = options.cell ?? 40;
  const smooth = blur(grey);
  const offsets = Int32Array.from(CIRCLE, ([dx, dy]) => dy * w + dx);
  const scores = new Float32Array(w * h);
  const corners: number[] = [];
  const g = grey.data;
  const o0 = offsets[0]!;
  const o4 = offsets[4]!;
  const o8 = offsets[8]!;
  const o12 = offsets[12]!;
  for (let y = BORDER; y < h - BORDER; y++) {
    for (let x = BORDER; x < w - BORDER; x++) {
      const i = y * w + x;
      // The cheap part of FAST inline (most pixels stop here): a 9-arc needs 2 of pixels 0, 4, 8, 12 on one side.
      const c = g[i]!;
      const hi = c + threshold;
      const lo = c - threshold;
      const a0 = g[i + o0]!;
      const a8 = g[i + o8]!;
      const a4 = g[i + o4]!;
      const a12 = g[i + o12]!;
      const bright = (a0 > hi ? 1 : 0) + (a4 > hi ? 1 : 0) + (a8 > hi ? 1 : 0) + (a12 > hi ? 1 : 0);
      const dark = (a0 < lo ? 1 : 0) + (a4 < lo ? 1 : 0) + (a8 < lo ? 1 : 0) + (a12 < lo ? 1 : 0);
      if (bright < 2 && dark < 2) continue;
      const score = fastScore(g, i, threshold, offsets);
      if (score > 0) {
        scores[i] = score;
        corners.push(i);
      }
    }
  }
  // 3x3 non-maximum suppression, then the best per grid cell.
  const cols = Math.ceil(w / cell);
  const rows = Math.ceil(h / cell);
  const perCell = Math.max(1, Math.ceil((maxFeatures / (cols * rows)) * 1.5));
  const cellLists: number[][] = Array.from({ length: cols * rows }, () => []);
  for (const i of corners) {
    const s = scores[i]!;
    if (
      s < scores[i - 1]! ||
      s <= scores[i + 1]! ||
      s < scores[i - w - 1]! ||
      s < scores[i - w]! ||
      s < scores[i - w + 1]! ||
      s <= scores[i + w - 1]! ||
      s <= scores[i + w]! ||
      s <= scores[i + w + 1]!
    )
      continue;
    const x = i % w;
    cellLists[Math.floor((i - x) / w / cell) * cols + Math.floor(x / cell)]!.push(i);
  }
  let picked: number[] = [];
  for (const list of cellLists) {
    list.sort((a, b) => scores[b]! - scores[a]!);
    picked.push(...list.slice(0, perCell));
  }
  picked.sort((a, b) => scores[b]! - scores[a]!);
  picked = picked.slice(0, maxFeatures);

  const n = picked.length;
  const xy = new Float32Array(2 * n);
  const score = new Float32Array(n);
  const descriptors = new Uint32Array(n * DESCRIPTOR_WORDS);
  const sd = smooth.data;
  for (let k = 0; k < n; k++) {
    const i = picked[k]!;
    const x = i % w;
    const y = (i - x) / w;
    xy[2 * k] = x;
    xy[2 * k + 1] = y;
    score[k] = scores[i]!;
    // Orientation from the intensity centroid of a disc.
    let m10 = 0;
    let m01 = 0;
    for (let dy = -PATCH_RADIUS; dy <= PATCH_RADIUS; dy++) {
      const span = Math.floor(Math.sqrt(PATCH_RADIUS * PATCH_RADIUS - dy * dy));
      const row = (y + dy) * w + x;
      for (let dx = -span; dx <= span; dx++) {
        const v = sd[row + dx]!;
        m10 += dx * v;
        m01 += dy * v;
      }
    }
    const angle = Math.atan2(m01, m10);
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    for (let b = 0; b < 256; b++) {
      const ax = PATTERN[4 * b]!;
      const ay = PATTERN[4 * b + 1]!;
      const bx = PATTERN[4 * b + 2]!;
      const by = PATTERN[4 * b + 3]!;
      const va = sd[(y + Math.round(ax * s + ay * c)) * w + x + Math.round(ax * c - ay * s)]!;
      const vb = sd[(y + Math.round(bx * s + by * c)) * w + x + Math.round(bx * c - by * s)]!;
      if (va < vb) descriptors[k * DESCRIPTOR_WORDS + (b >> 5)]! |= 1 << (b & 31);
    }
  }
  return { count: n, xy, descriptors, score };
}

function popcount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function hamming(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  let d = 0;
  const oi = i * DESCRIPTOR_WORDS;
  const oj = j * DESCRIPTOR_WORDS;
  for (let k = 0; k < DESCRIPTOR_WORDS; k++) d += popcount((a[oi + k]! ^ b[oj + k]!) >>> 0);
  return d;
}

/** Mutual nearest neighbours under a distance cap and Lowe's ratio: pairs [i in a, j in b]. */
export function matchDescriptors(a: Uint32Array, na: number, b: Uint32Array, nb: number, maxDistance = 64, ratio = 0.8): [number, number][] {
  const bestB = new Int32Array(na).fill(-1);
  const bestDistA = new Int32Array(na);
  for (let i = 0; i < na; i++) {
    let d1 = 257;
    let d2 = 257;
    let j1 = -1;
    for (let j = 0; j < nb; j++) {
      const d = hamming(a, i, b, j);
      if (d < d1) {
        d2 = d1;
        d1 = d;
        j1 = j;
      } else if (d < d2) d2 = d;
    }
    if (d1 <= maxDistance && d1 < ratio * d2) {
      bestB[i] = j1;
      bestDistA[i] = d1;
    }
  }
  // Mutual check: no other a-feature is closer to the chosen b-feature.
  const bestForB = new Int32Array(nb).fill(-1);
  const bestDistB = new Int32Array(nb).fill(257);
  for (let i = 0; i < na; i++) {
    const j = bestB[i]!;
    if (j >= 0 && bestDistA[i]! < bestDistB[j]!) {
      bestDistB[j] = bestDistA[i]!;
      bestForB[j] = i;
    }
  }
  const out: [number, number][] = [];
  for (let i = 0; i < na; i++) if (bestB[i]! >= 0 && bestForB[bestB[i]!] === i) out.push([i, bestB[i]!]);
  return out;
}
