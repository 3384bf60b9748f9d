// Creates an onnxruntime-web session on the chosen backend, falling back to WASM (and saying so)
// when the WebGPU session cannot be made. Used by the geometry worker; transformers.js makes the VLM's.
import type { InferenceSession } from 'onnxruntime-web';
import type { BackendChoice } from './backend';

type OrtModule = typeof import('onnxruntime-web');

export interface OrtSessionResult {
  session: InferenceSession;
  backend: BackendChoice;
}

export function configureOrtWasm(ort: OrtModule, wasmPaths: { mjs: string; wasm: string }): void {
  ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.logLevel = 'error';
  // Threads need cross-origin isolation; without it ORT must stay single-threaded.
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency ?? 2;
  ort.env.wasm.numThreads = geometryWasmThreads(cores, isolated);
}

/** The geometry worker's ORT WASM threads: cores − 1 (the page and the other workers need one), 1..4; 1 when not
 * cross-origin isolated. */
export function geometryWasmThreads(cores: number, isolated: boolean): number {
  return isolated ? Math.max(1, Math.min(4, cores - 1)) : 1;
}

/** ORT's native logger prints warnings (e.g. shape ops placed on the CPU) as console errors: keep errors only. */
export const QUIET_SESSION = { logSeverityLevel: 3 } as const;

export async function createOrtSession(ort: OrtModule, model: Uint8Array, backend: BackendChoice): Promise<OrtSessionResult> {
  if (backend.kind === 'webgpu') {
    try {
      const session = await ort.InferenceSession.create(model, { ...QUIET_SESSION, executionProviders: ['webgpu'] });
      return { session, backend };
    } catch (err) {
      const fallback: BackendChoice = {
        kind: 'wasm',
        reason: `WebGPU could not run the model (${(err as Error).message}); using WASM`,
        shaderF16: false,
      };
      return { session: await ort.InferenceSession.create(model, { ...QUIET_SESSION, executionProviders: ['wasm'] }), backend: fallback };
    }
  }
  return { session: await ort.InferenceSession.create(model, { ...QUIET_SESSION, executionProviders: ['wasm'] }), backend };
}
