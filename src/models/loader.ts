// One loader for every model file: the Hugging Face hub or any base URL with the same layout
// (the app's own origin in tests and offline), with progress, a persistent cache and checksums.
// transformers.js is given `fetchModelFile` as its fetch, so the VLM's files take this path too.
import type { ModelFile, ModelManifest } from './manifest';

export const HUB_BASE_URL = 'https://huggingface.co';

/** Where model files come from. `hub`: `{base}/{repo}/resolve/{revision}/{path}`; `mirror`: `{base}/{repo}/{path}`. */
export interface ModelSource {
  kind: 'hub' | 'mirror';
  baseUrl: string;
}

export function modelFileUrl(source: ModelSource, manifest: Pick<ModelManifest, 'repo' | 'revision'>, path: string): string {
  const base = source.baseUrl.replace(/\/+$/, '');
  return source.kind === 'hub' ? `${base}/${manifest.repo}/resolve/${manifest.revision}/${path}` : `${base}/${manifest.repo}/${path}`;
}

export type ModelErrorKind = 'network' | 'http' | 'checksum' | 'size' | 'aborted' | 'storage';

/** A model file that could not be had, with a message fit for the UI. */
export class ModelLoadError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    readonly url: string,
    message: string,
  ) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

export interface FileProgress {
  url: string;
  path: string;
  loaded: number;
  /** Expected size when known (manifest or Content-Length). */
  total?: number;
  done: boolean;
  fromCache: boolean;
}

/** The part of the Cache Storage API the loader uses (Node tests pass a Map-backed one). */
export interface ModelCache {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
  delete(url: string): Promise<boolean>;
}

export const MODEL_CACHE_NAME = 'room3r-models-v1';

export async function openBrowserModelCache(): Promise<ModelCache | undefined> {
  if (typeof caches === 'undefined') return undefined;
  try {
    return await caches.open(MODEL_CACHE_NAME);
  } catch {
    return undefined; // e.g. storage disabled: download every time rather than fail
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function shortName(path: string): string {
  return path.split('/').pop() ?? path;
}

/** Checks a file's bytes against the manifest (size, then SHA-256 where known); throws a ModelLoadError that says which. */
export async function verify(bytes: Uint8Array, file: ModelFile, url: string): Promise<void> {
  if (file.bytes !== undefined && bytes.length !== file.bytes) {
    throw new ModelLoadError('size', url, `${shortName(file.path)} is ${bytes.length} bytes, expected ${file.bytes}: the download is incomplete or wrong.`);
  }
  if (file.sha256 && (await sha256Hex(bytes)) !== file.sha256.toLowerCase()) {
    throw new ModelLoadError('checksum', url, `${shortName(file.path)} failed its checksum: the file is corrupt or not the expected model.`);
  }
}

async function readBody(response: Response, onChunk: (loaded: number) => void): Promise<Uint8Array> {
  const total = Number(response.headers.get('Content-Length') ?? 0);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onChunk(loaded);
  }
  const out = new Uint8Array(total === loaded ? total : loaded);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

export interface FetchModelFileOptions {
  cache?: ModelCache;
  onProgress?: (p: FileProgress) => void;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  /** Told when a downloaded file could not be cached (storage full or denied). */
  onStorageWarning?: (message: string) => void;
}

/**
 * Returns a model file's bytes: from the cache when a verified copy is there, else downloaded,
 * verified (size, SHA-256) and cached. A cached copy that fails verification is dropped and fetched again.
 */
export async function fetchModelFile(url: string, file: ModelFile, options: FetchModelFileOptions = {}): Promise<Uint8Array> {
  const { cache, onProgress, signal } = options;
  const fetchImpl = options.fetchImpl ?? fetch;
  const report = (loaded: number, total: number | undefined, done: boolean, fromCache: boolean) =>
    onProgress?.({ url, path: file.path, loaded, total, done, fromCache });

  const cached = await cache?.match(url);
  if (cached) {
    const bytes = new Uint8Array(await cached.arrayBuffer());
    try {
      await verify(bytes, file, url);
      report(bytes.length, bytes.length, true, true);
      return bytes;
    } catch {
      await cache?.delete(url); // partial or corrupt cache entry: fetch again
    }
  }

  let response: Response;
  try {
    response = await fetchImpl(url, { signal });
  } catch (err) {
    if (signal?.aborted) throw new ModelLoadError('aborted', url, 'Download cancelled.');
    throw new ModelLoadError(
      'network',
      url,
      `Could not download ${shortName(file.path)}: the network is unreachable (${String((err as Error).message ?? err)}).`,
    );
  }
  if (!response.ok) {
    throw new ModelLoadError(
      'http',
      url,
      `Could not download ${shortName(file.path)}: the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`,
    );
  }
  const total = file.bytes ?? (Number(response.headers.get('Content-Length')) || undefined);
  report(0, total, false, false);
  let bytes: Uint8Array;
  try {
    bytes = await readBody(response, (loaded) => report(loaded, total, false, false));
  } catch (err) {
    if (signal?.aborted) throw new ModelLoadError('aborted', url, 'Download cancelled.');
    throw new ModelLoadError('network', url, `The download of ${shortName(file.path)} broke off (${String((err as Error).message ?? err)}).`);
  }
  await verify(bytes, file, url);
  if (cache) {
    try {
      await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'Content-Type': 'application/octet-stream' } }));
    } catch (err) {
      // Storage full or denied: the model still runs this time; say why it will download again.
      options.onStorageWarning?.(
        `Could not keep ${shortName(file.path)} for offline use (${(err as Error).name}): storage may be full. It will be downloaded again next time.`,
      );
    }
  }
  report(bytes.length, total, true, false);
  return bytes;
}

/** Finds the manifest entry for a URL of the given source (used when another library fetches for us). */
export function manifestFileForUrl(url: string, source: ModelSource, manifest: ModelManifest, files: ModelFile[]): ModelFile | undefined {
  return files.find((f) => modelFileUrl(source, manifest, f.path) === url.split('?')[0]);
}
