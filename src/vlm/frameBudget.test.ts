import { describe, expect, it } from 'vitest';
import { type ChatCosts, chooseFrameBudget, type DeviceFacts } from './frameBudget';

// Costs as the loaded models report them (vlmChat.frameCosts on the real dimensions; files from the manifests).
const qwen: ChatCosts = {
  weightsBytes: 1_520_000_000,
  otherModelsBytes: 250_000_000,
  kvBytesPerToken: 28 * 2 * 8 * 128 * 4, // 28 layers, key + value, 8 KV heads of 128, fp32
  kvTensors: 56,
  featureBytesPerToken: 2048 * 4,
  tokensPerFrame: 154,
  textTokens: 600,
  headBytes: 151_936 * 2048 * 4,
};
const smol: ChatCosts = {
  weightsBytes: 260_000_000,
  otherModelsBytes: 250_000_000,
  kvBytesPerToken: 30 * 2 * 3 * 64 * 4,
  kvTensors: 60,
  featureBytesPerToken: 576 * 4,
  tokensPerFrame: 64,
  textTokens: 600,
  headBytes: 49_152 * 576 * 4,
};
const wasm = (deviceMemoryGiB?: number): DeviceFacts => ({ backend: 'wasm', deviceMemoryGiB });
const perFrameBytes = (c: ChatCosts) => c.tokensPerFrame * (2 * c.kvBytesPerToken + c.featureBytesPerToken);

describe('chooseFrameBudget', () => {
  it("keeps the tier's frames when the device holds them", () => {
    const b = chooseFrameBudget(8, smol, wasm(4));
    expect(b).toMatchObject({ frames: 8, limitedBy: 'tier', tight: false });
    expect(b.peakBytes).toBeLessThan(b.chatBytes);
    expect(b.summary).toBe('8 frames per question');
  });

  it('takes as many frames as fit in memory: one more would not', () => {
    const b = chooseFrameBudget(32, qwen, { backend: 'webgpu', deviceMemoryGiB: 8 });
    expect(b.limitedBy).toBe('memory');
    expect(b.frames).toBeGreaterThan(4);
    expect(b.frames).toBeLessThan(32);
    expect(b.peakBytes).toBeLessThanOrEqual(b.chatBytes);
    expect(b.peakBytes + perFrameBytes(qwen)).toBeGreaterThan(b.chatBytes);
    expect(b.summary).toContain("this device's 8 GB");
  });

  it('more memory, more frames; a longer text prompt, fewer', () => {
    const gpu = (gib: number): DeviceFacts => ({ backend: 'webgpu', deviceMemoryGiB: gib });
    const small = chooseFrameBudget(32, qwen, gpu(6)).frames;
    const large = chooseFrameBudget(32, qwen, gpu(8)).frames;
    expect(large).toBeGreaterThan(small);
    expect(chooseFrameBudget(32, { ...qwen, textTokens: 3000 }, gpu(8)).frames).toBeLessThan(large);
  });

  it('on WASM a question also holds an fp32 copy of the output head (measured): Qwen3-VL on an 8 GB device barely fits', () => {
    const onGpu = chooseFrameBudget(32, qwen, { backend: 'webgpu', deviceMemoryGiB: 8 });
    const onWasm = chooseFrameBudget(32, qwen, wasm(8));
    expect(onWasm.chatBytes).toBe(onGpu.chatBytes);
    expect(onWasm.tight).toBe(true);
    expect(onGpu.tight).toBe(false);
    expect(chooseFrameBudget(32, qwen, wasm(16)).frames).toBeGreaterThan(1);
  });

  it("WASM's 4 GiB heap caps the chat model however much memory the device has", () => {
    const onWasm = chooseFrameBudget(64, qwen, wasm(32));
    const onGpu = chooseFrameBudget(64, qwen, { backend: 'webgpu', deviceMemoryGiB: 32 });
    expect(onWasm.chatBytes).toBe(4 * 1024 ** 3);
    expect(onGpu.frames).toBeGreaterThan(onWasm.frames);
  });

  it('a browser that does not report memory is taken as a 4 GB device, and the status says so', () => {
    const b = chooseFrameBudget(32, qwen, wasm());
    expect(b.chatBytes).toBe(chooseFrameBudget(32, qwen, wasm(4)).chatBytes);
    expect(b.summary).toContain('assumed 4 GB');
  });

  it('a model that barely fits gets one frame and a word about the light tier', () => {
    const b = chooseFrameBudget(32, qwen, wasm(2));
    expect(b).toMatchObject({ frames: 1, tight: true, limitedBy: 'memory' });
    expect(b.summary).toContain('light tier');
    // The light tier's own model on a device it barely fits: no advice to switch to itself.
    const light = chooseFrameBudget(8, smol, wasm(1), undefined, true);
    expect(light.tight).toBe(true);
    expect(light.summary).not.toContain('light tier');
    expect(light.summary).toContain('close other apps and tabs');
  });

  it("one layer's KV for the whole prompt stays within the GPU's largest binding", () => {
    const limit = 16 * 1024 ** 2; // a 16 MiB binding: 8,192 tokens of one 2 KiB-per-token tensor
    const costs = { ...qwen, kvBytesPerToken: 56 * 2048 };
    const b = chooseFrameBudget(64, costs, { backend: 'webgpu', deviceMemoryGiB: 32, maxStorageBufferBindingSize: limit });
    expect(b.limitedBy).toBe('gpu-buffer');
    const tokens = b.frames * costs.tokensPerFrame + costs.textTokens;
    expect(tokens * 2048).toBeLessThanOrEqual(limit);
    expect((tokens + costs.tokensPerFrame) * 2048).toBeGreaterThan(limit);
  });

  it('a measured slow prompt speed lowers the frames, never below 4; a fast one changes nothing', () => {
    const slow = chooseFrameBudget(8, smol, wasm(8), { prefillTokensPerSecond: 20 });
    expect(slow).toMatchObject({ frames: 4, limitedBy: 'speed' });
    const medium = chooseFrameBudget(32, smol, wasm(8), { prefillTokensPerSecond: 60 });
    // 30 s x 60 tokens/s = 1,800 tokens: 600 of text leave 1,200, 18 frames of 64.
    expect(medium).toMatchObject({ frames: 18, limitedBy: 'speed' });
    expect(chooseFrameBudget(8, smol, wasm(8), { prefillTokensPerSecond: 5000 })).toMatchObject({ frames: 8, limitedBy: 'tier' });
  });

  it("keeps the frames' prefix cache for the budget's prompt", () => {
    const b = chooseFrameBudget(8, smol, wasm(4));
    expect(b.prefixCacheBytes).toBe((8 * 64 + 600) * smol.kvBytesPerToken);
  });
});
