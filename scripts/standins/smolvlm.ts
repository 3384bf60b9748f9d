// Full-size stand-in of `HuggingFaceTB/SmolVLM-256M-Instruct` (the light tier's VLM), for measuring speed and memory
// without the real weights: the same graphs, sizes and operators as the transformers.js ONNX export, random weights.
//
// Real: every dimension (SmolLM2-135M text model: 30 layers, hidden 576, 9 heads / 3 KV heads of 64, SwiGLU 1536,
// vocab 49280, RMSNorm, RoPE theta 100000, untied lm_head; SigLIP-B/16 at 512 px: 12 layers, hidden 768, 12 heads,
// MLP 3072, LayerNorm, GELU-tanh; Idefics3 connector: pixel shuffle by 4 (1024 patches -> 64 tokens of 12288) and a
// linear 12288 -> 576), the ONNX file names and I/O (src/models/manifests/smolvlm.ts `io`), and the quantisation
// formats of the variants the manifest lists for Node/WASM and WebGPU-without-f16:
//   q4 (`webgpu-q4`):          onnx/{vision_encoder,embed_tokens,decoder_model_merged}_q4.onnx — MatMulNBits 4-bit
//                              linears; the embedding table and the patch convolution stay fp32 (transformers.js'
//                              quantize.py quantises MatMuls only: the hub's embed_tokens_q4 is the fp32 table's size);
//   q8 (`wasm-q8`, CPU/WASM):  onnx/*_quantized.onnx — dynamic int8 (DynamicQuantizeLinear + MatMulInteger, int8
//                              weights; the vision encoder has a Conv, so uint8 weights and a ConvInteger patch
//                              embedding, as quantize.py picks QUInt8 for graphs with a Conv); int8 embedding table.
// Weights inside each .onnx (the real export has no external data).
// Attention: standard ops (MatMul, Softmax, causal mask, Concat for the KV cache), as a plain torch export has it.
// Stand-in: weights (seeded random), the tokenizer (the fixture's small BPE vocabulary padded to 49280 ids), and the
// position embedding added as a fixed table rather than gathered by patch position ids (same cost).
import { join } from 'node:path';
import { writeSmolVlmFixture } from '../fixtures/smolvlm.ts';
import type { GraphBuilder } from '../fixtures/onnxBuilder.ts';
import { type DecoderDims, Net, type WeightFormat, decoderGraph, embedGraph } from './graph.ts';
import { fixtureTextFiles, padTokenizer, textConfigDims, type StandinOptions, type WrittenFile, writeGraph, writeTextFiles } from './repo.ts';

export const SMOLVLM_STANDIN_REPO = 'HuggingFaceTB/SmolVLM-256M-Instruct';

export interface SmolVlmDims {
  text: DecoderDims;
  vision: { layers: number; hidden: number; heads: number; intermediate: number; imageSide: number; patch: number; scaleFactor: number };
}

/** The real model's dimensions. */
export const SMOLVLM_DIMS: SmolVlmDims = {
  text: { layers: 30, hidden: 576, heads: 9, kvHeads: 3, headDim: 64, intermediate: 1536, vocab: 49280, ropeTheta: 100000 },
  vision: { layers: 12, hidden: 768, heads: 12, intermediate: 3072, imageSide: 512, patch: 16, scaleFactor: 4 },
};

/** The dtype suffixes written: the q4 set and the `_quantized` (q8) set the WASM variant loads. */
export const SMOLVLM_FORMATS: Record<string, WeightFormat> = { _q4: 'q4', _quantized: 'q8' };

/**
 * The vision encoder: pixel_values [B, N, 3, L, L] + pixel_attention_mask [B, N, L, L] -> image_features
 * [B·N, tokens, text hidden], tokens = (L / patch)² / scale².
 */
export function smolVisionGraph(d: SmolVlmDims, format: WeightFormat, seed: number, accuracyLevel?: number): GraphBuilder {
  const { layers, hidden: E, heads, intermediate, imageSide: side, patch, scaleFactor: s } = d.vision;
  const grid = side / patch;
  const P = grid * grid;
  const tokens = P / (s * s);
  const net = new Net('smolvlm_vision_encoder_standin', seed, format, 'uint8', accuracyLevel);
  const g = net.g;
  g.input('pixel_values', 'float32', ['batch_size', 'num_images', 3, side, side]);
  g.input('pixel_attention_mask', 'bool', ['batch_size', 'num_images', side, side]);
  g.output('image_features', 'float32', ['num_images', tokens, d.text.hidden]);

  // Patch embedding: a patch x patch convolution with stride patch (fp32 in the q4 export, ConvInteger in q8).
  const frames = g.op('Reshape', ['pixel_values', net.i64([-1, 3, side, side])]);
  const convAttrs = { kernel_shape: [patch, patch], strides: [patch, patch] };
  const convBias = net.weight([E], 0.02);
  let conv: string;
  if (format === 'q4') {
    conv = g.op('Conv', [frames, net.weight([E, 3, patch, patch], 1 / Math.sqrt(3 * patch * patch)), convBias], convAttrs);
  } else {
    const [xq, xs, xz] = [`${frames}_quantized`, `${frames}_scale`, `${frames}_zero_point`];
    g.op('DynamicQuantizeLinear', [frames], {}, [xq, xs, xz]);
    const w = g.init({ type: 'uint8', dims: [E, 3, patch, patch], data: net.rng().bytes(E * 3 * patch * patch) });
    const acc = g.op('ConvInteger', [xq, w, xz, g.init({ type: 'uint8', dims: [], data: [128] })], convAttrs);
    const scaled = g.op('Mul', [g.op('Cast', [acc], { to: 1 }), g.op('Mul', [xs, net.scalar(1 / (74 * Math.sqrt(3 * patch * patch)))])]);
    conv = g.op('Add', [scaled, g.op('Reshape', [convBias, net.i64([1, E, 1, 1])])]);
  }
  let x = g.op('Transpose', [g.op('Reshape', [conv, net.i64([0, E, P])])], { perm: [0, 2, 1] }); // [M, P, E]
  x = g.op('Add', [x, net.weight([P, E], 0.02)]);

  // Patches without any real pixel are masked out of the attention (SigLIP's patch_attention_mask).
  const pixelMask = g.op('Reshape', [g.op('Cast', ['pixel_attention_mask'], { to: 1 }), net.i64([-1, grid, patch, grid, patch])]);
  const patchMask = g.op('Reshape', [g.op('ReduceMax', [pixelMask], { axes: [2, 4], keepdims: 0 }), net.i64([-1, 1, 1, P])]);
  const maskBias = g.op('Mul', [g.op('Sub', [patchMask, net.scalar(1)]), net.scalar(1e4)]); // 0 or -1e4, [M, 1, 1, P]

  for (let i = 0; i < layers; i++) {
    const h = net.layerNorm(x, E);
    const q = net.linear(h, E, E, { bias: true });
    const k = net.linear(h, E, E, { bias: true });
    const v = net.linear(h, E, E, { bias: true });
    const attn = net.fullAttention(q, k, v, heads, E / heads, maskBias);
    x = g.op('Add', [x, net.linear(attn, E, E, { bias: true })]);
    const h2 = net.layerNorm(x, E);
    x = g.op('Add', [x, net.linear(net.geluTanh(net.linear(h2, E, intermediate, { bias: true })), intermediate, E, { bias: true })]);
  }
  x = net.layerNorm(x, E);

  // Idefics3 connector: pixel shuffle (grid x grid patches -> grid/s x grid/s tokens of E·s²), then a linear.
  const shuffled = [
    (t: string) => g.op('Reshape', [t, net.i64([0, grid, grid / s, E * s])]),
    (t: string) => g.op('Transpose', [t], { perm: [0, 2, 1, 3] }),
    (t: string) => g.op('Reshape', [t, net.i64([0, grid / s, grid / s, E * s * s])]),
    (t: string) => g.op('Transpose', [t], { perm: [0, 2, 1, 3] }),
    (t: string) => g.op('Reshape', [t, net.i64([0, tokens, E * s * s])]),
  ].reduce((t, step) => step(t), x);
  net.linear(shuffled, E * s * s, d.text.hidden, { output: 'image_features' });
  return g;
}

export function smolDecoderGraph(d: SmolVlmDims, format: WeightFormat, seed: number, accuracyLevel?: number): GraphBuilder {
  return decoderGraph({
    accuracyLevel,
    name: 'smolvlm_decoder_standin',
    seed,
    dims: d.text,
    format,
    positions: { kind: 'flat' },
    qkNorm: false,
    attention: 'matmul',
  });
}

export function smolEmbedGraph(d: SmolVlmDims, format: WeightFormat, seed: number): GraphBuilder {
  return embedGraph('smolvlm_embed_tokens_standin', seed, d.text.vocab, d.text.hidden, format === 'q4' ? 'fp32' : 'q8');
}

/** The configs and tokenizer: the fixture's files with the real dimensions (and a tokenizer covering the vocabulary). */
async function textFiles(d: SmolVlmDims): Promise<Record<string, string>> {
  const names = ['config.json', 'generation_config.json', 'preprocessor_config.json', 'processor_config.json', 'tokenizer.json', 'tokenizer_config.json'];
  const files = await fixtureTextFiles(writeSmolVlmFixture, names);
  const json = (o: unknown) => JSON.stringify(o, null, 2);
  const config = JSON.parse(files['config.json']!);
  const t = d.text;
  const v = d.vision;
  delete config.room3r_fixture;
  Object.assign(config.text_config, {
    ...textConfigDims(t),
    rms_norm_eps: 1e-6,
    hidden_act: 'silu',
    tie_word_embeddings: false,
  });
  config.vocab_size = t.vocab;
  config.scale_factor = v.scaleFactor;
  config.vision_config = {
    model_type: 'idefics3_vision',
    hidden_size: v.hidden,
    intermediate_size: v.intermediate,
    image_size: v.imageSide,
    patch_size: v.patch,
    num_hidden_layers: v.layers,
    num_attention_heads: v.heads,
    hidden_act: 'gelu_pytorch_tanh',
  };
  config.room3r_standin = true;
  const pre = JSON.parse(files['preprocessor_config.json']!);
  // The real values: 4x4 tiles of 512 px (the app sends one unsplit 512 px square per frame).
  pre.size = { longest_edge: 4 * v.imageSide };
  pre.max_image_size = { longest_edge: v.imageSide };
  const tokens = (v.imageSide / v.patch) ** 2 / v.scaleFactor ** 2;
  return {
    ...files,
    'config.json': json(config),
    'preprocessor_config.json': json(pre),
    'processor_config.json': json({ image_seq_len: tokens }),
    'tokenizer.json': padTokenizer(files['tokenizer.json']!, t.vocab),
  };
}

/** Writes the stand-in repo under `modelsRoot/<repo>/`; returns the files written. */
export async function writeSmolVlmStandin(modelsRoot: string, options: StandinOptions<SmolVlmDims> = {}): Promise<WrittenFile[]> {
  const { dims: d = SMOLVLM_DIMS, log = () => {}, accuracyLevel } = options;
  const dir = join(modelsRoot, SMOLVLM_STANDIN_REPO);
  const written = writeTextFiles(dir, await textFiles(d));
  const doc = (what: string, format: WeightFormat) => `Room3R stand-in of the SmolVLM-256M ${what} (${format}, real dimensions, random weights).`;
  const graphs: [string, (d: SmolVlmDims, f: WeightFormat, seed: number, accuracyLevel?: number) => GraphBuilder, number][] = [
    ['vision_encoder', smolVisionGraph, 1],
    ['embed_tokens', smolEmbedGraph, 2],
    ['decoder_model_merged', smolDecoderGraph, 3],
  ];
  for (const [suffix, format] of Object.entries(SMOLVLM_FORMATS)) {
    for (const [name, build, seed] of graphs) {
      const started = performance.now();
      const files = writeGraph(dir, `onnx/${name}${suffix}.onnx`, build(d, format, seed, accuracyLevel), doc(name, format), false);
      log(`  ${files.map((f) => `${f.path} ${(f.bytes / 1e6).toFixed(1)} MB`).join(', ')} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      written.push(...files);
    }
  }
  return written;
}
