import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useApp } from '../app/store';
import { usePwa } from './pwaStore';

describe('update reload', () => {
  beforeEach(() => {
    useApp.getState().setCapture('idle');
    usePwa.setState({ updateWaiting: false, reloadDeferred: false, applyUpdate: null });
  });

  it('reloads at once when no capture runs (an open camera preview is not a recording)', () => {
    const apply = vi.fn();
    usePwa.getState().setUpdateWaiting(apply);
    useApp.getState().setCapture('camera');
    usePwa.getState().reload();
    expect(apply).toHaveBeenCalledTimes(1);
  });

  it('holds the reload during a recording and applies it once when the recording ends', () => {
    const apply = vi.fn();
    usePwa.getState().setUpdateWaiting(apply);
    useApp.getState().setCapture('recording', 'camera');
    usePwa.getState().reload();
    expect(apply).not.toHaveBeenCalled();
    expect(usePwa.getState().reloadDeferred).toBe(true);
    useApp.getState().setScene({ framesSeen: 10 }); // other store changes do not trigger it
    expect(apply).not.toHaveBeenCalled();
    useApp.getState().setCapture('camera');
    expect(apply).toHaveBeenCalledTimes(1);
    useApp.getState().setCapture('idle');
    expect(apply).toHaveBeenCalledTimes(1);
  });

  it('holds it for a video file being processed too', () => {
    const apply = vi.fn();
    usePwa.getState().setUpdateWaiting(apply);
    useApp.getState().setCapture('video', 'room.webm');
    usePwa.getState().reload();
    expect(apply).not.toHaveBeenCalled();
    useApp.getState().setCapture('idle');
    expect(apply).toHaveBeenCalledTimes(1);
  });
});
