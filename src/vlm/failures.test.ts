import { describe, expect, it } from 'vitest';
import { describeVlmFailure, describeVlmLoadFailure, fewerFrames, type FailureContext } from './failures';
import { NonFiniteLogitsError } from './lmRunner';
import { vlmStepText } from './types';

const gpu: FailureContext = { model: 'Qwen3-VL 2B', backend: 'webgpu', frames: 32, nextFrames: 16, lightTier: false };
const wasm: FailureContext = { ...gpu, backend: 'wasm' };

describe('describeVlmFailure', () => {
  it('a lost GPU device: says so, keeps everything, offers WASM, replaces the worker', () => {
    const f = describeVlmFailure(new Error('mapAsync failed'), { ...gpu, deviceLost: 'destroyed' });
    expect(f).toMatchObject({ kind: 'gpu-lost', offerWasm: true, restartWorker: true });
    expect(f.message).toBe(
      'The GPU stopped while Qwen3-VL 2B was answering (destroyed). Your capture, map and chat are kept. Run the chat on WASM (no GPU needed, but Qwen3-VL 2B writes a word every few seconds there; the Light tier answers in seconds), or reload the page to try the GPU again.',
    );
    // The light tier's model is fast enough on WASM to offer it plainly.
    expect(describeVlmFailure(new Error('mapAsync failed'), { ...gpu, model: 'SmolVLM 256M', lightTier: true, deviceLost: 'destroyed' }).message).toContain(
      'Run the chat on WASM (slower, no GPU needed)',
    );
    // Recognised from the error text too (the lost event may come after the failed call).
    expect(describeVlmFailure(new Error('GPUDevice was lost'), gpu).kind).toBe('gpu-lost');
    // On WASM there is no device to lose.
    expect(describeVlmFailure(new Error('device lost'), wasm).kind).toBe('failed');
  });

  it('invalid numbers: WASM offered on WebGPU, the light tier on WASM', () => {
    const onGpu = describeVlmFailure(new NonFiniteLogitsError(), gpu);
    expect(onGpu).toMatchObject({ kind: 'invalid-output', offerWasm: true, restartWorker: false });
    expect(onGpu.message).toContain('full precision');
    const onWasm = describeVlmFailure(new NonFiniteLogitsError(), wasm);
    expect(onWasm).toMatchObject({ kind: 'invalid-output', offerWasm: false });
    expect(onWasm.message).toContain('Try the light tier.');
  });

  it('out of memory: fewer frames next time, the light tier suggested, the worker replaced', () => {
    for (const err of [
      new RangeError('Array buffer allocation failed'),
      new Error('Aborted(OOM)'),
      new Error('failed to allocate a buffer of size 2147483648'),
    ]) {
      const f = describeVlmFailure(err, wasm);
      expect(f).toMatchObject({ kind: 'out-of-memory', restartWorker: true, nextFrames: 16 });
      expect(f.message).toBe(
        'Qwen3-VL 2B ran out of memory on this device with 32 frames. Your capture, map and chat are kept. The next question uses 16 frames instead of 32. The light tier needs far less memory.',
      );
    }
    const light = describeVlmFailure(new RangeError('x'), { ...wasm, model: 'SmolVLM 256M', lightTier: true, frames: 1, nextFrames: 1 });
    expect(light.message).toBe(
      'SmolVLM 256M ran out of memory on this device with 1 frame. Your capture, map and chat are kept. Close other tabs and ask again.',
    );
  });

  it('anything else: the error, and what to try', () => {
    expect(describeVlmFailure(new Error('bad input'), gpu)).toMatchObject({
      kind: 'failed',
      offerWasm: true,
      message: 'Qwen3-VL 2B failed to answer (bad input). Your capture, map and chat are kept. Ask again, or run the chat on WASM.',
    });
    expect(describeVlmFailure('boom', wasm).message).toBe('Qwen3-VL 2B failed to answer (boom). Your capture, map and chat are kept. Ask again.');
  });

  it('a model that cannot be loaded: which, why, what to try', () => {
    expect(describeVlmLoadFailure(new Error('404 on tokenizer.json'), { model: 'Qwen3-VL 2B', lightTier: false })).toBe(
      'Qwen3-VL 2B could not be loaded (404 on tokenizer.json). Your capture, map and chat are kept. Ask again, or choose the light tier in the Models bar: it needs far less memory.',
    );
    expect(describeVlmLoadFailure(new RangeError('Array buffer allocation failed'), { model: 'SmolVLM 256M', lightTier: true })).toBe(
      "SmolVLM 256M did not fit in this device's memory while loading. Your capture, map and chat are kept. Close other tabs and ask again.",
    );
  });

  it('halves the frames, never below one', () => {
    expect([32, 8, 3, 1].map(fewerFrames)).toEqual([16, 4, 1, 1]);
  });
});

describe('vlmStepText', () => {
  it('words the steps before the first token', () => {
    expect(vlmStepText({ phase: 'frames', done: 3, total: 8 })).toBe('Looking at the frames: 3 of 8');
    expect(vlmStepText({ phase: 'prompt', done: 164, total: 656 })).toBe('Reading the question and scene: 25%');
  });
});
