// What Room3R knows about a model before downloading it: where it lives, which files make it,
// how big they are, their checksums, its dtype variants and the ONNX interface the code relies on.
// One manifest serves the real model on the Hugging Face hub and the project's fixture of it
// (same repo id, same file layout), so the loading path is the same in the product and in tests.

export type ModelRole = 'geometry' | 'detector' | 'vlm';

/** Element type and shape of one ONNX input or output; strings are symbolic dimensions. */
export interface TensorSpec {
  name: string;
  type: 'float32' | 'float16' | 'int64' | 'bool' | 'uint8';
  shape: (number | string)[];
}

export interface OnnxInterface {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface ModelFile {
  /** Path inside the repo, e.g. `onnx/model.onnx`. */
  path: string;
  /** Exact size in bytes where known (verified after download). */
  bytes?: number;
  /** Where the exact size is unknown: the hub's rounded size ("55 MB") or an estimate (the manifest's docs say which).
   *  Shown before downloading, never verified. */
  approxBytes?: number;
  /** Lower-case hex SHA-256 where known (the hub's LFS oid). Verified after download. */
  sha256?: string;
  /** No pinned checksum: the file is taken as the mirror serves it (a mirror's own catalog may still catch corruption). */
  unpinned?: boolean;
}

/** A dtype variant: the files that differ by precision (e.g. `onnx/decoder_model_merged_q4.onnx`). */
export interface ModelVariant {
  id: string;
  files: ModelFile[];
  /** Backends this variant is meant for, best first in the manifest's list (all when absent). */
  devices?: ('webgpu' | 'wasm')[];
  /** Needs the WebGPU adapter feature `shader-f16`. */
  needsShaderF16?: boolean;
  /** For transformers.js models: the per-file dtype map handed to `from_pretrained`. */
  dtype?: Record<string, string>;
}

export interface ModelManifest {
  id: string;
  /** What the UI calls it, e.g. "SmolVLM 256M". */
  name: string;
  role: ModelRole;
  /** Hub repository, e.g. `Ruicheng/moge-2-vits-normal-onnx`. */
  repo: string;
  revision: string;
  license: string;
  /** Files every variant needs (configs, tokenizer). */
  files: ModelFile[];
  variants: ModelVariant[];
  /** ONNX interface per graph file stem, as the code feeds and reads it. */
  io: Record<string, OnnxInterface>;
  /** What was confirmed about this model and how, and what is assumed. */
  docs: string;
}

/** All files of one variant, shared files first. */
export function variantFiles(manifest: ModelManifest, variantId: string): ModelFile[] {
  const variant = manifest.variants.find((v) => v.id === variantId);
  if (!variant) throw new Error(`${manifest.id} has no variant "${variantId}"`);
  return [...manifest.files, ...variant.files];
}

/**
 * External-data chunk counts per ONNX file name, from the files a variant lists
 * (`x.onnx_data`, `x.onnx_data_1`, ...): what transformers.js calls `use_external_data_format`.
 */
export function externalDataChunks(files: ModelFile[]): Record<string, number> {
  const chunks: Record<string, number> = {};
  for (const f of files) {
    const m = /([^/]+\.onnx)_data(?:_\d+)?$/.exec(f.path);
    if (m) chunks[m[1]!] = (chunks[m[1]!] ?? 0) + 1;
  }
  return chunks;
}
