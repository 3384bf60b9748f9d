// Records every WebAssembly.Memory this worker creates (ORT's threaded WASM build creates its heap in JS, to share it
// with its threads), so the bench reads the chat model's WASM heap directly: a heap never shrinks, so its size after a
// step is the step's WASM peak. Imported by the bench worker, so it is in place before ORT makes its heap (at the first
// session).
const memories: WebAssembly.Memory[] = [];
class RecordingMemory extends WebAssembly.Memory {
  constructor(descriptor: WebAssembly.MemoryDescriptor) {
    super(descriptor);
    memories.push(this);
  }
}
WebAssembly.Memory = RecordingMemory;

/** Bytes of every WASM heap this worker made (0 when none was made here). */
export function wasmHeapBytes(): number {
  return memories.reduce((bytes, m) => bytes + m.buffer.byteLength, 0);
}
