// "Try the demo room": the demo video is downloaded whole (a Blob, no pixel work) and then processed exactly
// like a video file the user opened.
import { CaptureError } from './frameSink';

/** Downloads the video at `url` as a File; every failure is a CaptureError that says what went wrong. */
export async function downloadDemoVideo(url: string, signal?: AbortSignal): Promise<File> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new CaptureError(`Could not download the demo video from ${url}: the network is unreachable, or the server does not let this site read it (CORS).`);
  }
  if (!response.ok) {
    throw new CaptureError(`The demo video is not available: ${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`);
  }
  // A host that answers every path with its HTML page would otherwise surface as "not a video" much later.
  const type = response.headers.get('Content-Type')?.split(';')[0]?.trim() ?? '';
  if (type && !type.startsWith('video/') && type !== 'application/octet-stream') {
    throw new CaptureError(`The demo URL ${url} did not return a video (it sent ${type}).`);
  }
  let blob: Blob;
  try {
    blob = await response.blob();
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new CaptureError(`The download of the demo video from ${url} broke off.`);
  }
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || '') || 'demo video';
  return new File([blob], name, { type: blob.type || type });
}
