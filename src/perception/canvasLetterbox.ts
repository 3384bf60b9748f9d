// Letterboxing in a worker with OffscreenCanvas: the browser scales the bitmap (GPU where available) into the
// detector's square input, grey elsewhere, and only the square's pixels are read back. Browser-only.
import { LETTERBOX_GREY, letterboxSize, type Letterboxed } from './detector';

let ctx: OffscreenCanvasRenderingContext2D | null = null;

export function letterboxBitmap(bitmap: ImageBitmap, size: number): Letterboxed {
  if (!ctx || ctx.canvas.width !== size) {
    ctx = new OffscreenCanvas(size, size).getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas 2D is not available');
  }
  const inner = letterboxSize(bitmap.width, bitmap.height, size);
  ctx.fillStyle = `rgb(${LETTERBOX_GREY}, ${LETTERBOX_GREY}, ${LETTERBOX_GREY})`;
  ctx.fillRect(0, 0, size, size);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, inner.width, inner.height);
  const { data } = ctx.getImageData(0, 0, size, size);
  return { image: { width: size, height: size, data }, sourceWidth: bitmap.width, sourceHeight: bitmap.height };
}
