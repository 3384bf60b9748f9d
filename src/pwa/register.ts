/// <reference types="vite-plugin-pwa/vanillajs" />
// Registers the service worker (production builds; a no-op on the dev server) and feeds the update and
// install state to the UI.
import { registerSW } from 'virtual:pwa-register';
import { usePwa, type BeforeInstallPromptEvent } from './pwaStore';

const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function registerServiceWorker(): void {
  const applyUpdate = () => {
    // The plugin reloads only when a worker already controlled the page at registration; an update found
    // during the very first visit would otherwise activate without the page reloading.
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
    void updateSW(true);
  };
  const updateSW = registerSW({
    onNeedRefresh: () => usePwa.getState().setUpdateWaiting(applyUpdate),
    // A tab left open for days still learns of new versions.
    onRegisteredSW: (_url, registration) => {
      if (registration) setInterval(() => void registration.update().catch(() => {}), UPDATE_CHECK_MS);
    },
  });
  window.addEventListener('beforeinstallprompt', (e) => {
    e.preventDefault(); // shown as our own button instead of the browser's mini-infobar
    usePwa.getState().setInstallPrompt(e as BeforeInstallPromptEvent);
  });
  window.addEventListener('appinstalled', () => usePwa.getState().setInstallPrompt(null));
}
