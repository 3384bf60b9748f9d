import { describe, expect, it } from 'vitest';
import { loadMirrorCatalog, type MirrorCatalog, parseCatalog, withMirrorChecksums } from './catalog';
import type { ModelManifest } from './manifest';
import type { ModelCache } from './loader';

class MapCache implements ModelCache {
  readonly entries = new Map<string, string>();
  async match(url: string) {
    const text = this.entries.get(url);
    return text === undefined ? undefined : new Response(text);
  }
  async put(url: string, response: Response) {
    this.entries.set(url, await response.text());
  }
  async delete(url: string) {
    return this.entries.delete(url);
  }
}

const mirror = { kind: 'mirror' as const, baseUrl: 'http://h/models/' };
const catalog: MirrorCatalog = { repos: { 'org/model': { 'model.onnx': { bytes: 3, sha256: 'ab'.repeat(32) } } } };
const online = (async () => new Response(JSON.stringify(catalog))) as typeof fetch;
const offline = (async () => {
  throw new TypeError('Failed to fetch');
}) as typeof fetch;

describe('loadMirrorCatalog', () => {
  it('keeps the catalog it read, and gives that copy back when the mirror cannot be reached', async () => {
    const cache = new MapCache();
    expect(await loadMirrorCatalog(mirror, cache, online)).toEqual(catalog);
    expect([...cache.entries.keys()]).toEqual(['http://h/models/catalog.json']);
    expect(await loadMirrorCatalog(mirror, cache, offline)).toEqual(catalog);
  });

  it('has no catalog for the hub, a mirror without one, or offline with nothing kept', async () => {
    const cache = new MapCache();
    expect(await loadMirrorCatalog({ kind: 'hub', baseUrl: 'https://huggingface.co' }, cache, online)).toBeUndefined();
    expect(await loadMirrorCatalog(mirror, cache, (async () => new Response('', { status: 404 })) as typeof fetch)).toBeUndefined();
    expect(await loadMirrorCatalog(mirror, cache, offline)).toBeUndefined();
  });
});

describe('withMirrorChecksums', () => {
  const manifest: ModelManifest = {
    id: 'm',
    name: 'M',
    role: 'geometry',
    repo: 'org/model',
    revision: 'main',
    license: 'MIT',
    files: [
      { path: 'model.onnx', bytes: 10, sha256: 'f'.repeat(64) },
      { path: 'config.json', approxBytes: 100 },
    ],
    variants: [{ id: 'fp32', files: [] }],
    io: {},
    docs: '',
  };
  const mirrorCatalog: MirrorCatalog = {
    repos: { 'org/model': { 'model.onnx': { bytes: 3, sha256: 'a'.repeat(64) }, 'config.json': { bytes: 99, sha256: 'b'.repeat(64) } } },
  };

  it('keeps pinned values, and fills in only unpinned files, which stay marked unpinned', () => {
    const [model, config] = withMirrorChecksums(manifest, mirrorCatalog, false).files;
    expect(model).toEqual(manifest.files[0]);
    expect(config).toMatchObject({ path: 'config.json', bytes: 99, sha256: 'b'.repeat(64), unpinned: true });
    expect(withMirrorChecksums(manifest, undefined, false).files[1]).toMatchObject({ unpinned: true });
  });

  it('takes the catalog for every file where the build trusts it (test builds, on the fixture models)', () => {
    const [model] = withMirrorChecksums(manifest, mirrorCatalog, true).files;
    expect(model).toMatchObject({ bytes: 3, sha256: 'a'.repeat(64) });
  });
});

describe('parseCatalog', () => {
  it('keeps only well-formed entries of an untrusted catalog.json', () => {
    expect(parseCatalog(null)).toBeUndefined();
    expect(parseCatalog({ repos: 'x' })).toBeUndefined();
    const parsed = parseCatalog({
      repos: {
        'org/model': {
          'ok.onnx': { bytes: 3, sha256: 'a'.repeat(64) },
          'negative.onnx': { bytes: -1, sha256: 'a'.repeat(64) },
          'short-hash.onnx': { bytes: 3, sha256: 'abc' },
          'string-size.onnx': { bytes: '3', sha256: 'a'.repeat(64) },
        },
        broken: 7,
      },
    });
    expect(parsed).toEqual({ repos: { 'org/model': { 'ok.onnx': { bytes: 3, sha256: 'a'.repeat(64) } } } });
  });
});
