// The live camera on the main thread: the stream shown in the page's preview element, which camera it is (rear by
// default, a switch between the device's cameras), and its release when the page goes to the background: a phone
// must not keep filming from a tab the user left, and the recording could not go on there anyway.
import { listCameras, nextCamera, openCamera } from '../capture/cameraSource';
import { CaptureError } from '../capture/frameSink';
import { useApp } from './store';

export class CameraClient {
  private stream: MediaStream | null = null;
  /** The camera chosen by a switch; undefined: the rear camera where there is one. */
  private deviceId: string | undefined;
  private preview: HTMLVideoElement | null = null;

  /** `onBackground` is called when the page is hidden while the camera is on; it should close the camera. */
  constructor(onBackground: () => void) {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden' && this.stream) onBackground();
    });
  }

  get isOn(): boolean {
    return this.stream !== null;
  }

  /** The page's preview element: the camera and video files play there. Returns a function that detaches it. */
  attach(video: HTMLVideoElement): () => void {
    this.preview = video;
    return () => {
      if (this.preview === video) this.preview = null;
    };
  }

  /** The preview element (it is on the page from the first render). */
  video(): HTMLVideoElement {
    if (!this.preview) throw new CaptureError('The page is not ready yet: try again in a moment.');
    return this.preview;
  }

  /** Turns the camera on in the preview; throws a CaptureError that says why it could not. */
  async open(deviceId = this.deviceId): Promise<void> {
    const video = this.video();
    this.close();
    const stream = await openCamera(deviceId);
    this.stream = stream;
    this.deviceId = deviceId;
    video.srcObject = stream;
    try {
      await video.play();
    } catch (err) {
      this.close();
      throw new CaptureError(`The camera picture could not be shown (${(err as Error).message}).`);
    }
    useApp.getState().patchCapture({ cameras: (await listCameras()).length });
  }

  /** Moves to the device's next camera (front ↔ rear); the choice holds until the page is reloaded. */
  async switch(): Promise<void> {
    const ids = await listCameras();
    const current = this.stream?.getVideoTracks()[0]?.getSettings().deviceId ?? this.deviceId;
    const next = nextCamera(ids, current);
    if (!next) throw new CaptureError('This device has only one camera.');
    await this.open(next);
  }

  close(): void {
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    if (this.preview?.srcObject) this.preview.srcObject = null;
  }
}
