import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { serveFolder } from './scripts/serveFolder.ts';

// Cross-origin isolation: SharedArrayBuffer (multi-threaded wasm) and precise timers need it.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const FIXTURE_MODELS = resolve('.fixtures/models');

/**
 * On the dev and preview servers only (never in the build), the project's fixture models at /models/:
 * what tests and offline development load with `?models=/models`. Range requests are answered (206), so an
 * interrupted model download resumes.
 */
function fixtureModels(): Plugin {
  return {
    name: 'room3r-fixture-models',
    configureServer(server) {
      server.middlewares.use(serveFolder('/models/', FIXTURE_MODELS));
    },
    configurePreviewServer(server) {
      server.middlewares.use(serveFolder('/models/', FIXTURE_MODELS));
    },
  };
}

export default defineConfig({
  plugins: [react(), fixtureModels()],
  server: { port: 5173, strictPort: true, headers: isolationHeaders },
  preview: { port: 4173, strictPort: true, headers: isolationHeaders },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: { exclude: ['onnxruntime-web', '@huggingface/transformers'] },
});
