// The stand-in generators (scripts/standins/) at scaled-down dimensions (2 text layers, small hidden sizes, the real
// vocabularies and image sizes): every graph's I/O names, element types and ranks match the manifests' `io`
// (src/models/manifests/), each graph runs one forward pass in onnxruntime-node with finite outputs that depend on
// the inputs, a prompt fed in two chunks through the KV cache gives the logits of one pass, GroupQueryAttention
// and the standard-ops attention agree, and a written repo has configs and a tokenizer that fit the graphs.
// Real: names, types, ranks, operators and quantisation formats. Stand-in: dimensions (scaled down), weights.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { OnnxInterface } from '../../src/models/manifest';
import { qwen3vlManifest } from '../../src/models/manifests/qwen3vl';
import { smolvlmManifest } from '../../src/models/manifests/smolvlm';
import type { GraphBuilder } from '../fixtures/onnxBuilder';
import { type Qwen3VlDims, qwenDecoderGraph, qwenEmbedGraph, qwenVisionGraph, writeQwen3VlStandin } from './qwen3vl';
import { writeGraph } from './repo';
import { type SmolVlmDims, smolDecoderGraph, smolEmbedGraph, smolVisionGraph, writeSmolVlmStandin } from './smolvlm';

const SMOL: SmolVlmDims = {
  text: { layers: 2, hidden: 64, heads: 3, kvHeads: 1, headDim: 32, intermediate: 128, vocab: 49280, ropeTheta: 100000 },
  vision: { layers: 1, hidden: 32, heads: 2, intermediate: 64, imageSide: 512, patch: 16, scaleFactor: 4 },
};
const QWEN: Qwen3VlDims = {
  text: { layers: 2, hidden: 128, heads: 4, kvHeads: 2, headDim: 32, intermediate: 256, vocab: 151936, ropeTheta: 5e6 },
  mropeSection: [6, 5, 5],
  vision: { layers: 1, hidden: 64, heads: 2, intermediate: 128, patch: 16, temporalPatch: 2, merge: 2, positionSide: 48 },
};

const tmp = mkdtempSync(join(tmpdir(), 'room3r-standins-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Feeds = Record<string, ort.Tensor>;

async function session(graph: GraphBuilder, external = false): Promise<ort.InferenceSession> {
  if (!external) return ort.InferenceSession.create(graph.toBytes());
  const file = `${graph.name}.onnx`;
  writeGraph(tmp, file, graph, '', true);
  return ort.InferenceSession.create(join(tmp, file));
}

/**
 * The session's inputs and outputs have the manifest's names, element types and ranks (and fixed vs symbolic dims);
 * with `layers`, the KV cache entries of the first `layers` layers only (the scaled-down decoders).
 */
function expectInterface(s: ort.InferenceSession, full: OnnxInterface, layers = Infinity): void {
  const kept = (t: { name: string }) => Number(/\.(\d+)\./.exec(t.name)?.[1] ?? -1) < layers;
  const io = { inputs: full.inputs.filter(kept), outputs: full.outputs.filter(kept) };
  const side = (meta: readonly ort.InferenceSession.ValueMetadata[], specs: OnnxInterface['inputs']) => {
    expect(meta.map((m) => m.name).sort()).toEqual(specs.map((t) => t.name).sort());
    for (const spec of specs) {
      const m = meta.find((x) => x.name === spec.name) as ort.InferenceSession.TensorValueMetadata;
      expect(m.type, spec.name).toBe(spec.type);
      expect(
        m.shape.map((d) => typeof d),
        spec.name,
      ).toEqual(spec.shape.map((d) => typeof d));
    }
  };
  side(s.inputMetadata, io.inputs);
  side(s.outputMetadata, io.outputs);
}

const floats = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233));
const ints = (values: number[]) => BigInt64Array.from(values.map(BigInt));

function expectFinite(t: ort.Tensor): Float32Array {
  const data = t.data as Float32Array;
  expect(data.every(Number.isFinite)).toBe(true);
  return data;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Feeds for a decoder call: `S` new tokens after `past` cached ones (empty past tensors when `cache` is absent). */
function decoderFeeds(
  dims: { hidden: number; layers: number; kvHeads: number; headDim: number },
  mrope: boolean,
  embeds: Float32Array,
  past: number,
  cache?: Record<string, ort.Tensor>,
): Feeds {
  const S = embeds.length / dims.hidden;
  const positions = Array.from({ length: S }, (_, i) => past + i);
  const feeds: Feeds = {
    inputs_embeds: new ort.Tensor('float32', embeds, [1, S, dims.hidden]),
    attention_mask: new ort.Tensor('int64', ints(Array(past + S).fill(1)), [1, past + S]),
    position_ids: mrope
      ? new ort.Tensor('int64', ints([...positions, ...positions, ...positions]), [3, 1, S])
      : new ort.Tensor('int64', ints(positions), [1, S]),
  };
  for (let i = 0; i < dims.layers; i++) {
    for (const kv of ['key', 'value']) {
      feeds[`past_key_values.${i}.${kv}`] = cache?.[`present.${i}.${kv}`] ?? new ort.Tensor('float32', new Float32Array(0), [1, dims.kvHeads, 0, dims.headDim]);
    }
  }
  return feeds;
}

/**
 * Runs a decoder over 8 tokens at once and as 5 + 3 through the cache: the same logits (within `tolerance`: q8
 * quantises each call's activations with their own range), which depend on the input.
 */
async function checkDecoder(
  s: ort.InferenceSession,
  dims: { hidden: number; layers: number; kvHeads: number; headDim: number; vocab: number },
  mrope: boolean,
  tolerance = 1e-3,
) {
  const H = dims.hidden;
  const embeds = floats(8 * H, 1);
  const whole = await s.run(decoderFeeds(dims, mrope, embeds, 0));
  expect(whole.logits!.dims).toEqual([1, 8, dims.vocab]);
  expect(whole['present.1.value']!.dims).toEqual([1, dims.kvHeads, 8, dims.headDim]);
  const logits = expectFinite(whole.logits!);
  const first = await s.run(decoderFeeds(dims, mrope, embeds.slice(0, 5 * H), 0));
  const second = await s.run(decoderFeeds(dims, mrope, embeds.slice(5 * H), 5, first));
  expect(second.logits!.dims).toEqual([1, 3, dims.vocab]);
  expect(maxDiff(second.logits!.data as Float32Array, logits.slice(5 * dims.vocab))).toBeLessThan(tolerance);
  const other = await s.run(decoderFeeds(dims, mrope, floats(8 * H, 2), 0));
  expect(maxDiff(other.logits!.data as Float32Array, logits)).toBeGreaterThan(1e-2);
  return whole;
}

describe('SmolVLM-256M stand-in (scaled down)', () => {
  const io = smolvlmManifest.io;
  for (const format of ['q4', 'q8'] as const) {
    it(`${format}: the vision encoder takes frames and masks and gives 64 tokens per frame, masked frames differ`, async () => {
      const s = await session(smolVisionGraph(SMOL, format, 1));
      expectInterface(s, io.vision_encoder!);
      const px = 3 * 512 * 512;
      const mask = new Uint8Array(2 * 512 * 512).fill(1);
      mask.fill(0, 512 * 512 + 256 * 512); // the second frame's lower half is padding
      const run = (seed: number) =>
        s.run({
          pixel_values: new ort.Tensor('float32', floats(2 * px, seed), [1, 2, 3, 512, 512]),
          pixel_attention_mask: new ort.Tensor('bool', mask, [1, 2, 512, 512]),
        });
      const out = await run(1);
      expect(out.image_features!.dims).toEqual([2, 64, SMOL.text.hidden]);
      const a = expectFinite(out.image_features!);
      expect(maxDiff(a, (await run(2)).image_features!.data as Float32Array)).toBeGreaterThan(1e-3);
    });

    it(`${format}: token embeddings and the decoder (KV cache, chunked prompt)`, async () => {
      const embed = await session(smolEmbedGraph(SMOL, format, 2));
      expectInterface(embed, io.embed_tokens!);
      const ids = await embed.run({ input_ids: new ort.Tensor('int64', ints([0, 49279, 7]), [1, 3]) });
      expect(ids.inputs_embeds!.dims).toEqual([1, 3, SMOL.text.hidden]);
      const e = expectFinite(ids.inputs_embeds!);
      expect(maxDiff(e.slice(0, 64), e.slice(64, 128))).toBeGreaterThan(1e-3);
      const decoder = await session(smolDecoderGraph(SMOL, format, 3));
      expectInterface(decoder, io.decoder_model_merged!, SMOL.text.layers);
      await checkDecoder(decoder, SMOL.text, false, format === 'q8' ? 0.3 : 1e-3);
    });
  }
});

describe('Qwen3-VL-2B stand-in (scaled down, external data)', () => {
  const io = qwen3vlManifest.io;
  it('the vision encoder maps patch rows to merged tokens, depending on the pixels', async () => {
    const s = await session(qwenVisionGraph(QWEN, 11), true);
    expectInterface(s, io.vision_encoder!);
    // One 64 x 96 px image: a 4 x 6 grid of patches, 6 merged tokens.
    const run = (seed: number) =>
      s.run({ pixel_values: new ort.Tensor('float32', floats(24 * 1536, seed), [24, 1536]), image_grid_thw: new ort.Tensor('int64', ints([1, 4, 6]), [1, 3]) });
    const out = await run(1);
    expect(out.image_features!.dims).toEqual([6, QWEN.text.hidden]);
    expect(maxDiff(expectFinite(out.image_features!), (await run(2)).image_features!.data as Float32Array)).toBeGreaterThan(1e-3);
  });

  it('token embeddings: a 4-bit GatherBlockQuantized table', async () => {
    const s = await session(qwenEmbedGraph(QWEN, 12), true);
    expectInterface(s, io.embed_tokens!);
    const out = await s.run({ input_ids: new ort.Tensor('int64', ints([151935, 3]), [1, 2]) });
    expect(out.inputs_embeds!.dims).toEqual([1, 2, QWEN.text.hidden]);
    const e = expectFinite(out.inputs_embeds!);
    expect(maxDiff(e.slice(0, 128), e.slice(128))).toBeGreaterThan(1e-3);
  });

  it('the decoder (GroupQueryAttention, M-RoPE) runs chunked through the cache and agrees with standard-ops attention', async () => {
    const gqa = await session(qwenDecoderGraph(QWEN, 13), true);
    expectInterface(gqa, io.decoder_model_merged!, QWEN.text.layers);
    const a = await checkDecoder(gqa, QWEN.text, true);
    const plain = await session(qwenDecoderGraph(QWEN, 13, 'matmul'));
    const b = await checkDecoder(plain, QWEN.text, true);
    expect(maxDiff(a.logits!.data as Float32Array, b.logits!.data as Float32Array)).toBeLessThan(1e-3);
    expect(maxDiff(a['present.1.key']!.data as Float32Array, b['present.1.key']!.data as Float32Array)).toBeLessThan(1e-4);
  });
});

describe('written repos', () => {
  it('have the real-dimension configs the graphs need and a tokenizer covering the vocabulary', async () => {
    const root = join(tmp, 'models');
    const smol = await writeSmolVlmStandin(root, { dims: SMOL });
    const qwen = await writeQwen3VlStandin(root, { dims: QWEN });
    expect(smol.map((f) => f.path).filter((p) => p.startsWith('onnx/'))).toEqual(
      ['_q4', '_quantized'].flatMap((sfx) => ['vision_encoder', 'embed_tokens', 'decoder_model_merged'].map((n) => `onnx/${n}${sfx}.onnx`)),
    );
    expect(
      qwen
        .map((f) => f.path)
        .filter((p) => p.startsWith('onnx/'))
        .sort(),
    ).toEqual(qwen3vlManifest.variants[0]!.files.map((f) => f.path).sort());
    for (const v of smolvlmManifest.variants.filter((v) => v.id !== 'webgpu-q4f16')) {
      for (const f of v.files) expect(smol.map((w) => w.path)).toContain(f.path);
    }
    const read = (repo: string, file: string) => JSON.parse(readFileSync(join(root, repo, file), 'utf8'));
    const smolConfig = read(smolvlmManifest.repo, 'config.json');
    expect(smolConfig.text_config).toMatchObject({ hidden_size: 64, num_hidden_layers: 2, vocab_size: 49280 });
    expect(read(smolvlmManifest.repo, 'processor_config.json')).toEqual({ image_seq_len: 64 });
    for (const [repo, vocab] of [
      [smolvlmManifest.repo, 49280],
      [qwen3vlManifest.repo, 151936],
    ] as const) {
      const tok = read(repo, 'tokenizer.json') as { model: { vocab: Record<string, number> }; added_tokens: { id: number }[] };
      const ids = new Set([...Object.values(tok.model.vocab), ...tok.added_tokens.map((t) => t.id)]);
      expect(ids.size).toBe(vocab);
      expect([...ids].reduce((a, b) => Math.max(a, b))).toBe(vocab - 1);
    }
  });
});
