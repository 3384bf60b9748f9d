// Live camera: getUserMedia (rear camera preferred on phones, a switch between cameras) shown in a preview <video>;
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

/**
 * Opens a camera: the one asked for by id (after a switch), else the rear camera where the device has one (a room is
 * filmed with the back of the phone), else whichever the browser gives.
 */
export async function openCamera(deviceId?: string): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CaptureError('This browser gives no camera access here (a secure https:// page is needed).');
  }
  const size = { width: { ideal: 1280 }, height: { ideal: 720 } };
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: deviceId ? { deviceId: { exact: deviceId }, ...size } : { facingMode: { ideal: 'environment' }, ...size },
    });
  } catch (err) {
    throw new CaptureError(cameraErrorMessage(err));
  }
}

/** The ids of the device's cameras (labels and ids are only given once the camera was allowed). */
export async function listCameras(): Promise<string[]> {
  const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
  return devices.filter((d) => d.kind === 'videoinput' && d.deviceId).map((d) => d.deviceId);
}

/** The camera after `current` in the device's list, round the end (front ↔ rear on a phone). */
export function nextCamera(ids: string[], current: string | undefined): string | undefined {
  if (ids.length < 2) return undefined;
  const i = current ? ids.indexOf(current) : -1;
  return ids[(i + 1) % ids.length];
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
        sink(frame, { sourceFrame: frames++, timestampMs: now - start, live: true })
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
