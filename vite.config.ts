import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { Connect, Plugin } from 'vite';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation: SharedArrayBuffer (multi-threaded wasm) and precise timers need it.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The ORT wasm binary that `onnxruntime-web/webgpu` (the build transformers.js uses) loads. */
const ORT_DIST = resolve('node_modules/onnxruntime-web/dist');
const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs'];
const FIXTURE_MODELS = resolve('.fixtures/models');

const MIME: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
};

/** Serves files under `root` at `prefix`; 404 (never an HTML fallback) for anything missing. */
function serveFolder(prefix: string, root: string, allowed?: string[]): Connect.NextHandleFunction {
  return (req, res, next) => {
    const url = req.url?.split('?')[0] ?? '';
    if (!url.startsWith(prefix)) return next();
    const rel = decodeURIComponent(url.slice(prefix.length));
    const file = normalize(join(root, rel));
    const ok = file.startsWith(root) && (!allowed || allowed.includes(rel)) && existsSync(file) && statSync(file).isFile();
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
 * Serves ORT's wasm from the app's own origin (no CDN at run time) and, on the dev and preview
 * servers only, the project's fixture models at /models/ (tests and offline development).
 */
function room3rAssets(): Plugin {
  return {
    name: 'room3r-assets',
    configureServer(server) {
      server.middlewares.use(serveFolder('/ort/', ORT_DIST, ORT_FILES));
      server.middlewares.use(serveFolder('/models/', FIXTURE_MODELS));
    },
    configurePreviewServer(server) {
      server.middlewares.use(serveFolder('/models/', FIXTURE_MODELS));
    },
    generateBundle() {
      for (const name of ORT_FILES) {
        this.emitFile({ type: 'asset', fileName: `ort/${name}`, source: readFileSync(join(ORT_DIST, name)) });
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), room3rAssets()],
  server: { port: 5173, strictPort: true, headers: isolationHeaders },
  preview: { port: 4173, strictPort: true, headers: isolationHeaders },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: { exclude: ['onnxruntime-web', '@huggingface/transformers'] },
});
