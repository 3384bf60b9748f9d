// The language-model runner (chunked prefill, vision encoder in frame batches, greedy decode) on the Qwen3-VL and
// SmolVLM fixtures: every decoder call and its outputs' shapes, the same reply as transformers.js' own `generate`
// over the whole prompt, a cache continued from a prefix, and a failed run (non-finite logits) caught.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cat, type Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VLM_FIXTURE_REPO, writeVlmFixture } from '../../scripts/fixtures/qwen3vl';
import { SMOLVLM_FIXTURE_REPO, writeSmolVlmFixture } from '../../scripts/fixtures/smolvlm';
import { externalDataChunks } from '../models/manifest';
import { qwen3vlManifest } from '../models/manifests/qwen3vl';
import { smolvlmManifest } from '../models/manifests/smolvlm';
import { configureTransformersEnv } from '../models/transformersEnv';
import type { LoadedVlm } from './families/family';
import { KvCache, LOGITS_BUDGET_BYTES, NonFiniteLogitsError, type OrtSessionLike, pickToken, prefill, prefillChunkTokens } from './lmRunner';
import { editVlmFile } from './newKvOutputs';
import { FRAMES_NOTE } from './prompt';
import { testFrames, testImage } from './testFrames';
import type { VlmRequest } from './types';
import { VlmChat, type VlmGenerateOptions } from './vlmChat';

let root = '';
let qwen: VlmChat;
let smol: VlmChat;

function req(over: Partial<VlmRequest> = {}): VlmRequest {
  return {
    history: [],
    question: 'How far is the sofa from the TV?',
    spatialContext: 'Room 4.2 m x 3.1 m. Sofa 2.0 m wide, TV on the north wall.',
    frames: testFrames(3, 7, 128, 96),
    maxNewTokens: 24,
    ...over,
  };
}

interface Call {
  inputs: Record<string, number[]>;
  outputs: Record<string, number[]>;
}

/** Records the shapes fed to and returned by a real session while `fn` runs. */
async function recordCalls<T>(session: OrtSessionLike, fn: () => Promise<T>): Promise<{ result: T; calls: Call[] }> {
  const calls: Call[] = [];
  type Run = (feeds: Record<string, { dims: readonly number[] }>, fetches?: readonly string[]) => Promise<Record<string, { dims: readonly number[] }>>;
  const s = session as unknown as { run: Run };
  const original = s.run.bind(s);
  s.run = async (feeds, fetches) => {
    const out = await (fetches ? original(feeds, fetches) : original(feeds));
    const dims = (r: Record<string, { dims: readonly number[] }>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, [...v.dims]]));
    calls.push({ inputs: dims(feeds), outputs: dims(out) });
    return out;
  };
  try {
    return { result: await fn(), calls };
  } finally {
    s.run = original;
  }
}

const sessions = (chat: VlmChat) => (chat.model as unknown as LoadedVlm).sessions;
const opts: VlmGenerateOptions = { maxPixelsPerFrame: 64 * 64 };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'room3r-lm-'));
  await writeVlmFixture(root);
  await writeSmolVlmFixture(root);
  configureTransformersEnv({ localModelPath: root, allowRemote: false });
  const qwenWasm = qwen3vlManifest.variants.find((v) => v.id === 'wasm-q4')!;
  qwen = await VlmChat.load({ modelId: VLM_FIXTURE_REPO, dtype: qwenWasm.dtype!, useExternalDataFormat: externalDataChunks(qwenWasm.files), device: 'cpu' });
  const smolWasm = smolvlmManifest.variants.find((v) => v.id === 'wasm-q8')!;
  smol = await VlmChat.load({ modelId: SMOLVLM_FIXTURE_REPO, dtype: smolWasm.dtype!, device: 'cpu' });
}, 60_000);

afterAll(async () => {
  await qwen?.dispose();
  await smol?.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('chunked prefill', () => {
  it('feeds a prompt in chunks through the KV cache: one decoder call per chunk, then one per new token, every shape right', async () => {
    const chunk = 16;
    const decoder = sessions(qwen).decoder_model_merged!;
    qwen.forgetFrames();
    const { result: reply, calls } = await recordCalls(decoder, () => qwen.generate(req(), { ...opts, prefillChunkTokens: chunk }));
    // The same frames again: the prompt up to the end of the frames is not read again.
    const { result: again, calls: againCalls } = await recordCalls(decoder, () =>
      qwen.generate(req({ question: 'Where is the TV?' }), { ...opts, prefillChunkTokens: chunk }),
    );
    const prompt = reply.promptTokens;
    const framesEnd = again.reusedTokens;
    expect(framesEnd).toBeGreaterThan(reply.imageTokens);
    expect(reply.reusedTokens).toBe(0);
    expect(again.reusedFrames).toBe(3);
    // Prefill in chunks of at most 16: up to the end of the frames (kept), then the rest.
    const lengths = (from: number, to: number) => Array.from({ length: Math.ceil((to - from) / chunk) }, (_, i) => Math.min(chunk, to - from - i * chunk));
    const prefillLengths = [...lengths(0, framesEnd), ...lengths(framesEnd, prompt)];
    expect(prefillLengths.length).toBeGreaterThanOrEqual(3);
    expect(againCalls.length).toBe(lengths(framesEnd, again.promptTokens).length + again.tokens - 1);
    // The last generated token is not fed back (it ends the reply or hits the limit).
    expect(calls.length).toBe(prefillLengths.length + reply.tokens - 1);
    const vocab = calls[0]!.outputs.logits![2]!;
    const [, kvHeads, , headDim] = calls[0]!.outputs['present.0.key']!;
    let total = 0;
    calls.forEach((call, i) => {
      const len = prefillLengths[i] ?? 1;
      expect(call.inputs.inputs_embeds!.slice(0, 2)).toEqual([1, len]);
      expect(call.inputs.position_ids).toEqual([3, 1, len]);
      expect(call.inputs['past_key_values.0.key']).toEqual([1, kvHeads, total, headDim]);
      total += len;
      expect(call.inputs.attention_mask).toEqual([1, total]);
      expect(call.outputs.logits).toEqual([1, len, vocab]);
      expect(call.outputs['present.0.key']).toEqual([1, kvHeads, total, headDim]);
      expect(call.outputs['present.0.value']).toEqual([1, kvHeads, total, headDim]);
    });
    expect(againCalls[0]!.inputs['past_key_values.0.key']).toEqual([1, kvHeads, framesEnd, headDim]);
  });

  it('a second question on the same frames gives the same reply as one read from scratch', async () => {
    for (const chat of [qwen, smol]) {
      chat.forgetFrames();
      await chat.generate(req({ question: 'Where is the TV?' }), opts);
      const reused = await chat.generate(req(), opts);
      expect(reused.reusedTokens).toBeGreaterThan(0);
      chat.forgetFrames();
      const fresh = await chat.generate(req(), opts);
      expect(fresh.reusedTokens).toBe(0);
      expect(reused.text).toBe(fresh.text);
    }
  });

  it('frames encoded ahead are not encoded again at the question', async () => {
    for (const chat of [qwen, smol]) {
      chat.forgetFrames();
      const frames = testFrames(4, 11, 128, 96);
      expect(await chat.encodeFrames(frames, opts)).toBe(4);
      expect(await chat.encodeFrames(frames, opts)).toBe(0);
      expect(chat.encodedFrames).toBe(4);
      const { result, calls } = await recordCalls(sessions(chat).vision_encoder!, () => chat.generate(req({ frames }), opts));
      expect(calls).toHaveLength(0);
      expect(result.reusedFrames).toBe(4);
      chat.forgetFrames();
      const cold = await chat.generate(req({ frames }), opts);
      expect(cold.text).toBe(result.text);
      // Keeping only the frames the next question samples.
      chat.retainFrames(frames.slice(0, 2), opts.maxPixelsPerFrame);
      expect(chat.encodedFrames).toBe(2);
    }
  });

  it('gives the same reply whatever the chunk size, and the same as transformers.js generate over the whole prompt', async () => {
    for (const chat of [qwen, smol]) {
      chat.forgetFrames();
      const one = await chat.generate(req(), { ...opts, prefillChunkTokens: 100_000, visionFramesPerCall: 5 });
      chat.forgetFrames();
      const small = await chat.generate(req(), { ...opts, prefillChunkTokens: 5 });
      chat.forgetFrames();
      expect(small.text).toBe(one.text);
      expect(one.tokens).toBeGreaterThan(3);
      // transformers.js' stock path on the same inputs: processor output straight into model.generate.
      const prepared = await chat.prepare(req(), opts);
      const stock = (await (chat.model as unknown as { generate: (o: object) => Promise<Tensor> }).generate({
        ...prepared.inputs,
        max_new_tokens: 24,
        do_sample: false,
      })) as Tensor;
      const ids = Array.from(stock.data as BigInt64Array, Number).slice(prepared.inputs.input_ids.dims[1]);
      expect(chat.processor.tokenizer.decode(ids, { skip_special_tokens: true })).toBe(one.text);
    }
  });

  it('runs the vision encoder a few frames per call, with the same features as one call', async () => {
    for (const [chat, perCall] of [
      [qwen, 1],
      [smol, 2],
    ] as const) {
      const vision = sessions(chat).vision_encoder!;
      chat.forgetFrames();
      const steps: string[] = [];
      const { result: batched, calls } = await recordCalls(vision, () =>
        chat.generate(req({ frames: testFrames(5, 3, 128, 96) }), {
          ...opts,
          visionFramesPerCall: perCall,
          onProgress: (p) => steps.push(`${p.phase} ${p.done}/${p.total}`),
        }),
      );
      expect(calls.length).toBe(Math.ceil(5 / perCall));
      expect(steps.filter((s) => s.startsWith('frames')).at(-1)).toBe('frames 5/5');
      expect(steps.at(-1)).toMatch(/^prompt (\d+)\/\1$/);
      chat.forgetFrames();
      const whole = await chat.generate(req({ frames: testFrames(5, 3, 128, 96) }), { ...opts, visionFramesPerCall: 5 });
      expect(batched.text).toBe(whole.text);
    }
  });

  it('continues a cache kept at a prefix: the same last logits as one prefill', async () => {
    const prepared = await qwen.prepare(req(), opts);
    const model = qwen.model as unknown as LoadedVlm;
    const features = cat(await qwen.family.encodeImages(model, prepared.inputs, { framesPerCall: 1 }), 0);
    const prompt = qwen.family.lmPrompt(model, prepared.inputs, features);
    const lm = { embed: model.sessions.embed_tokens!, decoder: model.sessions.decoder_model_merged! };
    const empty = KvCache.empty(lm.decoder);
    const whole = await prefill(lm, prompt, empty, { chunkTokens: 1000 });
    const half = Math.floor(prompt.ids.length / 2);
    const prefix = await prefill(lm, prompt, empty, { chunkTokens: 7, stopAt: half });
    expect(prefix.cache.length).toBe(half);
    const rest = await prefill(lm, prompt, prefix.cache, { chunkTokens: 7 });
    expect(prefix.cache.isDisposed).toBe(false); // the prefix stays usable for the next question
    expect(rest.cache.length).toBe(prompt.ids.length);
    const a = whole.logits!;
    const b = rest.logits!;
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThan(1e-3);
    for (const c of [empty, whole.cache, prefix.cache, rest.cache]) c.dispose();
  });
});

describe('decoding from the new KV rows (the WASM decoder edit)', () => {
  it('gives the same reply as from the whole cache, and each token fetches one new row per cache tensor, not the cache', async () => {
    // A copy of the SmolVLM fixture whose decoder has the edit the app makes on WASM, loaded the same way.
    const repo = `${SMOLVLM_FIXTURE_REPO}-kv-new`;
    cpSync(join(root, SMOLVLM_FIXTURE_REPO), join(root, repo), { recursive: true });
    const path = 'onnx/decoder_model_merged_quantized.onnx';
    writeFileSync(join(root, repo, path), editVlmFile(path, readFileSync(join(root, repo, path)), 'wasm'));
    const edited = await VlmChat.load({ modelId: repo, dtype: smolvlmManifest.variants.find((v) => v.id === 'wasm-q8')!.dtype!, device: 'cpu' });
    try {
      const decoder = sessions(edited).decoder_model_merged!;
      const added = decoder.outputNames.filter((n) => n.startsWith('kv_new.'));
      expect(added.length).toBe(decoder.inputNames.filter((n) => n.startsWith('past_key_values.')).length);
      smol.forgetFrames();
      const plain = await smol.generate(req(), opts);
      const { result, calls } = await recordCalls(decoder, () => edited.generate(req(), opts));
      expect(result.tokens).toBeGreaterThan(3);
      expect(result.text).toBe(plain.text);
      const [, kvHeads, , headDim] = calls[0]!.outputs['present.0.key']!;
      // The last generated token is not fed back: tokens - 1 decode calls, after the prompt's.
      const decodeCalls = calls.slice(calls.length - (result.tokens - 1));
      decodeCalls.forEach((call, i) => {
        expect(Object.keys(call.outputs).sort()).toEqual(['logits', ...added].sort());
        expect(call.outputs['kv_new.0.key']).toEqual([1, kvHeads, 1, headDim]);
        expect(call.inputs['past_key_values.0.key']).toEqual([1, kvHeads, result.promptTokens + i, headDim]);
      });
    } finally {
      await edited.dispose();
    }
  });
});

describe('the plan image', () => {
  it("is the prompt's last image: the reply depends on it, and a new plan keeps the frames' prefix", async () => {
    for (const chat of [qwen, smol]) {
      chat.forgetFrames();
      const plan = (seed: number) => ({ image: testImage(seed, 96, 96), caption: 'The last image is a top-down plan of the room.' });
      const prepared = await chat.prepare(req({ plan: plan(5) }), opts);
      expect(prepared.images).toHaveLength(4);
      expect(prepared.frameTokens).toBe(prepared.imageTokens - prepared.tokensPerImage[3]!);
      // The plan's image tokens come after the question's context heading, the frames' before it.
      const text = prepared.text;
      expect(text.indexOf('The last image is a top-down plan')).toBeGreaterThan(text.indexOf(FRAMES_NOTE.trim()));
      const a = await chat.generate(req({ plan: plan(5) }), opts);
      const b = await chat.generate(req({ plan: plan(6) }), opts);
      expect(b.reusedTokens).toBeGreaterThan(0);
      expect(b.reusedFrames).toBe(3);
      expect(b.text).not.toBe(a.text);
      expect((await chat.generate(req({ plan: plan(5) }), opts)).text).toBe(a.text);
    }
  });
});

describe('helpers', () => {
  it('chooses chunks whose logits fit the budget', () => {
    expect(prefillChunkTokens(151_936, 4)).toBe(164); // Qwen3-VL fp32 logits: 164 x 151,936 x 4 B = 99.7 MB
    expect(164 * 151_936 * 4).toBeLessThanOrEqual(LOGITS_BUDGET_BYTES);
    expect(prefillChunkTokens(151_936, 2)).toBe(329);
    expect(prefillChunkTokens(49_280, 4)).toBe(507); // SmolVLM
    expect(prefillChunkTokens(100, 4)).toBe(1024);
    expect(prefillChunkTokens(1e12, 4)).toBe(1);
  });

  it('picks greedily, applies the repetition penalty, and refuses non-finite logits', () => {
    expect(pickToken(new Float32Array([0.1, 2, -1]))).toBe(1);
    expect(pickToken(new Float32Array([0.1, 2, 1.5]), new Set([1]), 2)).toBe(2);
    expect(() => pickToken(new Float32Array([0.1, Number.NaN, 1]))).toThrow(NonFiniteLogitsError);
    expect(() => pickToken(new Float32Array([Number.POSITIVE_INFINITY, 1]))).toThrow(NonFiniteLogitsError);
  });
});
