// The service worker: precaches the app shell and ORT's wasm runtime, serves them with the cross-origin
// isolation headers and the Content-Security-Policy (isolation.ts, csp.ts), and never touches model files: the model loader keeps those in its
// own cache ('room3r-models-v1'), with checksums. There is no runtime caching at all, so requests to /models/,
// /demo/ or huggingface.co go straight to the network. Built by vite-plugin-pwa (injectManifest).
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { contentSecurityPolicy } from './csp';
import { withIsolationHeaders } from './isolation';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

// The policy the build was made for (the same as the host's headers), so a page served offline is held to it too.
const CSP = contentSecurityPolicy({ modelBaseUrl: import.meta.env.VITE_MODEL_BASE_URL, demoVideoUrl: import.meta.env.VITE_DEMO_VIDEO_URL });

// Before the precache route is registered, so every response it serves carries the headers.
addPlugins([{ handlerWillRespond: async ({ response }) => withIsolationHeaders(response, CSP) }]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Any page URL (with its settings, e.g. /?models=...) gets the app shell, offline too. Model files and the
// dev server's demo videos are fetched by code, never navigated to as the app.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/models\//, /^\/models-slow\//, /^\/demo\//] }));

// The first install takes the open page at once, so it works offline without a second visit; an update
// waits until the user says so (the page's "Reload", never during a recording).
clientsClaim();
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
