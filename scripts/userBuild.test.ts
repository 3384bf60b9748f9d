// The build made for users (`npm run build`, mode production): no test hook on the page, and the static host
// headers carry the Content-Security-Policy for the hosts the build is configured for.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let out = '';
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'room3r-user-build-'));
  const build = spawnSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], {
    encoding: 'utf8',
    env: { ...process.env, VITE_MODEL_BASE_URL: 'https://models.example.org/room3r/' },
  });
  if (build.status !== 0) throw new Error(`vite build failed: ${build.stderr}`);
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('a build for users', () => {
  it('has no test hook', () => {
    const scripts = readdirSync(join(out, 'assets')).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const f of scripts) expect(readFileSync(join(out, 'assets', f), 'utf8'), f).not.toContain('__room3r');
  });

  it("sends the isolation headers and a policy naming only its own origin and the build's model host", () => {
    const headers = readFileSync(join(out, '_headers'), 'utf8');
    expect(headers).toContain('Cross-Origin-Embedder-Policy: require-corp');
    expect(headers).toMatch(/Content-Security-Policy: default-src 'self';.* connect-src 'self' https:\/\/models\.example\.org;/);
    expect(headers).not.toContain('huggingface.co');
    // The service worker holds pages it serves offline to the same policy.
    expect(readFileSync(join(out, 'sw.js'), 'utf8')).toContain('https://models.example.org/room3r/');
  });
});
