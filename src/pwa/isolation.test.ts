import { describe, expect, it } from 'vitest';
import { withIsolationHeaders } from './isolation';

describe('withIsolationHeaders', () => {
  it('adds COOP, COEP and CORP and keeps status, body and the other headers', async () => {
    const original = new Response('<html></html>', { status: 200, statusText: 'OK', headers: { 'Content-Type': 'text/html' } });
    const out = withIsolationHeaders(original);
    expect(out.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(out.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(out.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin');
    expect(out.headers.get('Content-Type')).toBe('text/html');
    expect(out.status).toBe(200);
    expect(await out.text()).toBe('<html></html>');
  });

  it('replaces weaker values a host may have sent', () => {
    const out = withIsolationHeaders(new Response('', { headers: { 'Cross-Origin-Embedder-Policy': 'unsafe-none' } }));
    expect(out.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
  });
});
