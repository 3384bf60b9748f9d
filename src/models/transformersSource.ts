// What a worker does before transformers.js loads one of our models: pick the backend and the manifest variant for
// this device, take a mirror's checksums when it publishes them, and route every file transformers.js asks for
// through our loader (cache, progress, checksums; the hub and a mirror differ only in the path template).
// One helper for the VLM and the detector workers.
import { chooseBackend, type BackendChoice, type ModelRuntime } from './backend';
import { loadMirrorCatalog, withMirrorChecksums } from './catalog';
import { openBrowserModelCache, type FileProgress } from './loader';
import { variantFiles, type ModelManifest, type ModelVariant } from './manifest';
import { manifestFetch } from './manifestFetch';
import { ORT_WASM_ONLY_PATHS, ORT_WASM_PATHS } from './ortWasm';
import { configureTransformersEnv } from './transformersEnv';
import { chooseVariant } from './variants';

export interface RoutedModel {
  backend: BackendChoice;
  /** The manifest with the mirror's sizes and checksums where it has them. */
  manifest: ModelManifest;
  variant: ModelVariant;
}

/** A load-time change of a verified model file for the backend it will run on (see manifestFetch). */
export type ModelFileEdit = (path: string, bytes: Uint8Array, backend: BackendChoice['kind']) => Uint8Array;

/** `variantId` overrides the device's choice (benchmarks compare variants). */
export async function routeTransformersToModel(
  manifest: ModelManifest,
  config: ModelRuntime,
  onProgress: (p: FileProgress) => void,
  options: { variantId?: string; edit?: ModelFileEdit } = {},
): Promise<RoutedModel> {
  const { variantId, edit } = options;
  const backend = await chooseBackend(config.backend);
  const cache = await openBrowserModelCache();
  const checked = withMirrorChecksums(manifest, await loadMirrorCatalog(config.modelSource, cache));
  const variant = variantId ? checked.variants.find((v) => v.id === variantId) : chooseVariant(checked, backend);
  if (!variant) throw new Error(`${manifest.name} has no variant "${variantId}"`);
  const source = config.modelSource;
  configureTransformersEnv({
    // The hub and a mirror are both "remote" to transformers.js; only the path template differs (the same layout
    // modelFileUrl() builds), so every file goes through env.fetch = our loader.
    allowRemote: true,
    allowLocal: false,
    remoteHost: `${source.baseUrl}/`,
    remotePathTemplate: source.kind === 'hub' ? '{model}/resolve/{revision}/' : '{model}/',
    // Our loader caches (and verifies) model files; transformers.js must not keep a second copy.
    useBrowserCache: false,
    fetch: manifestFetch(
      source,
      checked,
      variantFiles(checked, variant.id),
      { cache, onProgress },
      edit && ((file, bytes) => edit(file.path, bytes, backend.kind)),
    ) as typeof fetch,
    // Without WebGPU, ORT's plain WASM build: the WebGPU build lacks CPU kernels the quality tier needs (ortWasm.ts).
    wasmPaths: backend.kind === 'wasm' ? ORT_WASM_ONLY_PATHS : ORT_WASM_PATHS,
    // ORT's runtime is served from the app's own origin (precached by the service worker). transformers.js' own wasm
    // cache would re-import it from a blob: URL, which the Content-Security-Policy does not allow scripts from.
    useWasmCache: false,
  });
  return { backend, manifest: checked, variant };
}
