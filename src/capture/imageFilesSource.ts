// "Open images": a set of frames, in file-name order, or an RGB-D folder (colour + 16-bit depth PNG in mm +
// camera-intrinsics.txt, the 7-Scenes layout), whose depth then replaces the depth model. Colour decoding
// happens off the main thread (createImageBitmap); depth PNGs are handed to the geometry worker undecoded.
import { groupRgbdFiles, parseIntrinsics } from '../rgbd/sevenScenes';
import type { Intrinsics } from '../geometry/types';
import { CaptureError, type FrameSink } from './frameSink';

export interface ImageRunResult {
  frames: number;
  /** Names of files that were not images this browser can decode. */
  skipped: string[];
  /** True when the set came with depth and intrinsics. */
  rgbd: boolean;
  /** RGB-D sets: colour frames that came without a depth image (the depth model fills in). */
  withoutDepth: string[];
}

/** Colour images of a set, in natural name order (frame-2 before frame-10); depth maps and text files are left out. */
export function orderImageFiles<T extends { name: string }>(files: T[]): T[] {
  return files
    .filter((f) => !/depth/i.test(f.name) && !/\.(txt|json|md)$/i.test(f.name))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

/** Nominal spacing of image-set frames, so downstream time-based logic has a clock. */
const IMAGE_INTERVAL_MS = 100;

/** Keyframes waiting in the geometry worker above which the next image waits (the worker keeps every image). */
const QUEUE_HIGH = 3;

export async function runImageFiles(
  files: File[],
  sink: FrameSink,
  options: {
    signal?: AbortSignal;
    queueLength: () => Promise<number>;
    /** Resolves when the next image may go (e.g. once the chat model has finished an answer). */
    turn?: () => Promise<void>;
  },
): Promise<ImageRunResult> {
  const { signal } = options;
  const byName = new Map(files.map((f) => [f.name, f]));
  const intrinsicsFile = files.find((f) => f.name === 'camera-intrinsics.txt');
  const groups = groupRgbdFiles(files.map((f) => f.name));
  const rgbd = !!intrinsicsFile && groups.some((g) => g.depth);
  let intrinsics: Intrinsics | undefined;
  if (rgbd) {
    try {
      intrinsics = parseIntrinsics(await intrinsicsFile.text());
    } catch (err) {
      throw new CaptureError(`camera-intrinsics.txt could not be read: ${(err as Error).message}.`);
    }
  }
  const frames = rgbd
    ? groups.map((g) => ({ color: byName.get(g.color)!, depth: g.depth ? byName.get(g.depth) : undefined }))
    : orderImageFiles(files).map((color) => ({ color, depth: undefined }));

  const skipped: string[] = [];
  const withoutDepth = rgbd ? frames.filter((f) => !f.depth).map((f) => f.color.name) : [];
  let count = 0;
  for (const { color, depth } of frames) {
    await options.turn?.();
    if (signal?.aborted) break;
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(color);
    } catch {
      skipped.push(color.name);
      continue;
    }
    let pending = await sink(bitmap, {
      sourceFrame: count,
      timestampMs: count * IMAGE_INTERVAL_MS,
      forceKeyframe: true,
      rgbd: depth && intrinsics ? { depthPng: depth, intrinsics, name: depth.name } : undefined,
    });
    count++;
    while (pending >= QUEUE_HIGH && !signal?.aborted) {
      await new Promise((r) => setTimeout(r, 50));
      pending = await options.queueLength();
    }
  }
  return { frames: count, skipped, rgbd, withoutDepth };
}
