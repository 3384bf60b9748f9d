// Model tiers: which models the app downloads, and in which dtype variants for this device. The quality tier is
// the default with WebGPU; the light tier swaps the 2B VLM for a 256M one for devices that cannot hold or run it, and
// is the default without WebGPU (Qwen3-VL's 4-bit weights run ~5 s a token on ORT-web's WASM EP: see defaultTier).
// The choice is the user's (kept in localStorage); `?tier=` in the URL overrides it (tests).
import { TEST_BUILD } from '../buildMode';
import type { BackendChoice } from './backend';
import { withMirrorChecksums, type MirrorCatalog } from './catalog';
import type { PlannedFile } from './downloadManager';
import { modelFileUrl, type ModelSource } from './loader';
import { variantFiles, type ModelManifest, type ModelRole, type ModelVariant } from './manifest';
import { moge2Manifest } from './manifests/moge2';
import { owlv2Manifest } from './manifests/owlv2';
import { qwen3vlManifest } from './manifests/qwen3vl';
import { smolvlmManifest } from './manifests/smolvlm';
import { chooseVariant } from './variants';

export type TierId = 'quality' | 'light';
export const TIER_IDS: TierId[] = ['quality', 'light'];
export const TIER_STORAGE_KEY = 'room3r.modelTier';

export interface Tier {
  id: TierId;
  label: string;
  /** One line for the tier switch. */
  summary: string;
  models: Record<ModelRole, ModelManifest>;
  /** Frames the chat model looks at per question (sampled uniformly over the capture; `?vlmFrames=` overrides). */
  vlmFrames: number;
}

export const TIERS: Record<TierId, Tier> = {
  quality: {
    id: 'quality',
    label: 'Quality',
    summary: 'Qwen3-VL 2B chat, MoGe-2 geometry, OWLv2 objects',
    models: { geometry: moge2Manifest, detector: owlv2Manifest, vlm: qwen3vlManifest },
    // As VLM-3R: 32 frames (~150 image tokens each at the 448 px frames the geometry worker sends).
    vlmFrames: 32,
  },
  light: {
    id: 'light',
    label: 'Light',
    summary: 'SmolVLM 256M chat (weak devices: smaller download, weaker answers), MoGe-2 geometry, OWLv2 objects',
    models: { geometry: moge2Manifest, detector: owlv2Manifest, vlm: smolvlmManifest },
    // Each frame is a full SigLIP-B pass at 512 px (~0.2 TFLOP): 8 keep a question to seconds on a weak GPU and
    // well under a minute on WASM, where 32 would take minutes.
    vlmFrames: 8,
  },
};

export function parseTier(value: string | null | undefined): TierId | null {
  return value === 'quality' || value === 'light' ? value : null;
}

/**
 * The tier a device gets when nobody chose one. Without WebGPU, Qwen3-VL's 4-bit MatMulNBits weights run on ORT-web's
 * WASM EP, which has no 4-bit kernel: each call dequantises the whole weight to fp32 (measured: one 2,048 x 151,936
 * MatMulNBits takes 1.1 s and 1,247 MB, the fp32 size, at every call), so an answer decodes at ~0.2 tokens/s; the light
 * tier's int8 SmolVLM decodes at 12-17 tokens/s there (docs/MODELS.md).
 */
export function defaultTier(backend: BackendChoice['kind']): TierId {
  return backend === 'webgpu' ? 'quality' : 'light';
}

/** The URL's tier, else the stored choice, else the backend's default (quality until the backend is known). */
export function chooseTier(urlTier: string | null | undefined, stored: string | null | undefined, backend: BackendChoice['kind'] = 'webgpu'): TierId {
  return parseTier(urlTier) ?? parseTier(stored) ?? defaultTier(backend);
}

/** One model of a tier as it will be downloaded on this device. */
export interface ModelPlan {
  role: ModelRole;
  manifest: ModelManifest;
  variant: ModelVariant;
  files: PlannedFile[];
  /** Download size: exact and approximate sizes together. */
  bytes: number;
  /** Some sizes are the hub's rounded figures or estimates (shown with "≈"). */
  approximate: boolean;
}

export interface TierPlan {
  tier: TierId;
  backend: BackendChoice;
  models: ModelPlan[];
  bytes: number;
  approximate: boolean;
}

const ROLES: ModelRole[] = ['geometry', 'detector', 'vlm'];

/**
 * The files of every model of a tier in the variants this device runs, with their URLs and sizes. A mirror's catalog
 * fills in only what the manifests do not pin, unless it is trusted (test builds, on the fixture models).
 */
export function planTier(tierId: TierId, backend: BackendChoice, source: ModelSource, catalog?: MirrorCatalog, trustCatalog = TEST_BUILD): TierPlan {
  const models = ROLES.map((role): ModelPlan => {
    const manifest = withMirrorChecksums(TIERS[tierId].models[role], catalog, trustCatalog);
    const variant = chooseVariant(manifest, backend);
    const files = variantFiles(manifest, variant.id).map((file) => ({
      modelId: manifest.id,
      url: modelFileUrl(source, manifest, file.path),
      file,
    }));
    return {
      role,
      manifest,
      variant,
      files,
      bytes: files.reduce((s, f) => s + (f.file.bytes ?? f.file.approxBytes ?? 0), 0),
      approximate: files.some((f) => f.file.bytes === undefined),
    };
  });
  return {
    tier: tierId,
    backend,
    models,
    bytes: models.reduce((s, m) => s + m.bytes, 0),
    approximate: models.some((m) => m.approximate),
  };
}

/** Every URL a model may have in the cache on this source, whatever the variant (what "delete" removes). */
export function allModelUrls(manifest: ModelManifest, source: ModelSource): string[] {
  const paths = new Set([...manifest.files, ...manifest.variants.flatMap((v) => v.files)].map((f) => f.path));
  return [...paths].map((p) => modelFileUrl(source, manifest, p));
}

const fileBytes = (files: { bytes?: number; approxBytes?: number }[]) => files.reduce((n, f) => n + (f.bytes ?? f.approxBytes ?? 0), 0);

/** File bytes behind the chat model's memory: its own variant's, and the tier's other models' on this backend. */
export function chatModelFileBytes(
  tierId: TierId,
  vlm: { manifest: ModelManifest; variant: ModelVariant },
  backend: BackendChoice,
  source: ModelSource,
): { weightsBytes: number; otherModelsBytes: number } {
  const others = planTier(tierId, backend, source).models.filter((m) => m.role !== 'vlm');
  return { weightsBytes: fileBytes(variantFiles(vlm.manifest, vlm.variant.id)), otherModelsBytes: others.reduce((n, m) => n + m.bytes, 0) };
}
