import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig, loadEnv } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { serveFolder } from './scripts/serveFolder.ts';
import { contentSecurityPolicy, type CspOptions } from './src/pwa/csp.ts';
import { ISOLATION_HEADERS } from './src/pwa/isolation.ts';

const FIXTURE_MODELS = resolve('.fixtures/models');
/** The shared real recordings beside the repository (never copied into it). */
const DEMO_VIDEOS = resolve('../shared/data/videos');

/**
 * On the dev and preview servers only (never in the build), the project's fixture models at /models/
 * (what tests and offline development load with `?models=/models`; Range requests are answered, so an
 * interrupted download resumes), a throttled copy at /models-slow/, and the shared recordings at /demo/ (`?demo=/demo/arkitscenes-47334096.webm`
 * for "Try the demo room").
 */
function fixtureModels(): Plugin {
  const serve = (server: { middlewares: { use(handler: ReturnType<typeof serveFolder>): void } }) => {
    server.middlewares.use(serveFolder('/models/', FIXTURE_MODELS));
    // The same files at 64 KiB/s: tests pause a download half-way.
    server.middlewares.use(serveFolder('/models-slow/', FIXTURE_MODELS, { bytesPerSecond: 64 * 1024 }));
    server.middlewares.use(serveFolder('/demo/', DEMO_VIDEOS));
  };
  return { name: 'room3r-fixture-models', configureServer: serve, configurePreviewServer: serve };
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

/**
 * Static hosts that read a `_headers` file (Netlify, Cloudflare Pages): cross-origin isolation and the
 * Content-Security-Policy on every response, and the service worker script always revalidated so updates are found.
 * Written at build time, because the policy names the model and demo hosts the build is configured for.
 */
function hostHeaders(csp: string): Plugin {
  return {
    name: 'room3r-host-headers',
    apply: 'build',
    generateBundle() {
      const all = Object.entries({ ...ISOLATION_HEADERS, 'Content-Security-Policy': csp }).map(([k, v]) => `  ${k}: ${v}`);
      this.emitFile({
        type: 'asset',
        fileName: '_headers',
        source: [
          '# Written by the build (vite.config.ts): Netlify and Cloudflare Pages read it.',
          '/*',
          ...all,
          '/sw.js',
          '  Cache-Control: no-cache',
          '',
        ].join('\n'),
      });
    },
  };
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_');
  const hosts: CspOptions = { modelBaseUrl: env.VITE_MODEL_BASE_URL, demoVideoUrl: env.VITE_DEMO_VIDEO_URL };
  const csp = contentSecurityPolicy(hosts);
  return {
    plugins: [react(), fixtureModels(), pwa, hostHeaders(csp)],
    server: { port: 5173, strictPort: true, headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': contentSecurityPolicy({ ...hosts, dev: true }) } },
    preview: { port: 4173, strictPort: true, headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': csp } },
    worker: { format: 'es' },
    build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
    optimizeDeps: { exclude: ['onnxruntime-web', '@huggingface/transformers'] },
  };
});
