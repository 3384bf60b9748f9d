// Which models the app loads and from where. The real manifests are compiled in; a mirror
// (the app's own origin, e.g. the project's fixture models in tests) may publish a catalog.json
// with the sizes and checksums of its own files, which then take the place of the manifests'.
import type { ModelFile, ModelManifest } from './manifest';
import type { ModelCache, ModelSource } from './loader';

/** `catalog.json` as written by `npm run fixtures`: repo -> path -> size and SHA-256. */
export interface MirrorCatalog {
  repos: Record<string, Record<string, { bytes: number; sha256: string }>>;
}

/** The manifest with the mirror's sizes and checksums for the files the mirror lists. */
export function withMirrorChecksums(manifest: ModelManifest, catalog: MirrorCatalog | undefined): ModelManifest {
  const entries = catalog?.repos[manifest.repo];
  if (!entries) return manifest;
  const patch = (f: ModelFile): ModelFile => {
    const e = entries[f.path];
    return e ? { ...f, bytes: e.bytes, sha256: e.sha256 } : f;
  };
  return {
    ...manifest,
    files: manifest.files.map(patch),
    variants: manifest.variants.map((v) => ({ ...v, files: v.files.map(patch) })),
  };
}

/**
 * Loads a mirror's catalog.json, if it has one. The hub has none. The copy last read is kept in the model cache:
 * offline, the cached files must be checked against the mirror's checksums, not the manifests' (which would
 * reject them, and drop them from the cache).
 */
export async function loadMirrorCatalog(source: ModelSource, cache?: ModelCache, fetchImpl: typeof fetch = fetch): Promise<MirrorCatalog | undefined> {
  if (source.kind !== 'mirror') return undefined;
  const url = `${source.baseUrl.replace(/\/+$/, '')}/catalog.json`;
  let res: Response;
  try {
    res = await fetchImpl(url);
  } catch {
    const cached = await cache?.match(url).catch(() => undefined);
    return cached ? ((await cached.json()) as MirrorCatalog) : undefined;
  }
  if (!res.ok) return undefined;
  try {
    const catalog = (await res.json()) as MirrorCatalog;
    await cache?.put(url, new Response(JSON.stringify(catalog), { headers: { 'Content-Type': 'application/json' } })).catch(() => {});
    return catalog;
  } catch {
    return undefined;
  }
}
