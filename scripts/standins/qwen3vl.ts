// Full-size stand-in of `onnx-community/Qwen3-VL-2B-Instruct-ONNX` (the quality tier's VLM), for measuring speed and
// memory without the real weights: the same graphs, sizes and operators as the q4 export, random weights.
//
// Real: every dimension (text: 28 layers, hidden 2048, 16 heads / 8 KV heads of 128, SwiGLU 6144, vocab 151936,
// RMSNorm with Qwen3's per-head q/k norms, M-RoPE with sections [24, 20, 20] over position_ids [3, B, S], rope theta
// 5e6, lm_head a separate copy of the tied table; vision: 24 layers, hidden 1024, 16 heads, MLP 4096, GELU-tanh,
// LayerNorm, a Conv3D patch embedding over 2 x 16 x 16 x 3 = 1536 values per patch row, a 2-D rotary over patch rows
// and columns, learned position embeddings (48 x 48) interpolated from 4 neighbours, and the 2 x 2 merger: 4 patches
// -> 4096 -> GELU MLP -> 2048), the ONNX file names and I/O (src/models/manifests/qwen3vl.ts `io`), the weights in
// `.onnx_data` files beside each graph, and the quantisation format, which the pinned file sizes pin down exactly:
// embed_tokens_q4.onnx_data is 199,340,032 bytes = a 4-bit GatherBlockQuantized table (151936 x 2048: packed codes
// + fp32 scales per 32 + packed uint8 zero points), and decoder_model_merged_q4.onnx_data is 1,102,630,912 bytes =
// every linear including lm_head as 4-bit MatMulNBits with zero points, plus the fp32 RMSNorm weights (no rotary
// cos/sin caches: the rotation is computed from position_ids). The decoder's attention is onnxruntime's
// GroupQueryAttention (com.microsoft), which the real decoder uses, with the M-RoPE rotation applied before it (M-RoPE
// is not one of GQA's built-in rotary modes). The stand-in's two files come out at
// exactly those sizes; its vision_encoder_q4.onnx_data is 226,627,584 bytes against the real 217,952,256 (+4%: which
// of the vision tower's tensors the export keeps in fp32 is not pinned down by its size).
// Stand-in: weights (seeded random), the tokenizer (the fixture's small BPE vocabulary padded to 151936 ids), the
// vision encoder's patch positions (row-major within the image, read from image_grid_thw, where the real encoder
// walks 2 x 2 merge windows) and its attention over all patches of the call (the real one is block-diagonal by image:
// the same with one image per call, as the app sends them). DeepStack is absent, as in the export.
import { join } from 'node:path';
import { writeVlmFixture } from '../fixtures/qwen3vl.ts';
import type { GraphBuilder } from '../fixtures/onnxBuilder.ts';
import { type DecoderDims, Net, decoderGraph, embedGraph } from './graph.ts';
import { fixtureTextFiles, padTokenizer, textConfigDims, type StandinOptions, type WrittenFile, writeGraph, writeTextFiles } from './repo.ts';

export const QWEN3VL_STANDIN_REPO = 'onnx-community/Qwen3-VL-2B-Instruct-ONNX';

export interface Qwen3VlDims {
  text: DecoderDims;
  /** M-RoPE: rotary frequencies per position row (temporal, height, width); sums to headDim / 2. */
  mropeSection: [number, number, number];
  vision: {
    layers: number;
    hidden: number;
    heads: number;
    intermediate: number;
    patch: number;
    temporalPatch: number;
    merge: number;
    /** Learned position embeddings: a side x side grid. */
    positionSide: number;
  };
}

/** The real model's dimensions. */
export const QWEN3VL_DIMS: Qwen3VlDims = {
  text: { layers: 28, hidden: 2048, heads: 16, kvHeads: 8, headDim: 128, intermediate: 6144, vocab: 151936, ropeTheta: 5_000_000 },
  mropeSection: [24, 20, 20],
  vision: { layers: 24, hidden: 1024, heads: 16, intermediate: 4096, patch: 16, temporalPatch: 2, merge: 2, positionSide: 48 },
};

/**
 * The vision encoder: pixel_values [P, 3·tp·p·p] + image_grid_thw [images, 3] -> image_features [P / merge², text hidden].
 */
export function qwenVisionGraph(d: Qwen3VlDims, seed: number, accuracyLevel?: number): GraphBuilder {
  const { layers, hidden: E, heads, intermediate, patch: p, temporalPatch: tp, merge, positionSide: side } = d.vision;
  const patchDim = 3 * tp * p * p;
  const Dh = E / heads;
  const net = new Net('qwen3_vl_vision_encoder_standin', seed, 'q4', 'int8', accuracyLevel);
  const g = net.g;
  g.input('pixel_values', 'float32', ['num_patches', patchDim]);
  g.input('image_grid_thw', 'int64', ['num_images', 3]);
  g.output('image_features', 'float32', ['num_image_tokens', d.text.hidden]);

  // Patch embedding: Conv3D over (tp, p, p) with stride the kernel, fp32 (as in the export).
  const cubes = g.op('Reshape', ['pixel_values', net.i64([-1, 3, tp, p, p])]);
  const conv = g.op('Conv', [cubes, net.weight([E, 3, tp, p, p], 1 / Math.sqrt(patchDim)), net.weight([E], 0.02)], {
    kernel_shape: [tp, p, p],
    strides: [tp, p, p],
  }); // [P, E, 1, 1, 1]
  let x = g.op('Unsqueeze', [g.op('Reshape', [conv, net.i64([-1, E])]), net.i64([0])]); // [1, P, E]

  // Patch row / column from the first image's grid width.
  const one = net.i64([1], []);
  const count = g.op('Squeeze', [net.dim('pixel_values', 0)]);
  const index = g.op('Range', [net.i64([0], []), count, one]); // [P]
  const width = g.op('Gather', [g.op('Gather', ['image_grid_thw', net.i64([0], [])], { axis: 0 }), net.i64([2], [])], { axis: 0 });
  const row = g.op('Div', [index, width]);
  const col = g.op('Mod', [index, width], { fmod: 0 });

  // Learned position embeddings, bilinear from the 4 neighbours on the side x side grid.
  const table = net.weight([side * side, E], 0.02);
  const clamp = (t: string) => g.op('Min', [t, net.i64([side - 1], [])]);
  const r0 = clamp(row);
  const c0 = clamp(col);
  const r1 = clamp(g.op('Add', [row, one]));
  const c1 = clamp(g.op('Add', [col, one]));
  const at = (r: string, c: string) => g.op('Gather', [table, g.op('Add', [g.op('Mul', [r, net.i64([side], [])]), c])], { axis: 0 });
  const corners = [at(r0, c0), at(r0, c1), at(r1, c0), at(r1, c1)].map((t, i) => g.op('Mul', [t, net.scalar([0.4, 0.1, 0.3, 0.2][i]!)]));
  x = g.op('Add', [x, g.op('Sum', corners)]);

  // 2-D rotary: the first half of the frequencies turns with the row, the second with the column.
  const quarter = Dh / 4;
  const invFreq = net.f32(Array.from({ length: quarter }, (_, i) => 10000 ** ((-2 * i) / (Dh / 2))));
  const angle = (t: string) => g.op('Mul', [g.op('Unsqueeze', [g.op('Cast', [t], { to: 1 }), net.i64([-1])]), invFreq]); // [P, Dh/4]
  const half = g.op('Concat', [angle(row), angle(col)], { axis: -1 }); // [P, Dh/2]
  const emb = g.op('Reshape', [g.op('Concat', [half, half], { axis: -1 }), net.i64([1, -1, 1, Dh])]); // [1, P, 1, Dh]
  const cos = g.op('Cos', [emb]);
  const sin = g.op('Sin', [emb]);
  const rotate = (t: string) => g.op('Reshape', [net.rope(g.op('Reshape', [t, net.i64([0, 0, heads, Dh])]), cos, sin, Dh), net.i64([0, 0, E])]);

  for (let i = 0; i < layers; i++) {
    const h = net.layerNorm(x, E);
    const [q, k, v] = [`qkv_${i}_q`, `qkv_${i}_k`, `qkv_${i}_v`];
    g.op('Split', [net.linear(h, E, 3 * E, { bias: true }), net.i64([E, E, E])], { axis: -1 }, [q, k, v]);
    const attn = net.fullAttention(rotate(q), rotate(k), v, heads, Dh);
    x = g.op('Add', [x, net.linear(attn, E, E, { bias: true })]);
    const h2 = net.layerNorm(x, E);
    x = g.op('Add', [x, net.linear(net.geluTanh(net.linear(h2, E, intermediate, { bias: true })), intermediate, E, { bias: true })]);
  }

  // Merger: norm, 2 x 2 patches (consecutive rows) -> one token, MLP to the text hidden size.
  const M = merge * merge * E;
  const merged = g.op('Reshape', [net.layerNorm(x, E), net.i64([-1, M])]);
  const fc1 = net.gelu(net.linear(merged, M, M, { bias: true }));
  net.linear(fc1, M, d.text.hidden, { bias: true, output: 'image_features' });
  return g;
}

export function qwenDecoderGraph(d: Qwen3VlDims, seed: number, attention: 'gqa' | 'matmul' = 'gqa', accuracyLevel?: number): GraphBuilder {
  return decoderGraph({
    accuracyLevel,
    name: 'qwen3_vl_decoder_standin',
    seed,
    dims: d.text,
    format: 'q4',
    positions: { kind: 'mrope', section: d.mropeSection },
    qkNorm: true,
    attention,
  });
}

export function qwenEmbedGraph(d: Qwen3VlDims, seed: number): GraphBuilder {
  return embedGraph('qwen3_vl_embed_tokens_standin', seed, d.text.vocab, d.text.hidden, 'gbq4');
}

/** The configs, chat template and tokenizer: the fixture's files with the real dimensions. */
async function textFiles(d: Qwen3VlDims): Promise<Record<string, string>> {
  const names = ['config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja'];
  const files = await fixtureTextFiles(writeVlmFixture, names);
  const json = (o: unknown) => JSON.stringify(o, null, 2);
  const config = JSON.parse(files['config.json']!);
  const t = d.text;
  const v = d.vision;
  delete config.room3r_fixture;
  Object.assign(config.text_config, {
    ...textConfigDims(t),
    rope_scaling: { mrope_interleaved: true, mrope_section: d.mropeSection, rope_type: 'default' },
    rms_norm_eps: 1e-6,
    hidden_act: 'silu',
    tie_word_embeddings: true,
  });
  Object.assign(config.vision_config, {
    hidden_size: v.hidden,
    intermediate_size: v.intermediate,
    out_hidden_size: t.hidden,
    depth: v.layers,
    num_heads: v.heads,
    patch_size: v.patch,
    temporal_patch_size: v.temporalPatch,
    spatial_merge_size: v.merge,
    num_position_embeddings: v.positionSide ** 2,
    hidden_act: 'gelu_pytorch_tanh',
  });
  config.room3r_standin = true;
  const pre = JSON.parse(files['preprocessor_config.json']!);
  // The real pixel bounds (the app caps frames itself with maxPixelsPerFrame).
  pre.size = { shortest_edge: 65536, longest_edge: 16777216 };
  return { ...files, 'config.json': json(config), 'preprocessor_config.json': json(pre), 'tokenizer.json': padTokenizer(files['tokenizer.json']!, t.vocab) };
}

/** Writes the stand-in repo under `modelsRoot/<repo>/` (the q4 set, external data); returns the files written. */
export async function writeQwen3VlStandin(modelsRoot: string, options: StandinOptions<Qwen3VlDims> = {}): Promise<WrittenFile[]> {
  const { dims: d = QWEN3VL_DIMS, log = () => {}, accuracyLevel } = options;
  const dir = join(modelsRoot, QWEN3VL_STANDIN_REPO);
  const written = writeTextFiles(dir, await textFiles(d));
  const doc = (what: string) => `Room3R stand-in of the Qwen3-VL-2B ${what} (q4, real dimensions, random weights).`;
  const graphs: [string, () => GraphBuilder][] = [
    ['vision_encoder', () => qwenVisionGraph(d, 11, accuracyLevel)],
    ['embed_tokens', () => qwenEmbedGraph(d, 12)],
    ['decoder_model_merged', () => qwenDecoderGraph(d, 13, 'gqa', accuracyLevel)],
  ];
  // One graph at a time: its weights are dropped before the next is built.
  for (const [name, build] of graphs) {
    const started = performance.now();
    const files = writeGraph(dir, `onnx/${name}_q4.onnx`, build(), doc(name), true);
    log(`  ${files.map((f) => `${f.path} ${(f.bytes / 1e6).toFixed(1)} MB`).join(', ')} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    written.push(...files);
  }
  return written;
}
