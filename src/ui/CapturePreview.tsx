import { useEffect, useRef, useState } from 'react';
import type { AppController } from '../app/controller';
import { useApp } from '../app/store';
import { useLayout } from './layout';

/**
 * What is being captured: the camera picture (a video element the camera stream plays in) or the frames of a video
 * file being reconstructed (drawn on a canvas as they are read). Both elements live for the page's whole life. In the
 * compact layout, away from the Capture section, the preview shrinks to a thumbnail in a corner rather than
 * disappearing: the user keeps seeing what is being captured and taps it to go back, and the camera keeps presenting
 * frames (requestVideoFrameCallback is defined for frames presented for composition; Chromium also serves hidden
 * videos, other browsers need not).
 */
export function CapturePreview({ controller }: { controller: AppController }) {
  const video = useRef<HTMLVideoElement>(null);
  const frames = useRef<HTMLCanvasElement>(null);
  const mode = useApp((s) => s.capture.mode);
  const show = useLayout((s) => s.show);
  const source = mode === 'video' ? 'file' : mode === 'camera' || mode === 'recording' ? 'camera' : null;
  // Landscape pictures go above the 3D view on a portrait screen, portrait ones beside it (app.css).
  const [aspect, setAspect] = useState<'landscape' | 'portrait'>('landscape');
  const measure = () => {
    const v = video.current;
    if (v?.videoWidth && v.videoHeight) setAspect(v.videoWidth >= v.videoHeight ? 'landscape' : 'portrait');
  };

  useEffect(() => controller.attachPreview(video.current!, frames.current!), [controller]);

  return (
    <div className="preview-box" data-shown={source !== null} data-source={source ?? ''} data-recording={mode === 'recording'} data-aspect={aspect}>
      <video
        ref={video}
        className="preview preview-camera"
        muted
        playsInline
        data-testid="preview"
        aria-label="Camera picture"
        onLoadedMetadata={measure}
        onResize={measure}
      />
      <canvas ref={frames} className="preview preview-frames" role="img" aria-label="Video being reconstructed" data-testid="preview-frames" />
      <button type="button" className="preview-return" onClick={() => show('capture')}>
        <span className="visually-hidden">Back to the capture</span>
      </button>
    </div>
  );
}
