// transformers.js' global settings (where model files come from, which fetch reads them, where ORT's wasm lives),
// in one place for every model it loads (VLM, detector). Plain module: Node tests and workers both call it.
import { env } from '@huggingface/transformers';

export interface TransformersEnvOptions {
  /** Folder (Node) or URL path (browser) holding `<repo>/<file>`; enables local models when set. */
  localModelPath?: string;
  /** Base URL of a hub mirror, e.g. `https://huggingface.co/`. */
  remoteHost?: string;
  /** e.g. `{model}/resolve/{revision}/`. */
  remotePathTemplate?: string;
  allowRemote: boolean;
  /** Whether transformers.js may read `localModelPath` (default: when it is given). */
  allowLocal?: boolean;
  /** Replaces the fetch transformers.js uses (checksums, offline routing, progress). */
  fetch?: typeof fetch;
  /** Where the ORT wasm files are served (must be the ORT build transformers.js depends on). */
  wasmPaths?: string | Record<string, string>;
  useBrowserCache?: boolean;
  /** Whether transformers.js keeps ORT's wasm in its own cache (and imports the runtime from a blob: URL). */
  useWasmCache?: boolean;
  numThreads?: number;
}

/** Configures transformers.js' global `env` before loading. Separate from loading so the caller owns it. */
export function configureTransformersEnv(options: TransformersEnvOptions): void {
  env.allowRemoteModels = options.allowRemote;
  if (options.localModelPath !== undefined) env.localModelPath = options.localModelPath;
  env.allowLocalModels = options.allowLocal ?? options.localModelPath !== undefined;
  if (options.remoteHost !== undefined) env.remoteHost = options.remoteHost;
  if (options.remotePathTemplate !== undefined) env.remotePathTemplate = options.remotePathTemplate;
  if (options.fetch !== undefined) env.fetch = options.fetch;
  if (options.useBrowserCache !== undefined) env.useBrowserCache = options.useBrowserCache;
  if (options.useWasmCache !== undefined) env.useWasmCache = options.useWasmCache;
  // Mutate the wasm settings in place: transformers.js keeps a reference to this object.
  const wasm = env.backends.onnx.wasm as { wasmPaths?: unknown; numThreads?: number } | undefined;
  if (wasm) {
    if (options.wasmPaths !== undefined) wasm.wasmPaths = options.wasmPaths;
    if (options.numThreads !== undefined) wasm.numThreads = options.numThreads;
  }
}
