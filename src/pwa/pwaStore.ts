// The app's own update and install state. An update waits for the user's "Reload", and a reload asked for
// while a capture runs is held until the capture ends: a reload would cut the recording off mid-way.
import { create } from 'zustand';
import { captureRunning, useApp } from '../app/store';

/** Chromium's install prompt event (not in TypeScript's DOM library). */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

interface PwaState {
  /** A new version is installed and waiting. */
  updateWaiting: boolean;
  /** The user asked to reload during a capture: done when it ends. */
  reloadDeferred: boolean;
  /** Activates the waiting version and reloads the page (set by the registration). */
  applyUpdate: (() => void) | null;
  installPrompt: BeforeInstallPromptEvent | null;
  setUpdateWaiting(applyUpdate: () => void): void;
  reload(): void;
  setInstallPrompt(e: BeforeInstallPromptEvent | null): void;
}

export const usePwa = create<PwaState>((set, get) => ({
  updateWaiting: false,
  reloadDeferred: false,
  applyUpdate: null,
  installPrompt: null,
  setUpdateWaiting: (applyUpdate) => set({ updateWaiting: true, applyUpdate }),
  reload: () => {
    if (captureRunning(useApp.getState().capture.mode)) set({ reloadDeferred: true });
    else get().applyUpdate?.();
  },
  setInstallPrompt: (installPrompt) => set({ installPrompt }),
}));

useApp.subscribe((s) => {
  const pwa = usePwa.getState();
  if (pwa.reloadDeferred && !captureRunning(s.capture.mode)) {
    usePwa.setState({ reloadDeferred: false });
    pwa.applyUpdate?.();
  }
});
