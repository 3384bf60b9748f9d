// Building blocks of the full-size stand-ins (scripts/standins/): seeded pseudo-random weights filled straight into
// typed arrays, the linear layers in the exports' quantisation formats, and the transformer pieces both models share
// (RMSNorm decoder with RoPE / M-RoPE, grouped-query attention over a KV cache, SwiGLU MLP, token embeddings).
//
// Real: the quantisation formats and their tensor layouts (what the exports hold and onnxruntime runs):
// - q4: onnxruntime's `MatMulNBits` (domain com.microsoft): bits 4, block_size 32, B uint8 [N, K/32, 16] (two 4-bit
//   codes per byte, low nibble first, blocks along K), scales float32 [N * K/32], zero_points uint8 packed two per
//   byte [N * ceil(K/32 / 2)], as onnxruntime's MatMul4BitsQuantizer writes them; bias, where a layer has one, is a
//   separate Add. Token embeddings: a 4-bit `GatherBlockQuantized` table (com.microsoft, block 32, packed uint8 data
//   [V, H/2], scales [V, H/32], zero points [V, H/64]) or a plain fp32 Gather (the model files say which).
// - q8: onnxruntime's dynamic int8 quantisation (`quantize_dynamic`, transformers.js' `_quantized` files): each
//   activation goes through DynamicQuantizeLinear once (shared by the layers that read it), then MatMulInteger with an
//   int8 (or uint8) per-tensor weight, Cast, and a Mul by the two scales; Gather tables int8 + DequantizeLinear.
// Stand-in: every weight value (seeded, deterministic), scaled so activations stay finite through all layers.
import { GraphBuilder } from '../fixtures/onnxBuilder.ts';

export type WeightFormat = 'q4' | 'q8';

/** The q4 block size (MatMulNBits / GatherBlockQuantized `block_size`). */
export const BLOCK = 32;
/** Standard deviation of a 4-bit code minus its zero point 8 (uniform codes 0..15). */
const Q4_STD = Math.sqrt((16 * 16 - 1) / 12);
/** Standard deviation of a uniform int8 code. */
const Q8_STD = Math.sqrt((256 * 256 - 1) / 12);

/** xorshift32: a fast seeded generator that fills typed arrays directly (a gigabyte in about a second). */
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = Math.imul(seed + 1, 0x9e3779b1) | 0 || 1;
  }

  /** `length` pseudo-random bytes. */
  bytes(length: number): Uint8Array {
    const words = new Uint32Array(Math.ceil(length / 4));
    let s = this.s;
    for (let i = 0; i < words.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      words[i] = s;
    }
    this.s = s;
    return new Uint8Array(words.buffer, 0, length);
  }

  /** `length` floats uniform in [center - spread, center + spread). */
  floats(length: number, spread: number, center = 0): Float32Array {
    const out = new Float32Array(length);
    let s = this.s;
    const k = (2 * spread) / 4294967296;
    for (let i = 0; i < length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[i] = center - spread + (s >>> 0) * k;
    }
    this.s = s;
    return out;
  }
}

export interface LinearOptions {
  /** A bias vector (added by a separate Add, as the quantised exports keep it). */
  bias?: boolean;
  /** Weight standard deviation times sqrt(K) (1 keeps the output's scale near the input's). */
  gain?: number;
  /** Name of the output (default: generated). */
  output?: string;
}

/**
 * A GraphBuilder with seeded weights in one quantisation format: each weight tensor draws from its own generator
 * (seeded by the graph seed and a counter), so a graph is the same bytes every time it is built.
 */
export class Net {
  readonly g: GraphBuilder;
  private tensors = 0;
  /** Activations already quantised for q8 MatMulInteger (one DynamicQuantizeLinear per activation, as the quantizer does). */
  private quantised = new Map<string, [q: string, scale: string, zeroPoint: string]>();

  constructor(
    name: string,
    private readonly seed: number,
    readonly format: WeightFormat,
    /** q8 weight type: int8, or uint8 for a graph with a Conv (transformers.js' quantize.py picks QUInt8 then). */
    readonly q8Weights: 'int8' | 'uint8' = 'int8',
    /** MatMulNBits `accuracy_level` (left out by transformers.js' quantize.py: onnxruntime computes in fp32). */
    readonly accuracyLevel?: number,
  ) {
    this.g = new GraphBuilder(name);
  }

  /** A fresh generator for the next weight tensor. */
  rng(): Rng {
    return new Rng(this.seed * 1_000_003 + this.tensors++);
  }

  i64(data: number[], dims: number[] = [data.length]): string {
    return this.g.i64(data, dims);
  }

  f32(data: number[], dims: number[] = [data.length]): string {
    return this.g.f32(data, dims);
  }

  scalar(v: number): string {
    return this.g.f32([v], []);
  }

  /** An fp32 weight tensor, uniform in center ± spread. */
  weight(dims: number[], spread: number, center = 0): string {
    const n = dims.reduce((a, b) => a * b, 1);
    return this.g.init({ type: 'float32', dims, data: this.rng().floats(n, spread, center) });
  }

  /** y = x·W (+ b), W [K, N] in the graph's format. */
  linear(x: string, K: number, N: number, opts: LinearOptions = {}): string {
    const gain = opts.gain ?? 1;
    const out = opts.bias ? undefined : opts.output;
    const y = this.format === 'q4' ? this.matMulNBits(x, K, N, gain, out) : this.matMulInteger(x, K, N, gain, out);
    if (!opts.bias) return y;
    return this.g.op('Add', [y, this.weight([N], 0.02)], {}, opts.output ? [opts.output] : undefined);
  }

  private matMulNBits(x: string, K: number, N: number, gain: number, output?: string): string {
    if (K % BLOCK) throw new Error(`MatMulNBits: K=${K} is not a multiple of ${BLOCK}`);
    const blocks = K / BLOCK;
    const codes = this.g.init({ type: 'uint8', dims: [N, blocks, BLOCK / 2], data: this.rng().bytes(N * K * 0.5) });
    const scale = gain / (Q4_STD * Math.sqrt(K));
    const scales = this.g.init({ type: 'float32', dims: [N * blocks], data: this.rng().floats(N * blocks, 0.25 * scale, scale) });
    // Zero points 8 in both nibbles (the symmetric middle); the exports store them although the codes are centred.
    const zeroPoints = this.g.init({ type: 'uint8', dims: [N * Math.ceil(blocks / 2)], data: new Uint8Array(N * Math.ceil(blocks / 2)).fill(0x88) });
    const attrs: Record<string, number> = { K, N, bits: 4, block_size: BLOCK };
    if (this.accuracyLevel !== undefined) attrs.accuracy_level = this.accuracyLevel;
    return this.g.msOp('MatMulNBits', [x, codes, scales, zeroPoints], attrs, output ? [output] : undefined);
  }

  /** DynamicQuantizeLinear of an activation, once per activation. */
  private quantise(x: string): [string, string, string] {
    let q = this.quantised.get(x);
    if (!q) {
      q = [`${x}_quantized`, `${x}_scale`, `${x}_zero_point`];
      this.g.op('DynamicQuantizeLinear', [x], {}, q);
      this.quantised.set(x, q);
    }
    return q;
  }

  private matMulInteger(x: string, K: number, N: number, gain: number, output?: string): string {
    const [xq, xScale, xZero] = this.quantise(x);
    const signed = this.q8Weights === 'int8';
    const w = this.g.init({
      type: this.q8Weights,
      dims: [K, N],
      data: signed ? new Int8Array(this.rng().bytes(K * N).buffer, 0, K * N) : this.rng().bytes(K * N),
    });
    const wZero = this.g.init({ type: this.q8Weights, dims: [], data: [signed ? 0 : 128] });
    const wScale = this.scalar(gain / (Q8_STD * Math.sqrt(K)));
    const acc = this.g.op('Cast', [this.g.op('MatMulInteger', [xq, w, xZero, wZero])], { to: 1 });
    return this.g.op('Mul', [acc, this.g.op('Mul', [xScale, wScale])], {}, output ? [output] : undefined);
  }

  /** RMSNorm over the last axis (onnxruntime's SimplifiedLayerNormalization, as the exports' fused graphs have it). */
  rmsNorm(x: string, dim: number, eps = 1e-6): string {
    return this.g.op('SimplifiedLayerNormalization', [x, this.weight([dim], 0.1, 1)], { axis: -1, epsilon: eps });
  }

  /** LayerNorm over the last axis. */
  layerNorm(x: string, dim: number, eps = 1e-6): string {
    return this.g.op('LayerNormalization', [x, this.weight([dim], 0.1, 1), this.weight([dim], 0.02)], { axis: -1, epsilon: eps });
  }

  /** GELU, tanh approximation (SigLIP's and Qwen3-VL's vision MLPs: gelu_pytorch_tanh). */
  geluTanh(x: string): string {
    return this.g.msOp('FastGelu', [x]);
  }

  /** GELU, exact (erf). */
  gelu(x: string): string {
    return this.g.msOp('Gelu', [x]);
  }

  /** Scalar dimension `axis` of `x`'s shape, int64 [1]. */
  dim(x: string, axis: number): string {
    return this.g.op('Gather', [this.g.op('Shape', [x]), this.i64([axis])], { axis: 0 });
  }

  /**
   * Rotates `x` [..., D] by RoPE with the given cos / sin (broadcastable to x): x·cos + rotate_half(x)·sin, with
   * rotate_half(x) = [-x2, x1] (the halves of the last axis), as the HF models compute it.
   */
  rope(x: string, cos: string, sin: string, D: number): string {
    const x1 = `${x}_half1`;
    const x2 = `${x}_half2`;
    this.g.op('Split', [x, this.i64([D / 2, D / 2])], { axis: -1 }, [x1, x2]);
    const rotated = this.g.op('Concat', [this.g.op('Neg', [x2]), x1], { axis: -1 });
    return this.g.op('Add', [this.g.op('Mul', [x, cos]), this.g.op('Mul', [rotated, sin])]);
  }

  /**
   * Full (bidirectional) multi-head attention of a vision tower, standard ops: q, k, v [B, P, heads·D] ->
   * [B, P, heads·D]; `bias` (optional) is added to the scores [B, heads, P, P] (a padding mask).
   */
  fullAttention(q: string, k: string, v: string, heads: number, D: number, bias?: string): string {
    const g = this.g;
    const split = (t: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, this.i64([0, 0, heads, D])])], { perm });
    const qh = split(q, [0, 2, 1, 3]); // [B, h, P, D]
    const kt = split(k, [0, 2, 3, 1]); // [B, h, D, P]
    const vh = split(v, [0, 2, 1, 3]);
    let scores = g.op('Mul', [g.op('MatMul', [qh, kt]), this.scalar(1 / Math.sqrt(D))]);
    if (bias) scores = g.op('Add', [scores, bias]);
    const attn = g.op('Softmax', [scores], { axis: -1 });
    return g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [attn, vh])], { perm: [0, 2, 1, 3] }), this.i64([0, 0, heads * D])]);
  }
}

/** Llama-style decoder sizes (SmolLM2 and Qwen3 share the layout; Qwen3 adds q/k norms). */
export interface DecoderDims {
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
  ropeTheta: number;
}

export interface DecoderSpec {
  name: string;
  seed: number;
  dims: DecoderDims;
  format: WeightFormat;
  /** `flat`: position_ids [B, S] (Llama); `mrope`: [3, B, S], rotary frequencies in three sections (t, h, w). */
  positions: { kind: 'flat' } | { kind: 'mrope'; section: [number, number, number] };
  /** Qwen3's per-head RMSNorm of q and k before the rotation. */
  qkNorm: boolean;
  /**
   * `gqa`: onnxruntime's GroupQueryAttention (com.microsoft), which concatenates the KV cache itself, as fused
   * exports do; `matmul`: standard ops (MatMul, Softmax, a causal mask over past + current, Concat for the cache),
   * as a plain torch export has it. Both compute the same attention with the same work per token.
   */
  attention: 'gqa' | 'matmul';
  accuracyLevel?: number;
}

/**
 * The decoder (`decoder_model_merged`): inputs_embeds [B, S, H], attention_mask [B, T], position_ids, past KV per
 * layer [B, kvHeads, past, D] -> logits [B, S, vocab] and present KV [B, kvHeads, T, D].
 */
export function decoderGraph(spec: DecoderSpec): GraphBuilder {
  const { layers: L, hidden: H, heads: NH, kvHeads: KVH, headDim: D, intermediate: I, vocab: V } = spec.dims;
  const net = new Net(spec.name, spec.seed, spec.format, 'int8', spec.accuracyLevel);
  const g = net.g;
  g.input('inputs_embeds', 'float32', ['batch_size', 'sequence_length', H]);
  g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  g.input('position_ids', 'int64', spec.positions.kind === 'mrope' ? [3, 'batch_size', 'sequence_length'] : ['batch_size', 'sequence_length']);
  for (let i = 0; i < L; i++) {
    for (const kv of ['key', 'value']) g.input(`past_key_values.${i}.${kv}`, 'float32', ['batch_size', KVH, 'past_sequence_length', D]);
  }
  g.output('logits', 'float32', ['batch_size', 'sequence_length', V]);
  for (let i = 0; i < L; i++) {
    for (const kv of ['key', 'value']) g.output(`present.${i}.${kv}`, 'float32', ['batch_size', KVH, 'total_sequence_length', D]);
  }

  // Rotary angles [B, S, D/2] from the positions, then cos / sin [B, S, 1, D] (broadcast over heads).
  const half = D / 2;
  const invFreq = Array.from({ length: half }, (_, i) => spec.dims.ropeTheta ** ((-2 * i) / D));
  let angles: string;
  if (spec.positions.kind === 'flat') {
    angles = g.op('Mul', [g.op('Unsqueeze', [g.op('Cast', ['position_ids'], { to: 1 }), net.i64([-1])]), net.f32(invFreq)]);
  } else {
    // M-RoPE: frequency i takes its angle from the temporal, height or width row, by contiguous sections.
    const [t, h] = spec.positions.section;
    const masks = [0, 1, 2].flatMap((row) => invFreq.map((_, i) => ((i < t ? 0 : i < t + h ? 1 : 2) === row ? 1 : 0)));
    const all = g.op('Mul', [g.op('Unsqueeze', [g.op('Cast', ['position_ids'], { to: 1 }), net.i64([-1])]), net.f32(invFreq)]); // [3, B, S, D/2]
    angles = g.op('ReduceSum', [g.op('Mul', [all, net.f32(masks, [3, 1, 1, half])]), net.i64([0])], { keepdims: 0 });
  }
  const emb = g.op('Unsqueeze', [g.op('Concat', [angles, angles], { axis: -1 }), net.i64([2])]);
  const cos = g.op('Cos', [emb]);
  const sin = g.op('Sin', [emb]);

  // Attention bookkeeping: GQA takes sequence lengths; the standard-ops path an additive causal mask.
  let seqlensK = '';
  let totalLength = '';
  let maskBias = '';
  if (spec.attention === 'gqa') {
    const valid = g.op('ReduceSum', ['attention_mask', net.i64([1])], { keepdims: 0 }); // [B]
    seqlensK = g.op('Cast', [g.op('Sub', [valid, net.i64([1], [])])], { to: 6 });
    totalLength = g.op('Cast', [g.op('Squeeze', [net.dim('attention_mask', 1)])], { to: 6 });
  } else {
    const one = net.i64([1], []);
    const T = g.op('Squeeze', [net.dim('attention_mask', 1)]);
    const S = g.op('Squeeze', [net.dim('inputs_embeds', 1)]);
    const keys = g.op('Range', [net.i64([0], []), T, one]);
    const queries = g.op('Range', [g.op('Sub', [T, S]), T, one]);
    const causal = g.op('LessOrEqual', [g.op('Unsqueeze', [keys, net.i64([0])]), g.op('Unsqueeze', [queries, net.i64([1])])]); // [S, T]
    const padding = g.op('Unsqueeze', [g.op('Cast', ['attention_mask'], { to: 9 }), net.i64([1, 2])]); // [B, 1, 1, T]
    const allowed = g.op('And', [causal, padding]); // [B, 1, S, T]
    // [B, 1, 1, S, T]: broadcast over KV heads and the query heads of each group.
    maskBias = g.op('Unsqueeze', [g.op('Where', [allowed, net.scalar(0), net.scalar(-1e9)]), net.i64([1])]);
  }

  const groups = NH / KVH;
  let x = 'inputs_embeds';
  for (let i = 0; i < L; i++) {
    const h = net.rmsNorm(x, H);
    let q = g.op('Reshape', [net.linear(h, H, NH * D), net.i64([0, 0, NH, D])]); // [B, S, NH, D]
    let k = g.op('Reshape', [net.linear(h, H, KVH * D), net.i64([0, 0, KVH, D])]);
    const v = net.linear(h, H, KVH * D);
    if (spec.qkNorm) {
      q = net.rmsNorm(q, D);
      k = net.rmsNorm(k, D);
    }
    q = net.rope(q, cos, sin, D);
    k = net.rope(k, cos, sin, D);
    const past = [`past_key_values.${i}.key`, `past_key_values.${i}.value`];
    const present = [`present.${i}.key`, `present.${i}.value`];
    let attn: string;
    if (spec.attention === 'gqa') {
      const flat = (t: string, heads: number) => g.op('Reshape', [t, net.i64([0, 0, heads * D])]);
      const out = `attn_${i}`;
      g.msOp(
        'GroupQueryAttention',
        [flat(q, NH), flat(k, KVH), v, past[0]!, past[1]!, seqlensK, totalLength],
        { num_heads: NH, kv_num_heads: KVH, scale: 1 / Math.sqrt(D) },
        [out, present[0]!, present[1]!],
      );
      attn = out;
    } else {
      const kNew = g.op('Transpose', [k], { perm: [0, 2, 1, 3] }); // [B, KVH, S, D]
      const vNew = g.op('Transpose', [g.op('Reshape', [v, net.i64([0, 0, KVH, D])])], { perm: [0, 2, 1, 3] });
      const keys = g.op('Concat', [past[0]!, kNew], { axis: 2 }, [present[0]!]); // [B, KVH, T, D]
      const values = g.op('Concat', [past[1]!, vNew], { axis: 2 }, [present[1]!]);
      // Query heads by KV group: [B, KVH, G, S, D] against [B, KVH, 1, D, T] (no copies of the cache).
      const qg = g.op('Transpose', [g.op('Reshape', [q, net.i64([0, 0, KVH, groups, D])])], { perm: [0, 2, 3, 1, 4] });
      const kt = g.op('Unsqueeze', [g.op('Transpose', [keys], { perm: [0, 1, 3, 2] }), net.i64([2])]);
      const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [qg, kt]), net.scalar(1 / Math.sqrt(D))]), maskBias]);
      const probs = g.op('Softmax', [scores], { axis: -1 });
      const o = g.op('MatMul', [probs, g.op('Unsqueeze', [values, net.i64([2])])]); // [B, KVH, G, S, D]
      attn = g.op('Reshape', [g.op('Transpose', [o], { perm: [0, 3, 1, 2, 4] }), net.i64([0, 0, NH * D])]);
    }
    x = g.op('Add', [x, net.linear(attn, NH * D, H)]);
    const h2 = net.rmsNorm(x, H);
    const gate = net.linear(h2, H, I);
    const up = net.linear(h2, H, I);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]); // SiLU(gate) · up
    x = g.op('Add', [x, net.linear(act, I, H)]);
  }
  net.linear(net.rmsNorm(x, H), H, V, { output: 'logits' });
  return g;
}

/**
 * Token embeddings (`embed_tokens`): input_ids [B, S] -> inputs_embeds [B, S, H]. `fp32`: plain Gather (what
 * MatMul-only 4-bit quantisation leaves); `gbq4`: 4-bit GatherBlockQuantized; `q8`: int8 table + DequantizeLinear.
 */
export function embedGraph(name: string, seed: number, vocab: number, hidden: number, kind: 'fp32' | 'gbq4' | 'q8'): GraphBuilder {
  const net = new Net(name, seed, kind === 'q8' ? 'q8' : 'q4');
  const g = net.g;
  g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.output('inputs_embeds', 'float32', ['batch_size', 'sequence_length', hidden]);
  const spread = 0.05;
  if (kind === 'fp32') {
    g.op('Gather', [net.weight([vocab, hidden], spread), 'input_ids'], { axis: 0 }, ['inputs_embeds']);
  } else if (kind === 'gbq4') {
    if (hidden % BLOCK) throw new Error(`GatherBlockQuantized: hidden ${hidden} is not a multiple of ${BLOCK}`);
    const blocks = hidden / BLOCK;
    const data = g.init({ type: 'uint8', dims: [vocab, hidden / 2], data: net.rng().bytes((vocab * hidden) / 2) });
    const scale = spread / Q4_STD;
    const scales = g.init({ type: 'float32', dims: [vocab, blocks], data: net.rng().floats(vocab * blocks, 0.25 * scale, scale) });
    const zp = Math.ceil(blocks / 2);
    const zeroPoints = g.init({ type: 'uint8', dims: [vocab, zp], data: new Uint8Array(vocab * zp).fill(0x88) });
    g.msOp('GatherBlockQuantized', [data, 'input_ids', scales, zeroPoints], { bits: 4, block_size: BLOCK, gather_axis: 0, quantize_axis: 1 }, [
      'inputs_embeds',
    ]);
  } else {
    const table = g.init({ type: 'int8', dims: [vocab, hidden], data: new Int8Array(net.rng().bytes(vocab * hidden).buffer, 0, vocab * hidden) });
    const rows = g.op('Gather', [table, 'input_ids'], { axis: 0 });
    g.op('DequantizeLinear', [rows, net.scalar(spread / Q8_STD), g.init({ type: 'int8', dims: [], data: [0] })], {}, ['inputs_embeds']);
  }
  return g;
}
