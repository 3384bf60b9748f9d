import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './csp';

const directive = (csp: string, name: string) =>
  csp
    .split('; ')
    .find((d) => d.startsWith(`${name} `))
    ?.split(' ')
    .slice(1);

describe('contentSecurityPolicy', () => {
  it("allows the app's origin, the hub and its download hosts, wasm and own workers, and nothing else", () => {
    const csp = contentSecurityPolicy();
    expect(directive(csp, 'default-src')).toEqual(["'self'"]);
    expect(directive(csp, 'connect-src')).toEqual(["'self'", 'https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co']);
    expect(directive(csp, 'script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directive(csp, 'worker-src')).toEqual(["'self'"]);
    expect(directive(csp, 'object-src')).toEqual(["'none'"]);
    expect(directive(csp, 'frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe-inline');
  });

  it("with a build mirror, connects to it instead of the hub; adds the demo video's host", () => {
    const csp = contentSecurityPolicy({ modelBaseUrl: 'https://models.example.org/room3r/', demoVideoUrl: 'https://media.example.org/demo.webm' });
    expect(directive(csp, 'connect-src')).toEqual(["'self'", 'https://models.example.org', 'https://media.example.org']);
    // A mirror or demo on the app's own origin (a path) adds nothing.
    expect(directive(contentSecurityPolicy({ modelBaseUrl: '/models', demoVideoUrl: '/demo/room.webm' }), 'connect-src')).toEqual(["'self'"]);
  });

  it('relaxes only what the dev server needs (inline refresh preamble, hot-reload socket)', () => {
    const csp = contentSecurityPolicy({ dev: true });
    expect(directive(csp, 'script-src')).toContain("'unsafe-inline'");
    expect(directive(csp, 'connect-src')).toEqual(expect.arrayContaining(['ws:', 'wss:']));
  });
});
