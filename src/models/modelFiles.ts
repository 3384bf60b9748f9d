// Fetches every file of a manifest variant through the loader, reporting per-file progress.
import { variantFiles, type ModelManifest } from './manifest';
import { fetchModelFile, modelFileUrl, type FetchModelFileOptions, type ModelSource } from './loader';

export async function loadModelFiles(
  manifest: ModelManifest,
  variantId: string,
  source: ModelSource,
  options: FetchModelFileOptions = {},
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const file of variantFiles(manifest, variantId)) {
    out.set(file.path, await fetchModelFile(modelFileUrl(source, manifest, file.path), file, options));
  }
  return out;
}
