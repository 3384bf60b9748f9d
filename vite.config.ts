import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { serveFolder } from './scripts/serveFolder.ts';
import { ISOLATION_HEADERS } from './src/pwa/isolation.ts';

const FIXTURE_MODELS = resolve('.fixtures/models');
/** The shared real recordings beside the repository (never copied into it). */
const DEMO_VIDEOS = resolve('../shared/data/videos');

/**
 * On the dev and preview servers only (never in the build), the project's fixture models at /models/
 * (what tests and offline development load with `?models=/models`; Range requests are answered, so an
 * interrupted download resumes) and the shared recordings at /demo/ (`?demo=/demo/arkitscenes-47334096.webm`
 * for "Try the demo room").
 */
function fixtureModels(): Plugin {
  return {
    name: 'room3r-fixture-models',
    configureServer(server) {
      server.middlewares.use(serveFolder('/models/', FIXTURE_MODELS));
      server.middlewares.use(serveFolder('/demo/', DEMO_VIDEOS));
    },
    configurePreviewServer(server) {
      server.middlewares.use(serveFolder('/models/', FIXTURE_MODELS));
      server.middlewares.use(serveFolder('/demo/', DEMO_VIDEOS));
    },
  };
}

/**
 * The installable, offline app: a custom service worker (src/pwa/sw.ts) that precaches the shell and ORT's
 * wasm runtime and adds the isolation headers. Model files are left to the model loader's own cache.
 */
const pwa = VitePWA({
  strategies: 'injectManifest',
  srcDir: 'src/pwa',
  filename: 'sw.ts',
  registerType: 'prompt',
  injectRegister: false, // src/pwa/register.ts registers it
  manifest: {
    name: 'Room3R',
    short_name: 'Room3R',
    description: 'Film a room, watch its metric 3D reconstruction grow, and ask spatial questions. Runs entirely on your device.',
    theme_color: '#101418',
    background_color: '#101418',
    display: 'standalone',
    start_url: '.',
    icons: [
      { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  injectManifest: {
    globPatterns: ['**/*.{html,js,mjs,css,wasm,svg,png}'],
    // Model files (a mirror dropped into public/models) and demo videos stay out: too big, and cached elsewhere.
    globIgnores: ['models/**', 'demo/**'],
    // ORT's wasm runtime is 27 MB; the default 2 MiB limit would leave it out and break offline use.
    maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
  },
});

export default defineConfig({
  plugins: [react(), fixtureModels(), pwa],
  server: { port: 5173, strictPort: true, headers: ISOLATION_HEADERS },
  preview: { port: 4173, strictPort: true, headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: { exclude: ['onnxruntime-web', '@huggingface/transformers'] },
});
