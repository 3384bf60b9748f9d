import { describe, expect, it } from 'vitest';
import { fetchModelFile, modelFileUrl, ModelLoadError, sha256Hex, type ModelCache } from './loader';
import { manifestFetch } from './manifestFetch';
import type { ModelManifest } from './manifest';

class MapCache implements ModelCache {
  readonly entries = new Map<string, Uint8Array>();
  async match(url: string) {
    const b = this.entries.get(url);
    return b ? new Response(b as Uint8Array<ArrayBuffer>) : undefined;
  }
  async put(url: string, response: Response) {
    this.entries.set(url, new Uint8Array(await response.arrayBuffer()));
  }
  async delete(url: string) {
    return this.entries.delete(url);
  }
}

const body = new TextEncoder().encode('model bytes '.repeat(1000));
let calls = 0;
const server = (bytes: Uint8Array = body, status = 200): typeof fetch =>
  (async () => {
    calls++;
    return new Response(bytes as Uint8Array<ArrayBuffer>, { status, headers: { 'Content-Length': String(bytes.length) } });
  }) as typeof fetch;

describe('modelFileUrl', () => {
  const m = { repo: 'org/model', revision: 'main' };
  it('builds hub and mirror URLs with the same layout', () => {
    expect(modelFileUrl({ kind: 'hub', baseUrl: 'https://huggingface.co' }, m, 'onnx/a.onnx')).toBe(
      'https://huggingface.co/org/model/resolve/main/onnx/a.onnx',
    );
    expect(modelFileUrl({ kind: 'mirror', baseUrl: 'http://localhost/models/' }, m, 'onnx/a.onnx')).toBe('http://localhost/models/org/model/onnx/a.onnx');
  });
});

describe('fetchModelFile', () => {
  it('downloads, verifies, caches, and then serves from the cache', async () => {
    const cache = new MapCache();
    const sha256 = await sha256Hex(body);
    const progress: number[] = [];
    calls = 0;
    const a = await fetchModelFile(
      'u',
      { path: 'a.onnx', bytes: body.length, sha256 },
      { cache, fetchImpl: server(), onProgress: (p) => progress.push(p.loaded) },
    );
    expect(a).toEqual(body);
    expect(progress.at(-1)).toBe(body.length);
    const b = await fetchModelFile('u', { path: 'a.onnx', bytes: body.length, sha256 }, { cache, fetchImpl: server() });
    expect(b).toEqual(body);
    expect(calls).toBe(1);
  });

  it('refuses a file that fails its checksum and caches nothing', async () => {
    const cache = new MapCache();
    const bad = body.slice();
    bad[10] = bad[10]! ^ 1;
    const err = await fetchModelFile('u', { path: 'a.onnx', sha256: await sha256Hex(body) }, { cache, fetchImpl: server(bad) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).kind).toBe('checksum');
    expect(cache.entries.size).toBe(0);
  });

  it('refetches a corrupt cache entry', async () => {
    const cache = new MapCache();
    cache.entries.set('u', body.slice(0, 100)); // a partial entry
    calls = 0;
    const a = await fetchModelFile('u', { path: 'a.onnx', bytes: body.length }, { cache, fetchImpl: server() });
    expect(a.length).toBe(body.length);
    expect(calls).toBe(1);
  });

  it('says what went wrong for HTTP errors and network failures', async () => {
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => {
          throw new Error('expected a failure');
        },
        (e: unknown) => e as ModelLoadError,
      );
    const http = await failure(fetchModelFile('u', { path: 'onnx/a.onnx' }, { fetchImpl: server(body, 404) }));
    expect(http.kind).toBe('http');
    expect(http.message).toContain('a.onnx');
    expect(http.message).toContain('404');
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const net = await failure(fetchModelFile('u', { path: 'a.onnx' }, { fetchImpl: down }));
    expect(net.kind).toBe('network');
  });

  it('still returns the bytes when the cache is full, with a warning', async () => {
    const cache = new MapCache();
    cache.put = async () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    const warnings: string[] = [];
    const a = await fetchModelFile('u', { path: 'a.onnx' }, { cache, fetchImpl: server(), onStorageWarning: (m) => warnings.push(m) });
    expect(a).toEqual(body);
    expect(warnings[0]).toMatch(/QuotaExceededError/);
  });
});

describe('manifestFetch', () => {
  const manifest: ModelManifest = {
    id: 't',
    name: 'Test VLM',
    role: 'vlm',
    repo: 'org/m',
    revision: 'main',
    license: 'MIT',
    docs: '',
    io: {},
    files: [{ path: 'config.json' }],
    variants: [{ id: 'fp32', files: [{ path: 'onnx/m.onnx' }] }],
  };
  const source = { kind: 'mirror', baseUrl: 'http://h/models' } as const;

  it('routes manifest files through the loader and other URLs to plain fetch', async () => {
    const cache = new MapCache();
    const seen: string[] = [];
    const fetchImpl = (async (input: RequestInfo | URL) => {
      seen.push(String(input));
      return String(input).endsWith('missing.json') ? new Response('no', { status: 404 }) : new Response(body as Uint8Array<ArrayBuffer>);
    }) as typeof fetch;
    const f = manifestFetch(source, manifest, [...manifest.files, ...manifest.variants[0]!.files], { cache, fetchImpl });
    expect((await f('http://h/models/org/m/onnx/m.onnx')).status).toBe(200);
    expect(cache.entries.has('http://h/models/org/m/onnx/m.onnx')).toBe(true);
    expect((await f('http://h/models/org/m/missing.json')).status).toBe(404);
    expect(cache.entries.has('http://h/models/org/m/missing.json')).toBe(false);
    expect(seen).toHaveLength(2);
  });

  it('answers a range probe of a cached file from the cache (offline), and of any other file from the server', async () => {
    const cache = new MapCache();
    await cache.put('http://h/models/org/m/config.json', new Response('{"a":1}'));
    const seen: string[] = [];
    const fetchImpl = (async (input: RequestInfo | URL) => {
      seen.push(String(input));
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const f = manifestFetch(source, manifest, [...manifest.files, ...manifest.variants[0]!.files], { cache, fetchImpl });
    const probe = await f('http://h/models/org/m/config.json', { headers: { Range: 'bytes=0-0' } });
    expect(probe.status).toBe(206);
    expect(probe.headers.get('Content-Range')).toBe('bytes 0-0/7');
    expect(await probe.text()).toBe('{');
    expect(seen).toEqual([]);
    await expect(f('http://h/models/org/m/onnx/m.onnx', { headers: { Range: 'bytes=0-0' } })).rejects.toThrow('Failed to fetch');
    expect(seen).toEqual(['http://h/models/org/m/onnx/m.onnx']);
  });
});
