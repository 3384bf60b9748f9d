import type { AppController } from '../app/controller';
import { useApp } from '../app/store';
import { trackingStatusText } from '../scene/trackingText';
import { FilePickerButton } from './FilePickerButton';

/** Camera with Record / Stop and a camera switch, "Open video", "Try the demo room", "Open images", and the capture counters. */
export function CapturePane({ controller }: { controller: AppController }) {
  const capture = useApp((s) => s.capture);
  const scene = useApp((s) => s.scene);
  const busy = capture.mode === 'video' || capture.mode === 'images' || capture.mode === 'recording';
  const cameraOn = capture.mode === 'camera' || capture.mode === 'recording';
  const keyframes = scene.keyframes + scene.lostKeyframes;

  return (
    <section className="pane capture" aria-label="Capture">
      <h2>Capture</h2>
      <div className="buttons">
        {!cameraOn && (
          <button type="button" disabled={busy} onClick={() => void controller.openCamera()}>
            Camera
          </button>
        )}
        {capture.mode === 'camera' && (
          <>
            <button type="button" className="record" onClick={() => void controller.record()}>
              Record
            </button>
            {capture.cameras > 1 && (
              <button type="button" onClick={() => void controller.switchCamera()}>
                Switch camera
              </button>
            )}
            <button type="button" onClick={() => controller.closeCamera()}>
              Close camera
            </button>
          </>
        )}
        {busy && (
          <button type="button" className="stop" onClick={() => controller.stopCapture()}>
            Stop
          </button>
        )}
        <FilePickerButton
          accept="video/mp4,video/webm,video/quicktime,.mp4,.webm,.mov,.m4v"
          disabled={busy}
          testId="open-video"
          onFiles={([file]) => file && void controller.openVideo(file)}
        >
          Open video
        </FilePickerButton>
        <button type="button" disabled={busy} onClick={() => void controller.openDemo()}>
          Try the demo room
        </button>
        <FilePickerButton accept="image/*,.txt" multiple disabled={busy} testId="open-images" onFiles={(files) => void controller.openImages(files)}>
          Open images
        </FilePickerButton>
        <button type="button" disabled={busy || keyframes === 0} onClick={() => void controller.newCapture()}>
          New capture
        </button>
      </div>
      <dl className="counters" data-testid="capture-counters">
        <div>
          <dt>Source</dt>
          <dd>{capture.source ?? '—'}</dd>
        </div>
        <div>
          <dt>Frames seen</dt>
          <dd data-testid="frames-seen">{scene.framesSeen}</dd>
        </div>
        <div>
          <dt>Keyframes</dt>
          <dd data-testid="keyframes">{keyframes}</dd>
        </div>
        <div>
          <dt>Waiting for depth</dt>
          <dd>{scene.queue}</dd>
        </div>
        {capture.waiting && (capture.mode === 'video' || capture.mode === 'images') && (
          <div>
            <dt>Paused</dt>
            <dd data-testid="capture-waiting">while {capture.waiting}; nothing is skipped</dd>
          </div>
        )}
        <div>
          <dt>Tracking</dt>
          <dd data-testid="tracking" data-status={scene.tracking.status}>
            {keyframes === 0 ? '—' : trackingStatusText(scene.tracking)}
            {scene.lostKeyframes > 0 && ` · ${scene.lostKeyframes} keyframes lost`}
          </dd>
        </div>
        <div>
          <dt>Depth model</dt>
          <dd data-testid="depth-model">
            {scene.lastDepthMs === null
              ? '—'
              : scene.lastDepthMs === 0
                ? 'not used: depth came with the frames'
                : `${scene.lastDepthMs.toFixed(0)} ms / keyframe`}
          </dd>
        </div>
      </dl>
    </section>
  );
}
