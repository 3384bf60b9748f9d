// Which models the app loads and from where. The real manifests are compiled in, with the sizes and SHA-256 values
// pinned from the real repositories; a mirror (the app's own origin, or the build's configured mirror) may publish a
// catalog.json with the sizes and checksums of its own files. The catalog only fills in what the manifests do not pin.
import { TEST_BUILD } from '../buildMode';
import type { ModelCache, ModelSource } from './loader';
import type { ModelFile, ModelManifest } from './manifest';

/** `catalog.json` as written by `npm run fixtures`: repo -> path -> size and SHA-256. */
export interface MirrorCatalog {
  repos: Record<string, Record<string, { bytes: number; sha256: string }>>;
}

/**
 * The manifest with a mirror's sizes and checksums. A pinned value (the manifest's own) is never replaced: a mirror
 * can only fill in what the manifest does not know, and files so filled stay marked `unpinned` (shown as unverified).
 * Builds made for the tests serve the project's fixture models, which differ from the real files by design: there
 * the fixture catalog stands for every file (`trustCatalog`).
 */
export function withMirrorChecksums(manifest: ModelManifest, catalog: MirrorCatalog | undefined, trustCatalog = TEST_BUILD): ModelManifest {
  const entries = catalog?.repos[manifest.repo];
  const patch = (f: ModelFile): ModelFile => {
    const e = entries?.[f.path];
    if (trustCatalog) return e ? { ...f, bytes: e.bytes, sha256: e.sha256, approxBytes: undefined } : f;
    if (f.sha256) return f; // pinned: the mirror's word does not count
    return { ...f, unpinned: true, ...(e ? { bytes: f.bytes ?? e.bytes, sha256: e.sha256 } : {}) };
  };
  return {
    ...manifest,
    files: manifest.files.map(patch),
    variants: manifest.variants.map((v) => ({ ...v, files: v.files.map(patch) })),
  };
}

/** A catalog.json as read from a mirror: anything not of the expected shape is left out (the file is untrusted). */
export function parseCatalog(json: unknown): MirrorCatalog | undefined {
  const repos = (json as { repos?: unknown } | null)?.repos;
  if (!repos || typeof repos !== 'object') return undefined;
  const out: MirrorCatalog = { repos: {} };
  for (const [repo, files] of Object.entries(repos as Record<string, unknown>)) {
    if (!files || typeof files !== 'object') continue;
    for (const [path, entry] of Object.entries(files as Record<string, unknown>)) {
      const { bytes, sha256 } = (entry ?? {}) as { bytes?: unknown; sha256?: unknown };
      if (!Number.isSafeInteger(bytes) || (bytes as number) < 0 || typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) continue;
      out.repos[repo] ??= {};
      out.repos[repo]![path] = { bytes: bytes as number, sha256 };
    }
  }
  return out;
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
    return cached ? parseCatalog(await cached.json().catch(() => null)) : undefined;
  }
  if (!res.ok) return undefined;
  try {
    const catalog = parseCatalog(await res.json());
    if (!catalog) return undefined;
    await cache?.put(url, new Response(JSON.stringify(catalog), { headers: { 'Content-Type': 'application/json' } })).catch(() => {});
    return catalog;
  } catch {
    return undefined;
  }
}
