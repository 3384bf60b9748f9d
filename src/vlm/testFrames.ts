// Synthetic frames for the chat engine's tests: deterministic, and different for every seed, so a test can tell
// whether a reply depended on the images.
import type { RgbaImage } from '../geometry/types';
import type { VlmFrame } from './types';

export function testImage(seed: number, width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 3 + seed * 71) % 256;
      data[i + 1] = (y * 5 + seed * 29) % 256;
      data[i + 2] = ((x ^ y) * (seed + 1)) % 256;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

/** `n` frames of `width` x `height`, one second apart, every 30th source frame. */
export function testFrames(n: number, seed: number, width: number, height: number): VlmFrame[] {
  return Array.from({ length: n }, (_, i) => ({ image: testImage(seed + i * 7, width, height), timestampMs: i * 1000, sourceFrame: i * 30 }));
}
