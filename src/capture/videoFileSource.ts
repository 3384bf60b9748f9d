// Reads a video file frame by frame, at the pace the reconstruction takes them. mediabunny demuxes it (mp4, mov,
// webm, mkv) and the browser decodes it (WebCodecs); each frame comes rotated as the file says and scaled so its long
// side is at most 1280 px, and goes to the sink as a VideoFrame. It is pulled, not played: a busy depth model, the
// chat model answering, or a slow device make the video wait. No frame is skipped, so a file gives the same
// keyframes however loaded the device is.
import { ALL_FORMATS, BlobSource, CanvasSink, Input, type InputVideoTrack, UnsupportedInputFormatError } from 'mediabunny';
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
  /** Each frame's picture, before it is handed over (the page's preview). */
  onPicture?: (picture: CanvasImageSource, width: number, height: number) => void;
}

/** Frames bigger than this are scaled down: the depth model, the detector and the chat model all take less. */
export const MAX_FRAME_LONG_SIDE = 1280;
/** Keyframes waiting above which the next frame waits, and below which it goes on. */
const QUEUE_HIGH = 3;
const QUEUE_LOW = 1;
/** A decoder that gives no frame for this long has stopped. */
const STALL_MS = 20_000;

const stopped = (signal?: AbortSignal) => signal?.aborted === true;

/** The output size: the file's display size (after rotation), scaled down to the long-side limit. */
async function frameSize(track: InputVideoTrack): Promise<{ width: number; height: number }> {
  const [w, h] = [await track.getDisplayWidth(), await track.getDisplayHeight()];
  const scale = Math.min(1, MAX_FRAME_LONG_SIDE / Math.max(w, h));
  return { width: Math.max(2, Math.round(w * scale)), height: Math.max(2, Math.round(h * scale)) };
}

/** The next frame, or a stall after STALL_MS. */
function nextWithin<T>(it: AsyncIterator<T>, ms: number): Promise<IteratorResult<T> | 'stalled'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stall = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => resolve('stalled'), ms);
  });
  return Promise.race([it.next(), stall]).finally(() => clearTimeout(timer));
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
    const size = await frameSize(track);
    const frames = new CanvasSink(track, { ...size, fit: 'fill', poolSize: 2 }).canvases();
    let count = 0;
    let lastMs = 0;
    try {
      for (;;) {
        const next = await nextWithin(frames, STALL_MS);
        if (next === 'stalled')
          return { frames: count, durationMs: lastMs, warning: `"${file.name}" stopped giving frames; the ${count} frames read so far were kept.` };
        if (next.done || stopped(signal)) break;
        await options.turn?.();
        if (stopped(signal)) break;
        const { canvas, timestamp } = next.value;
        lastMs = Math.max(0, timestamp * 1000);
        options.onPicture?.(canvas, size.width, size.height);
        const frame = new VideoFrame(canvas, { timestamp: Math.round(lastMs * 1000) });
        let queue: number;
        try {
          queue = await sink(frame, { sourceFrame: count++, timestampMs: lastMs });
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
