// Picks the compute backend and says why: WebGPU when the browser and device give an adapter,
// else WASM. One execution provider at a time, because ORT silently falls back when given a list.
import type { ModelSource } from './loader';

/** Which backend the user asked for (`?backend=`): 'auto' tries WebGPU first. */
export type BackendPreference = 'auto' | 'webgpu' | 'wasm';

/** What every model worker needs to load its model: where the files come from and which backend to try. */
export interface ModelRuntime {
  modelSource: ModelSource;
  backend: BackendPreference;
}

export interface BackendChoice {
  kind: 'webgpu' | 'wasm';
  /** Why this backend runs (shown in the status line). */
  reason: string;
  /** The adapter has `shader-f16` (fp16 model variants allowed). */
  shaderF16: boolean;
}

/** Probes WebGPU in the current (worker) context. */
export async function chooseBackend(preference: BackendPreference): Promise<BackendChoice> {
  if (preference === 'wasm') return { kind: 'wasm', reason: 'WASM chosen in the settings', shaderF16: false };
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { kind: 'wasm', reason: 'this browser has no WebGPU', shaderF16: false };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { kind: 'wasm', reason: 'WebGPU found no usable GPU adapter', shaderF16: false };
    return { kind: 'webgpu', reason: 'WebGPU adapter available', shaderF16: adapter.features.has('shader-f16') };
  } catch (err) {
    return { kind: 'wasm', reason: `WebGPU failed to start (${(err as Error).message})`, shaderF16: false };
  }
}
