// Live camera: getUserMedia (rear camera preferred on phones) shown in a preview <video>;
// while recording, each presented frame goes to the sink as a VideoFrame.
import { CaptureError, type FrameSink } from './frameSink';

export function cameraErrorMessage(err: unknown): string {
  const name = (err as DOMException | undefined)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera permission was denied. Allow the camera for this site in the browser settings, or open a video instead.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found on this device. Open a video or a set of images instead.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera is busy or could not start (another app may be using it).';
    default:
      return `The camera could not start (${(err as Error | undefined)?.message ?? String(err)}).`;
  }
}

export async function openCamera(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CaptureError('This browser gives no camera access here (a secure https:// page is needed).');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (err) {
    throw new CaptureError(cameraErrorMessage(err));
  }
}

/**
 * Sends frames from the preview element to the sink until `signal` aborts; resolves with the frame count.
 * A sink failure (e.g. the geometry worker stopped) ends the recording with that error.
 */
export function recordFrames(video: HTMLVideoElement, sink: FrameSink, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    let frames = 0;
    let busy = false;
    let failed = false;
    const start = performance.now();
    const onFrame = (now: number) => {
      if (signal.aborted || failed) return;
      // A live source cannot pause: when the worker is still busy with the last frame, skip this one.
      if (!busy) {
        busy = true;
        const frame = new VideoFrame(video, { timestamp: Math.round((now - start) * 1000) });
        sink(frame, { sourceFrame: frames++, timestampMs: now - start })
          .then(() => (busy = false))
          .catch((err: unknown) => {
            failed = true;
            reject(err instanceof Error ? err : new Error(String(err)));
          });
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    signal.addEventListener('abort', () => resolve(frames), { once: true });
  });
}
