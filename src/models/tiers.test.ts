import { describe, expect, it } from 'vitest';
import type { BackendChoice } from './backend';
import { allModelUrls, chooseTier, planTier, TIERS } from './tiers';
import { formatBytes } from './downloadManager';
import { qwen3vlManifest } from './manifests/qwen3vl';
import { smolvlmManifest } from './manifests/smolvlm';

const hub = { kind: 'hub', baseUrl: 'https://huggingface.co' } as const;
const gpuF16: BackendChoice = { kind: 'webgpu', reason: 'test', shaderF16: true };
const gpu: BackendChoice = { kind: 'webgpu', reason: 'test', shaderF16: false };
const wasm: BackendChoice = { kind: 'wasm', reason: 'test', shaderF16: false };

describe('chooseTier', () => {
  it('takes the URL over the stored choice over the default, and ignores unknown names', () => {
    expect(chooseTier(null, null)).toBe('quality');
    expect(chooseTier(null, 'light')).toBe('light');
    expect(chooseTier('quality', 'light')).toBe('quality');
    expect(chooseTier('huge', 'nonsense')).toBe('quality');
  });

  it('defaults to the light tier without WebGPU, unless the user or the URL chose', () => {
    expect(chooseTier(null, null, 'wasm')).toBe('light');
    expect(chooseTier(null, null, 'webgpu')).toBe('quality');
    expect(chooseTier(null, 'quality', 'wasm')).toBe('quality');
    expect(chooseTier('quality', null, 'wasm')).toBe('quality');
  });
});

describe('planTier', () => {
  it('quality tier on WebGPU without shader-f16: q4 variants, ~1.9 GB', () => {
    const plan = planTier('quality', gpu, hub);
    expect(plan.models.map((m) => `${m.manifest.id}:${m.variant.id}`)).toEqual(['moge-2-vits:fp32', 'owlv2-base-patch16:webgpu-q4', 'qwen3-vl-2b:webgpu-q4']);
    expect(plan.approximate).toBe(true);
    expect(formatBytes(plan.bytes)).toBe('1.9 GB');
    expect(plan.models[2]!.files.some((f) => f.file.path.includes('f16'))).toBe(false);
  });

  it('no f16 variants without shader-f16, f16 ones with it', () => {
    for (const tier of ['quality', 'light'] as const) {
      for (const backend of [gpu, wasm]) {
        const paths = planTier(tier, backend, hub).models.flatMap((m) => m.files.map((f) => f.file.path));
        expect(paths.filter((p) => /f16/.test(p))).toEqual([]);
      }
      // Only the light tier's VLM lists f16 files (no public source shows them for the Qwen3-VL export).
      const f16 = planTier(tier, gpuF16, hub);
      expect(f16.models.find((m) => m.role === 'vlm')!.variant.id).toBe(tier === 'light' ? 'webgpu-q4f16' : 'webgpu-q4');
    }
  });

  it("keeps Qwen-VL's vision encoder out of fp16 (its Conv3D fails in fp16 on WebGPU)", () => {
    for (const v of qwen3vlManifest.variants) {
      expect(v.dtype?.vision_encoder).toBe('q4');
      expect(v.files.filter((f) => f.path.includes('vision_encoder')).every((f) => !f.path.includes('f16'))).toBe(true);
    }
  });

  it('WASM gets the WASM variants; the light tier is much smaller', () => {
    const quality = planTier('quality', wasm, hub);
    const light = planTier('light', wasm, hub);
    expect(quality.models.map((m) => m.variant.id)).toEqual(['fp32', 'wasm-q8', 'wasm-q4']);
    expect(light.models.find((m) => m.role === 'vlm')!.manifest.repo).toBe('HuggingFaceTB/SmolVLM-256M-Instruct');
    expect(light.bytes).toBeLessThan(quality.bytes / 2);
    expect(quality.models[2]!.files[0]!.url).toBe(
      `https://huggingface.co/onnx-community/Qwen3-VL-2B-Instruct-ONNX/resolve/${qwen3vlManifest.revision}/config.json`,
    );
  });

  it("never lets a mirror's catalog replace a pinned size or checksum, unless the build trusts it (test builds, fixtures)", () => {
    const mirror = { kind: 'mirror', baseUrl: 'http://h/models' } as const;
    const pinned = TIERS.quality.models.geometry.variants.flatMap((v) => v.files).find((f) => f.path === 'model.onnx')!;
    const catalog = { repos: { [TIERS.quality.models.geometry.repo]: { 'model.onnx': { bytes: 5000, sha256: 'ab'.repeat(32) } } } };
    const geometry = planTier('quality', gpu, mirror, catalog, false).models[0]!;
    expect(geometry.files[0]!.file).toMatchObject({ bytes: pinned.bytes, sha256: pinned.sha256 });
    expect(geometry.files[0]!.url).toBe('http://h/models/Ruicheng/moge-2-vits-normal-onnx/model.onnx');
    const fixtures = planTier('quality', gpu, mirror, catalog, true).models[0]!;
    expect(fixtures).toMatchObject({ bytes: 5000, approximate: false });
    expect(fixtures.files[0]!.file.sha256).toBe('ab'.repeat(32));
  });
});

describe('allModelUrls', () => {
  it("lists every variant's files, so delete leaves nothing of the model behind", () => {
    const urls = allModelUrls(smolvlmManifest, hub);
    expect(urls.some((u) => u.endsWith('decoder_model_merged_q4.onnx'))).toBe(true);
    expect(urls.some((u) => u.endsWith('decoder_model_merged_q4f16.onnx'))).toBe(true);
    expect(new Set(urls).size).toBe(urls.length);
    const qwen = allModelUrls(qwen3vlManifest, hub);
    expect(qwen.some((u) => u.endsWith('decoder_model_merged_q4.onnx_data'))).toBe(true);
    expect(new Set(qwen).size).toBe(qwen.length);
  });
});
