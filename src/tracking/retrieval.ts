// Which keyframes might show what the camera sees now, without matching features against every one of them: each
// keyframe keeps a small blurred thumbnail of its image (40 x 30, zero mean, unit norm: PTAM's relocaliser, Klein &
// Murray 2008), and a new frame's thumbnail is compared with all by normalised cross-correlation, a dot product of
// 1,200 numbers each. A few best candidates then go to feature matching, so relocalising costs the same whether the
// map holds a hundred keyframes or thousands.
import type { GreyImage } from './orb';

const THUMB_W = 40;
const THUMB_H = 30;

/** The image as a 40 x 30 thumbnail, box-averaged then blurred, zero mean and unit norm (lighting drops out). */
export function thumbnail(grey: GreyImage): Float32Array {
  const { width, height, data } = grey;
  const small = new Float32Array(THUMB_W * THUMB_H);
  for (let ty = 0; ty < THUMB_H; ty++) {
    const y0 = Math.floor((ty * height) / THUMB_H);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * height) / THUMB_H));
    for (let tx = 0; tx < THUMB_W; tx++) {
      const x0 = Math.floor((tx * width) / THUMB_W);
      const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * width) / THUMB_W));
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += data[y * width + x]!;
      small[ty * THUMB_W + tx] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  // A 3x3 box blur: a small shift of the camera moves the thumbnail less than a pixel's worth.
  const out = new Float32Array(THUMB_W * THUMB_H);
  for (let y = 0; y < THUMB_H; y++) {
    for (let x = 0; x < THUMB_W; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= THUMB_W || yy >= THUMB_H) continue;
          sum += small[yy * THUMB_W + xx]!;
          n++;
        }
      }
      out[y * THUMB_W + x] = sum / n;
    }
  }
  let mean = 0;
  for (const v of out) mean += v;
  mean /= out.length;
  let norm = 0;
  for (let i = 0; i < out.length; i++) {
    out[i]! -= mean;
    norm += out[i]! ** 2;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

/** Normalised cross-correlation of two thumbnails: 1 the same view, about 0 unrelated ones. */
export function similarity(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The `count` items whose thumbnails are most like `query`, best first. */
export function mostSimilar<T extends { thumb: Float32Array }>(query: Float32Array, items: readonly T[], count: number): T[] {
  const best: { item: T; score: number }[] = [];
  for (const item of items) {
    const score = similarity(query, item.thumb);
    if (best.length < count || score > best[best.length - 1]!.score) {
      best.push({ item, score });
      best.sort((a, b) => b.score - a.score);
      if (best.length > count) best.pop();
    }
  }
  return best.map((b) => b.item);
}
