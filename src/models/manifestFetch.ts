// A fetch for libraries that download model files themselves (transformers.js): URLs of the
// manifest's files go through the loader (cache, progress, checksum); anything else (optional
// files a library probes for) is fetched plainly, so a 404 still means "missing" to the library.
// Range requests (transformers.js probes a file's existence and size with `bytes=0-0`) are
// metadata, not the file: answered from the cache when it holds the file, else by the server.
// `edit` changes a verified file's bytes on their way to the library (a load-time graph edit), never the cached copy.
import type { ModelFile, ModelManifest } from './manifest';
import { fetchModelFile, manifestFileForUrl, type FetchModelFileOptions, type ModelSource } from './loader';

export function manifestFetch(
  source: ModelSource,
  manifest: ModelManifest,
  files: ModelFile[],
  options: FetchModelFileOptions,
  edit?: (file: ModelFile, bytes: Uint8Array) => Uint8Array,
): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  const plainFetch = options.fetchImpl ?? fetch;
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const file = manifestFileForUrl(url, source, manifest, files);
    const range = new Headers(init?.headers).get('Range');
    if (file && range) {
      // A probe of a file the cache holds is answered from it, so a cached model loads offline.
      const cached = await options.cache?.match(url);
      if (cached) return rangeResponse(new Uint8Array(await cached.arrayBuffer()), range) ?? plainFetch(input, init);
    }
    if (!file || range) return plainFetch(input, init);
    const fetched = await fetchModelFile(url, file, options);
    const bytes = edit ? edit(file, fetched) : fetched;
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) },
    });
  };
}

/** A 206 answer for a single `bytes=start-end` range of `bytes`; null for any other range form. */
function rangeResponse(bytes: Uint8Array, range: string): Response | null {
  const m = /^bytes=(\d+)-(\d*)$/.exec(range.trim());
  if (!m) return null;
  const start = Number(m[1]);
  const end = Math.min(m[2] ? Number(m[2]) : bytes.length - 1, bytes.length - 1);
  if (start > end) return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${bytes.length}` } });
  return new Response(bytes.slice(start, end + 1) as Uint8Array<ArrayBuffer>, {
    status: 206,
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Range': `bytes ${start}-${end}/${bytes.length}`,
      'Content-Length': String(end - start + 1),
    },
  });
}
