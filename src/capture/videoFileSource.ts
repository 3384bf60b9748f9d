// Reads a video file frame by frame, at the pace the reconstruction takes them. mediabunny demuxes it (mp4, mov,
// webm, mkv) and the browser decodes it (WebCodecs); each frame goes to the sink as a VideoFrame with the rotation the
// file asks for (the geometry worker turns and scales it). It is pulled, not played: a busy depth model, the chat
// model answering, or a slow device make the video wait. No frame is skipped, so a file gives the same keyframes
// however loaded the device is.
import { ALL_FORMATS, BlobSource, Input, type InputVideoTrack, UnsupportedInputFormatError, VideoSampleSink } from 'mediabunny';
import type { Rotation } from '../frames/cpuFrame';
import { CaptureError, type FrameSink } from './frameSink';

export interface VideoRunResult {
  frames: number;
  durationMs: number;
  /** Set when the file broke off part-way: frames before that point were kept. */
  warning?: string;
}

export interface VideoRunOptions {
  signal?: AbortSignal;
  /** Keyframes waiting in the geometry worker. */
  queueLength: () => Promise<number>;
  /** Resolves when the video may go on (e.g. once the chat model has finished an answer). */
  turn?: () => Promise<void>;
  /** Each frame before it is handed over (the page's preview); the frame stays the caller's. */
  onFrame?: (frame: VideoFrame, rotation: Rotation) => Promise<void> | void;
}
/** Keyframes waiting above which the next frame waits, and below which it goes on. */
const QUEUE_HIGH = 3;
const QUEUE_LOW = 1;
/** A decoder that gives no frame for this long has stopped. */
const STALL_MS = 20_000;

const stopped = (signal?: AbortSignal) => signal?.aborted === true;

/** The next frame, or a stall after STALL_MS. A frame that arrives after the stall is closed, never leaked. */
function nextWithin<T extends { close(): void }>(it: AsyncIterator<T>, ms: number): Promise<IteratorResult<T> | 'stalled'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stalled = false;
  const stall = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => {
      stalled = true;
      resolve('stalled');
    }, ms);
  });
  const next = it.next().then((result) => {
    if (stalled && !result.done) result.value.close();
    return result;
  });
  return Promise.race([next, stall]).finally(() => clearTimeout(timer));
}

export async function runVideoFile(file: File, sink: FrameSink, options: VideoRunOptions): Promise<VideoRunResult> {
  const { signal } = options;
  if (stopped(signal)) return { frames: 0, durationMs: 0, warning: 'Stopped before the video started.' };
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    let track: InputVideoTrack | null;
    try {
      track = await input.getPrimaryVideoTrack();
    } catch (err) {
      if (err instanceof UnsupportedInputFormatError) throw new CaptureError(`"${file.name}" is not a video this browser can play (use mp4, webm or mov).`);
      throw new CaptureError(`"${file.name}" is damaged or truncated: it could not be read (${(err as Error).message}).`);
    }
    if (!track) throw new CaptureError(`"${file.name}" has no video track.`);
    if (!(await track.canDecode())) {
      throw new CaptureError(`"${file.name}" uses a video codec (${track.codec ?? 'unknown'}) this browser cannot decode. Try an H.264 mp4 or a VP9 webm.`);
    }
    const frames = new VideoSampleSink(track).samples();
    let count = 0;
    let lastMs = 0;
    try {
      for (;;) {
        const next = await nextWithin(frames, STALL_MS);
        if (next === 'stalled')
          return { frames: count, durationMs: lastMs, warning: `"${file.name}" stopped giving frames; the ${count} frames read so far were kept.` };
        if (next.done) break;
        const sample = next.value;
        if (stopped(signal)) {
          sample.close();
          break;
        }
        const rotation = sample.rotation as Rotation;
        lastMs = Math.max(0, sample.timestamp * 1000);
        const frame = sample.toVideoFrame();
        sample.close();
        await options.turn?.();
        if (stopped(signal)) {
          frame.close();
          break;
        }
        await options.onFrame?.(frame, rotation);
        let queue: number;
        try {
          queue = await sink(frame, { sourceFrame: count++, timestampMs: lastMs, rotation });
        } catch (err) {
          throw new CaptureError(`Processing stopped after ${count - 1} frames: ${(err as Error).message}. What was captured before is kept.`);
        }
        if (queue >= QUEUE_HIGH) {
          while ((await options.queueLength()) > QUEUE_LOW && !stopped(signal)) await new Promise((r) => setTimeout(r, 50));
        }
      }
    } catch (err) {
      if (err instanceof CaptureError) throw err;
      // The decoder gave up part-way (a damaged or truncated file): what came before is kept.
      if (count === 0) throw new CaptureError(`"${file.name}" is damaged or truncated: it could not be decoded.`);
      return { frames: count, durationMs: lastMs, warning: `"${file.name}" is damaged after ${count} frames; the frames before were kept.` };
    } finally {
      await frames.return(undefined).catch(() => {});
    }
    if (stopped(signal)) return { frames: count, durationMs: lastMs, warning: 'Stopped before the end of the video.' };
    // A file cut short can end quietly: its index promises frames whose data is missing.
    const promised = await track
      .computePacketStats()
      .then((s) => s.packetCount)
      .catch(() => count);
    if (count < promised)
      return { frames: count, durationMs: lastMs, warning: `"${file.name}" is damaged after ${count} of ${promised} frames; the frames before were kept.` };
    return { frames: count, durationMs: lastMs };
  } finally {
    input.dispose();
  }
}
