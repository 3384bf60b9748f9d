// Picks the dtype variant of a model for the device: no fp16 variants without `shader-f16`,
// WebGPU variants only on WebGPU.
import type { BackendChoice } from './backend';
import type { ModelManifest, ModelVariant } from './manifest';

export function chooseVariant(manifest: ModelManifest, backend: BackendChoice): ModelVariant {
  const fits = (v: ModelVariant) => (!v.devices || v.devices.includes(backend.kind)) && (!v.needsShaderF16 || backend.shaderF16);
  const variant = manifest.variants.find(fits);
  if (!variant) throw new Error(`${manifest.id} has no variant for ${backend.kind}${backend.shaderF16 ? '' : ' without shader-f16'}`);
  return variant;
}
