// "Open images": a set of frames, in file-name order. Decoding happens off the main thread
// (createImageBitmap), and each bitmap is transferred to the geometry worker.
import type { FrameSink } from './frameSink';

export interface ImageRunResult {
  frames: number;
  /** Names of files that were not images this browser can decode. */
  skipped: string[];
}

/** Colour images of a set, in natural name order (frame-2 before frame-10); depth maps and text files are left out. */
export function orderImageFiles<T extends { name: string; type: string }>(files: T[]): T[] {
  const isDepth = (name: string) => /depth/i.test(name);
  return files
    .filter((f) => !isDepth(f.name) && !/\.(txt|json|md)$/i.test(f.name))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

/** Nominal spacing of image-set frames, so downstream time-based logic has a clock. */
const IMAGE_INTERVAL_MS = 100;

export async function runImageFiles(files: File[], sink: FrameSink, signal?: AbortSignal): Promise<ImageRunResult> {
  const skipped: string[] = [];
  let frames = 0;
  for (const file of orderImageFiles(files)) {
    if (signal?.aborted) break;
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch {
      skipped.push(file.name);
      continue;
    }
    await sink(bitmap, { sourceFrame: frames, timestampMs: frames * IMAGE_INTERVAL_MS, forceKeyframe: true });
    frames++;
  }
  return { frames, skipped };
}
