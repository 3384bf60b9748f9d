// The Content-Security-Policy: what the page may load and connect to. The app's own origin, the model hosts the build
// is configured for (the Hugging Face hub and the hosts its downloads redirect to, or the build's own mirror), the
// demo video's host, WebAssembly and same-origin workers; nothing else. One function builds it for every place that
// sends it: the dev and preview servers (vite.config.ts), the service worker's responses (sw.ts) and the static host
// headers written at build time (`_headers`).

/**
 * Where a hub download goes: huggingface.co answers `resolve/` with a redirect to a CDN or storage host, and a
 * policy applies to redirect targets too. Hugging Face's list of download hosts (hub-docs, "downloading behind a
 * proxy or firewall") has `cdn-lfs*.huggingface.co`, `cdn-lfs*.hf.co`, `*.cdn.hf.co` edges and `*.xethub*.hf.co`
 * storage bridges; the wildcards cover them and their regional variants.
 */
export const HUB_HOSTS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

export interface CspOptions {
  /** The build's model mirror (VITE_MODEL_BASE_URL), if any: then the hub is not contacted at all. */
  modelBaseUrl?: string;
  /** The build's demo video (VITE_DEMO_VIDEO_URL), if on another host. */
  demoVideoUrl?: string;
  /** The dev server: Vite's inline React-refresh preamble and its hot-reload socket. */
  dev?: boolean;
}

const originOf = (url: string | undefined): string | null => {
  if (!url || !URL.canParse(url)) return null; // a relative path is the app's own origin
  const { protocol, origin } = new URL(url);
  return protocol === 'https:' || protocol === 'http:' ? origin : null;
};

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const mirror = originOf(options.modelBaseUrl);
  const demo = originOf(options.demoVideoUrl);
  const models = options.modelBaseUrl ? (mirror ? [mirror] : []) : HUB_HOSTS;
  const connect = ["'self'", ...models, ...(demo ? [demo] : []), ...(options.dev ? ['ws:', 'wss:'] : [])];
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'", ...(options.dev ? ["'unsafe-inline'"] : [])],
    'worker-src': ["'self'"],
    'connect-src': [...new Set(connect)],
    'img-src': ["'self'", 'blob:', 'data:'],
    'media-src': ["'self'", 'blob:'],
    'style-src': ["'self'"],
    'font-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'manifest-src': ["'self'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}
