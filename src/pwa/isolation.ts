// Cross-origin isolation (SharedArrayBuffer for multi-threaded WASM, precise timers) needs these headers on
// the page and on every worker script. The dev and preview servers send them; the service worker adds them to
// what it serves, so the app is isolated offline and on hosts that cannot set headers.
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/**
 * A copy of a same-origin response with the isolation headers (and CORP) set, and the Content-Security-Policy when
 * given. Opaque responses cannot be changed.
 */
export function withIsolationHeaders(response: Response, contentSecurityPolicy?: string): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect') return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  if (contentSecurityPolicy) headers.set('Content-Security-Policy', contentSecurityPolicy);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
