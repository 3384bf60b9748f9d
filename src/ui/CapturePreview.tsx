import { useEffect, useRef, useState } from 'react';
import type { CameraClient } from '../app/cameraClient';
import { useApp } from '../app/store';
import { useLayout } from './layout';

/**
 * The camera picture, or the video being reconstructed. It is one element for the page's whole life (the camera
 * stream and the video file play in it, and frames are read from it). In the compact layout, away from the Capture
 * section, it shrinks to a thumbnail in a corner rather than disappearing: the user keeps seeing what is being
 * captured and taps it to go back, and frames keep being presented (requestVideoFrameCallback is defined for frames
 * presented for composition; Chromium also serves hidden videos, other browsers need not).
 */
export function CapturePreview({ camera }: { camera: CameraClient }) {
  const video = useRef<HTMLVideoElement>(null);
  const mode = useApp((s) => s.capture.mode);
  const show = useLayout((s) => s.show);
  const shown = mode === 'camera' || mode === 'recording' || mode === 'video';

  // Landscape pictures go above the 3D view on a portrait screen, portrait ones beside it (app.css).
  const [aspect, setAspect] = useState<'landscape' | 'portrait'>('landscape');
  const measure = () => {
    const v = video.current;
    if (v?.videoWidth && v.videoHeight) setAspect(v.videoWidth >= v.videoHeight ? 'landscape' : 'portrait');
  };

  useEffect(() => camera.attach(video.current!), [camera]);

  return (
    <div className="preview-box" data-shown={shown} data-recording={mode === 'recording'} data-aspect={aspect}>
      <video
        ref={video}
        className="preview"
        muted
        playsInline
        data-testid="preview"
        onLoadedMetadata={measure}
        onResize={measure}
        aria-label={mode === 'video' ? 'Video being reconstructed' : 'Camera picture'}
      />
      <button type="button" className="preview-return" onClick={() => show('capture')}>
        <span className="visually-hidden">Back to the capture</span>
      </button>
    </div>
  );
}
