import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { Connect, Plugin } from 'vite';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation: SharedArrayBuffer (multi-threaded wasm) and precise timers need it.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const FIXTURE_MODELS = resolve('.fixtures/models');

const MIME: Record<string, string> = {
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
};

/** Serves files under `root` at `prefix`; 404 (never an HTML fallback) for anything missing. */
function serveFolder(prefix: string, root: string): Connect.NextHandleFunction {
  return (req, res, next) => {
    const url = req.url?.split('?')[0] ?? '';
    if (!url.startsWith(prefix)) return next();
    const rel = decodeURIComponent(url.slice(prefix.length));
    const file = normalize(join(root, rel));
    const ok = file.startsWith(root) && existsSync(file) && statSync(file).isFile();
    if (!ok) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    createReadStream(file).pipe(res);
  };
}

/**
 * On the dev and preview servers only (never in the build), the project's fixture models at /models/:
 * what tests and offline development load with `?models=/models`.
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
