// A fetch for libraries that download model files themselves (transformers.js): URLs of the
// manifest's files go through the loader (cache, progress, checksum); anything else (optional
// files a library probes for) is fetched plainly, so a 404 still means "missing" to the library.
// Range requests (transformers.js probes a file's existence and size with `bytes=0-0`) are
// answered by the server too: they are metadata, not the file.
import type { ModelFile, ModelManifest } from './manifest';
import { fetchModelFile, manifestFileForUrl, type FetchModelFileOptions, type ModelSource } from './loader';

export function manifestFetch(
  source: ModelSource,
  manifest: ModelManifest,
  files: ModelFile[],
  options: FetchModelFileOptions,
): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  const plainFetch = options.fetchImpl ?? fetch;
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const file = manifestFileForUrl(url, source, manifest, files);
    if (!file || new Headers(init?.headers).has('Range')) return plainFetch(input, init);
    const bytes = await fetchModelFile(url, file, options);
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) },
    });
  };
}
