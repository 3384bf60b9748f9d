import { describe, expect, it } from 'vitest';
import { loadMirrorCatalog, type MirrorCatalog } from './catalog';
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
const catalog: MirrorCatalog = { repos: { 'org/model': { 'model.onnx': { bytes: 3, sha256: 'ab' } } } };
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
