// The app's dev server in test mode for the benchmarks that run in Chromium (a mirror's catalog is trusted: the
// stand-ins are not the pinned files), with the models and the recording's frames served on the same origin.
import { createServer, type ViteDevServer } from 'vite';
import { serveFolder } from './serveFolder.ts';

/** Listening on `port`: `/bench-models/` from `models`, `/bench-frames/` from `frames`. */
export async function benchServer(port: number, folders: { models: string; frames: string }): Promise<ViteDevServer> {
  const server = await createServer({
    mode: 'e2e',
    logLevel: 'warn',
    server: { port, strictPort: true },
    plugins: [
      {
        name: 'bench-files',
        configureServer(s) {
          s.middlewares.use(serveFolder('/bench-models/', folders.models));
          s.middlewares.use(serveFolder('/bench-frames/', folders.frames));
        },
      },
    ],
  });
  await server.listen();
  return server;
}
