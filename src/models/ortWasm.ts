// ORT's wasm runtime, served from the app's own origin (never a CDN): Vite emits these files as assets and gives
// their URLs. Every worker uses the WebGPU build (its WASM EP included), except a chat worker without WebGPU, which
// loads the plain WASM build (ORT_WASM_ONLY_PATHS).
import mjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import wasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import wasmOnlyMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import wasmOnlyWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

export const ORT_WASM_PATHS = { mjs, wasm };

/**
 * ORT's plain WASM build (no WebGPU). A worker that runs on WASM only loads this one: the WebGPU build leaves out
 * CPU kernels that only matter without a GPU, among them GatherBlockQuantized, the op of Qwen3-VL's 4-bit token table
 * (its CPU kernel is in this build only; `strings` on both .wasm files shows it). The JS API is the same.
 */
export const ORT_WASM_ONLY_PATHS = { mjs: wasmOnlyMjs, wasm: wasmOnlyWasm };

/**
 * ORT WASM threads for the chat model's worker: every core, at most 4. ORT's default is half the cores (room for the
 * page), but while a question is answered the capture waits (ComputeTurns). On this project's 2-core reference machine
 * two threads gave SmolVLM's vision encoder 4.8–5.4 s per frame against 5.9 s with one, and a warm first token in
 * 5.8–10.3 s against 9.6–10.8 s (npm run bench:vlm, runs vary; docs/MODELS.md). Past 4, phones' little cores slow
 * the big ones down.
 */
export function answerThreads(hardwareConcurrency: number | undefined): number {
  return Math.max(1, Math.min(4, Math.floor(hardwareConcurrency ?? 1)));
}
