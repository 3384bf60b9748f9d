// Image operations on browser frames (VideoFrame, ImageBitmap) with OffscreenCanvas, for workers:
// scaling happens in the canvas (GPU where available), and only the scaled pixels are read back.
import type { RgbaImage } from '../geometry/types';

export type BrowserFrame = VideoFrame | ImageBitmap;

const canvases = new Map<string, OffscreenCanvasRenderingContext2D>();

function context(width: number, height: number): OffscreenCanvasRenderingContext2D {
  const key = `${width}x${height}`;
  let ctx = canvases.get(key);
  if (!ctx) {
    const c = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!c) throw new Error('OffscreenCanvas 2D is not available');
    ctx = c;
    canvases.set(key, ctx);
  }
  return ctx;
}

export function frameSize(frame: BrowserFrame): { width: number; height: number } {
  return 'displayWidth' in frame ? { width: frame.displayWidth, height: frame.displayHeight } : { width: frame.width, height: frame.height };
}

export function frameToRgba(frame: BrowserFrame, width: number, height: number): RgbaImage {
  const ctx = context(width, height);
  ctx.drawImage(frame, 0, 0, width, height);
  const { data } = ctx.getImageData(0, 0, width, height);
  return { width, height, data };
}

/** A scaled copy as an ImageBitmap (transferable), made synchronously so the frame can be closed right after. */
export function scaledBitmap(frame: BrowserFrame, longSide: number): ImageBitmap {
  const { width, height } = frameSize(frame);
  const s = Math.min(1, longSide / Math.max(width, height));
  const w = Math.max(1, Math.round(width * s));
  const h = Math.max(1, Math.round(height * s));
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('OffscreenCanvas 2D is not available');
  ctx.drawImage(frame, 0, 0, w, h);
  return canvas.transferToImageBitmap();
}

export function bitmapToRgba(bitmap: ImageBitmap): RgbaImage {
  return frameToRgba(bitmap, bitmap.width, bitmap.height);
}

export function closeFrame(frame: BrowserFrame): void {
  frame.close();
}

/**
 * A scaled JPEG of the frame: drawn now (the part before the first await runs at once, so the frame can be
 * closed right after), encoded asynchronously; a failure rejects (the caller's capture must go on).
 */
export async function scaledJpeg(frame: BrowserFrame, longSide: number, quality = 0.8): Promise<Blob> {
  const bitmap = scaledBitmap(frame, longSide);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('bitmaprenderer');
  if (!ctx) throw new Error('OffscreenCanvas bitmaprenderer is not available');
  ctx.transferFromImageBitmap(bitmap);
  return canvas.convertToBlob({ type: 'image/jpeg', quality });
}
