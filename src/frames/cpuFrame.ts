// Decoded video frames (a camera's, a video file's) are held by the browser in GPU or decoder memory. Drawing such a
// frame on a 2D canvas makes Chromium keep a copy of it for a while (measured: ~1.2 MB per 640x480 frame, up to some
// 440 MB, capture after capture), so every VideoFrame is first copied out as RGBA (VideoFrame.copyTo) into a
// CPU-backed ImageBitmap, scaled and turned upright, and only that is ever drawn.

export type Rotation = 0 | 90 | 180 | 270;

/** The output size: the frame's own size (turned for 90 / 270), scaled so its long side is at most `maxLongSide`. */
export function uprightSize(width: number, height: number, rotation: Rotation, maxLongSide: number): { width: number; height: number } {
  const [w, h] = rotation % 180 ? [height, width] : [width, height];
  const scale = Math.min(1, maxLongSide / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

/** The frame as a CPU-backed ImageBitmap, turned by `rotation` (clockwise) and scaled down to `maxLongSide`. Does not close the frame. */
export async function cpuBitmap(frame: VideoFrame, rotation: Rotation, maxLongSide: number): Promise<ImageBitmap> {
  const rect = frame.visibleRect ?? { width: frame.codedWidth, height: frame.codedHeight };
  const out = uprightSize(frame.displayWidth, frame.displayHeight, rotation, maxLongSide);
  const [sw, sh] = rotation % 180 ? [out.height, out.width] : [out.width, out.height]; // before turning
  let source: ImageBitmap;
  try {
    const rgba = new Uint8ClampedArray(frame.allocationSize({ format: 'RGBA' }));
    await frame.copyTo(rgba, { format: 'RGBA' });
    source = await createImageBitmap(new ImageData(rgba, rect.width, rect.height), { resizeWidth: sw, resizeHeight: sh, resizeQuality: 'medium' });
  } catch {
    // A browser without RGBA conversion in copyTo: draw the frame itself (correct, only without the memory saving).
    source = await createImageBitmap(frame, { resizeWidth: sw, resizeHeight: sh, resizeQuality: 'medium' });
  }
  if (rotation === 0) return source;
  const canvas = new OffscreenCanvas(out.width, out.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('OffscreenCanvas 2D is not available');
  ctx.translate(out.width / 2, out.height / 2);
  ctx.rotate((rotation * Math.PI) / 180);
  ctx.drawImage(source, -sw / 2, -sh / 2);
  source.close();
  return canvas.transferToImageBitmap();
}
