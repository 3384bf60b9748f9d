// RGBA frames to transformers.js RawImages, resized by our own area filter (not RawImage.resize, which is sharp in
// Node and a canvas in a worker), so the models see the same pixels in tests and in the app.
import { RawImage } from '@huggingface/transformers';
import type { RgbaImage } from '../geometry/types';

/** RGBA (4 bytes a pixel) to a 3-channel transformers.js RawImage, resized (area average) when asked. */
export function rgbaToRawImage(img: RgbaImage, width = img.width, height = img.height): RawImage {
  const rgb = width === img.width && height === img.height ? dropAlpha(img) : resizeToRgb(img, width, height);
  return new RawImage(rgb, width, height, 3);
}

function dropAlpha(img: RgbaImage): Uint8ClampedArray {
  const n = img.width * img.height;
  const out = new Uint8ClampedArray(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = img.data[i * 4]!;
    out[i * 3 + 1] = img.data[i * 4 + 1]!;
    out[i * 3 + 2] = img.data[i * 4 + 2]!;
  }
  return out;
}

/** Box-filter weights mapping `src` samples to `dst` (exact area coverage; nearest-like when upsampling). */
function boxWeights(src: number, dst: number): { start: number; w: number[] }[] {
  const scale = src / dst;
  const out: { start: number; w: number[] }[] = [];
  for (let d = 0; d < dst; d++) {
    const a = d * scale;
    const b = Math.min(src, (d + 1) * scale);
    const start = Math.min(src - 1, Math.floor(a));
    const w: number[] = [];
    for (let s = start; s < Math.max(start + 1, Math.ceil(b)); s++) {
      w.push(Math.max(0, Math.min(b, s + 1) - Math.max(a, s)) || (b <= a ? 1 : 0));
    }
    const sum = w.reduce((x, y) => x + y, 0) || 1;
    out.push({ start, w: w.map((x) => x / sum) });
  }
  return out;
}

// Our own resize (not RawImage.resize): the same result in Node (sharp) and in a worker (OffscreenCanvas).
function resizeToRgb(img: RgbaImage, width: number, height: number): Uint8ClampedArray {
  const wx = boxWeights(img.width, width);
  const wy = boxWeights(img.height, height);
  const tmp = new Float32Array(img.height * width * 3);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < width; x++) {
      const { start, w } = wx[x]!;
      let r = 0,
        g = 0,
        b = 0;
      for (let k = 0; k < w.length; k++) {
        const i = (y * img.width + start + k) * 4;
        r += img.data[i]! * w[k]!;
        g += img.data[i + 1]! * w[k]!;
        b += img.data[i + 2]! * w[k]!;
      }
      const o = (y * width + x) * 3;
      tmp[o] = r;
      tmp[o + 1] = g;
      tmp[o + 2] = b;
    }
  }
  const out = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    const { start, w } = wy[y]!;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let k = 0; k < w.length; k++) v += tmp[((start + k) * width + x) * 3 + c]! * w[k]!;
        out[(y * width + x) * 3 + c] = Math.round(v);
      }
    }
  }
  return out;
}
