// The detector worker's loading path in Node: transformers.js fetches every file from a mirror URL through our
// loader (manifestFetch: manifest files verified by the mirror catalog's size and SHA-256), as in the browser.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, describe, expect, it } from 'vitest';
import { DETECTOR_FIXTURE, detectorFixtureFiles } from '../../scripts/fixtures/detector';
import { withMirrorChecksums, type MirrorCatalog } from '../models/catalog';
import type { FileProgress, ModelSource } from '../models/loader';
import { variantFiles } from '../models/manifest';
import { manifestFetch } from '../models/manifestFetch';
import { owlv2Manifest } from '../models/manifests/owlv2';
import { chooseVariant } from '../models/variants';
import { configureTransformersEnv } from '../models/transformersEnv';
import { ObjectDetector } from './detector';

const source: ModelSource = { kind: 'mirror', baseUrl: 'http://mirror.test/models' };
const files = detectorFixtureFiles();
const bytesOf = (v: string | Uint8Array) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);

function mirrorFetch(requested: string[], corrupt?: string): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    requested.push(url);
    const prefix = `${source.baseUrl}/${owlv2Manifest.repo}/`;
    const path = url.startsWith(prefix) ? url.slice(prefix.length).split('?')[0]! : '';
    const body = files[path];
    if (body === undefined) return new Response('not found', { status: 404 });
    const b = new Uint8Array(bytesOf(body));
    if (path === corrupt) b[b.length - 1] = b[b.length - 1]! ^ 0xff;
    return new Response(b as Uint8Array<ArrayBuffer>, { status: 200, headers: { 'Content-Length': String(b.length) } });
  }) as typeof fetch;
}

const catalog: MirrorCatalog = {
  repos: {
    [owlv2Manifest.repo]: Object.fromEntries(
      Object.entries(files).map(([p, v]) => [p, { bytes: bytesOf(v).length, sha256: createHash('sha256').update(bytesOf(v)).digest('hex') }]),
    ),
  },
};

// In Node transformers.js hands ONNX files to onnxruntime-node by path, so remote files go through its file cache:
// point that at a temporary folder (by default it is inside node_modules).
const cacheDir = mkdtempSync(join(tmpdir(), 'room3r-detector-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

let loads = 0;
async function loadFromMirror(corrupt?: string) {
  const requested: string[] = [];
  const progress: FileProgress[] = [];
  const manifest = withMirrorChecksums(owlv2Manifest, catalog, true); // the fixture's own checksums, as a test build trusts them
  const variant = chooseVariant(manifest, { kind: 'wasm', reason: 'test', shaderF16: false });
  env.cacheDir = join(cacheDir, String(++loads));
  configureTransformersEnv({
    allowRemote: true,
    allowLocal: false,
    remoteHost: `${source.baseUrl}/`,
    remotePathTemplate: '{model}/',
    useBrowserCache: false,
    fetch: manifestFetch(source, manifest, variantFiles(manifest, variant.id), {
      fetchImpl: mirrorFetch(requested, corrupt),
      onProgress: (p) => progress.push(p),
    }) as typeof fetch,
  });
  const detector = await ObjectDetector.load({ modelId: manifest.repo, revision: manifest.revision, dtype: variant.dtype!, device: 'cpu' });
  return { detector, requested, progress, variant };
}

describe('ObjectDetector through the model loader from a mirror', () => {
  it('loads the wasm variant with every manifest file verified, and detects', async () => {
    const { detector, requested, progress, variant } = await loadFromMirror();
    expect(variant.id).toBe('wasm-q8');
    const done = new Set(progress.filter((p) => p.done).map((p) => p.path));
    for (const f of variantFiles(owlv2Manifest, variant.id)) expect(done).toContain(f.path);
    expect(requested.some((u) => u.endsWith('onnx/model_quantized.onnx'))).toBe(true);
    expect(requested.some((u) => u.includes('model_q4f16'))).toBe(false);
    expect(detector.inputSize).toBe(DETECTOR_FIXTURE.imageSize);
    const img = { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4).fill(200) };
    expect(await detector.detect(img, ['chair'])).toEqual([]);
    await detector.dispose();
  });

  it('refuses a model file that fails its checksum', async () => {
    await expect(loadFromMirror('onnx/model_quantized.onnx')).rejects.toThrow(/checksum/);
  });
});
