// ORT's wasm runtime, served from the app's own origin (never a CDN): Vite emits these two files
// as assets and gives their URLs. Both workers (and transformers.js) use this one build.
import mjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import wasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

export const ORT_WASM_PATHS = { mjs, wasm };
