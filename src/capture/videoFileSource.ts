// Plays a video file through the browser's own demuxer and decoder (<video>: mp4, webm, mov)
// and hands each presented frame to the sink as a VideoFrame. The main thread only wraps
// decoded frames (no pixel copies); playback pauses while the geometry worker catches up.
import { CaptureError, type FrameSink } from './frameSink';

export interface VideoRunResult {
  frames: number;
  durationMs: number;
  /** Set when the file broke off part-way: frames before that point were kept. */
  warning?: string;
}

const QUEUE_HIGH = 3;
const QUEUE_LOW = 1;
const STALL_MS = 20_000;

function mediaErrorMessage(name: string, err: MediaError | null): string {
  switch (err?.code) {
    case MediaError.MEDIA_ERR_DECODE:
      return `"${name}" is damaged or truncated: it could not be decoded.`;
    case MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED:
      return `"${name}" is not a video this browser can play (use mp4, webm or mov).`;
    default:
      return `"${name}" could not be read (${err?.message || 'unknown error'}).`;
  }
}

/**
 * Plays `file` in `video` (an element on the page, so the user sees what is being processed and the
 * browser presents every frame) and sends its frames to `sink`.
 */
export async function runVideoFile(
  file: File,
  video: HTMLVideoElement,
  sink: FrameSink,
  options: { signal?: AbortSignal; queueLength: () => Promise<number> },
): Promise<VideoRunResult> {
  const stopped = () => options.signal?.aborted === true;
  if (stopped()) return { frames: 0, durationMs: 0, warning: 'Stopped before the video started.' };
  video.srcObject = null;
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  const url = URL.createObjectURL(file);
  video.src = url;
  let frames = 0;
  let lastMediaTime = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      video.addEventListener('loadeddata', () => resolve(), { once: true });
      video.addEventListener('error', () => reject(new CaptureError(mediaErrorMessage(file.name, video.error))), { once: true });
    });
    if (!video.videoWidth || !video.videoHeight) throw new CaptureError(`"${file.name}" has no video track.`);
    if (stopped()) return { frames: 0, durationMs: 0, warning: 'Stopped before the video started.' };

    return await new Promise<VideoRunResult>((resolve, reject) => {
      let lastProgress = performance.now();
      let pending = Promise.resolve();
      let failure: string | undefined;
      const finish = (warning?: string) => {
        clearInterval(watchdog);
        void pending.finally(() => resolve({ frames, durationMs: lastMediaTime * 1000, warning: failure ?? warning }));
      };
      const onVideoFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
        lastProgress = performance.now();
        lastMediaTime = meta.mediaTime;
        const frame = new VideoFrame(video, { timestamp: Math.round(meta.mediaTime * 1e6) });
        const index = frames++;
        pending = pending.then(async () => {
          // After a stop or a failure, frames still arriving are released, not sent.
          if (stopped() || failure) {
            frame.close();
            return;
          }
          try {
            const queue = await sink(frame, { sourceFrame: index, timestampMs: meta.mediaTime * 1000 });
            if (queue >= QUEUE_HIGH && !video.paused) {
              video.pause();
              while ((await options.queueLength()) > QUEUE_LOW && !stopped()) await new Promise((r) => setTimeout(r, 50));
              lastProgress = performance.now();
              if (!video.ended && !stopped()) await video.play().catch(() => {}); // a Stop can interrupt play()
            }
          } catch (err) {
            failure = `Processing stopped after ${index} frames: ${(err as Error).message}. What was captured before is kept.`;
            video.pause();
            finish();
          }
        });
        if (!video.ended) video.requestVideoFrameCallback(onVideoFrame);
      };
      video.requestVideoFrameCallback(onVideoFrame);
      video.addEventListener('ended', () => finish(), { once: true });
      video.addEventListener('error', () => {
        const message = mediaErrorMessage(file.name, video.error);
        if (frames === 0) {
          clearInterval(watchdog);
          reject(new CaptureError(message));
        } else finish(`${message} The ${frames} frames before the damage were kept.`);
      });
      options.signal?.addEventListener('abort', () => {
        video.pause();
        finish('Stopped before the end of the video.');
      });
      const watchdog = setInterval(() => {
        if (!video.paused && performance.now() - lastProgress > STALL_MS) {
          video.pause();
          finish(`"${file.name}" stopped delivering frames; the ${frames} frames read so far were kept.`);
        }
      }, 1000);
      video.play().catch((err: Error) => {
        clearInterval(watchdog);
        reject(new CaptureError(`"${file.name}" could not be played (${err.message}).`));
      });
    });
  } finally {
    video.pause();
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}
