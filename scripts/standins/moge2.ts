// Full-size stand-in of `Ruicheng/moge-2-vits-normal-onnx` (`model.onnx`, the geometry model), for measuring the
// depth model's cost per keyframe without the real weights: the graph of microsoft/MoGe's `MoGeModel.forward`
// (moge/model/v2.py, modules.py, dinov2/) as `torch.onnx.export(..., opset_version=14)` writes it with
// `onnx_compatible_mode` on (docs/onnx.md), random weights.
//
// Real (read from the MoGe sources; see docs/MODELS.md for how sure each part is):
// - I/O: `image` float32 [batch_size,3,height,width] (RGB 0..1), `num_tokens` int64 scalar -> `points` [B,H,W,3],
//   `normal` [B,H,W,3], `mask` [B,H,W], `metric_scale` [B] (src/models/manifests/moge2.ts `io`).
// - Token grid from num_tokens in the graph: base_h = round(√(n/aspect)), base_w = round(√(n·aspect)); the image is
//   resized (bilinear, no antialias) to 14·base and normalised with ImageNet's mean / std.
// - DINOv2 ViT-S/14: patch Conv 14x14 stride 14 -> 384, class token, positional embedding of the 37x37 grid (518 px
//   pretraining) resized bicubically to the token grid each call (onnx_compatible_mode: `size=`, no offset), 12
//   pre-norm blocks (dim 384, 6 heads of 64, qkv 384 -> 1152 with bias, MLP 1536 with exact GELU, LayerScale), the
//   final LayerNorm applied to the 4 intermediate outputs taken.
// - Opset 14 decompositions: LayerNorm as ReduceMean / Sub / Pow / Sqrt / Div (LayerNormalization is opset 17), GELU
//   as Erf, scaled_dot_product_attention as MatMul / Softmax with √scale on q and kᵀ, Linear as MatMul + Add (Gemm on
//   the 2-D class token), replicate padding as Pad(edge) before each 3x3 Conv, F.normalize as ReduceL2 / Clip / Div.
//   onnxruntime fuses LayerNorm and GELU back at load, as it does for the real file.
// - Encoder output: each intermediate layer's patch tokens -> [B,384,h,w] -> 1x1 Conv 384 -> 384, stacked and summed.
// - Neck and three heads (points, normal, mask) are MoGe's ConvStack over 5 levels (token grid x1, x2, x4, x8, x16),
//   channels [384, 256, 128, 64, 32], the view-plane uv (2 channels) concatenated at every level, 3x3 residual blocks
//   (ReLU, no norm), ConvTranspose 2x2 + 3x3 Conv up to x8, bilinear x2 + 3x3 Conv to x16; each head's last level
//   gives 3 / 3 / 1 channels, resized (bilinear) to the input size; points remapped with `exp` on z; the scale head an
//   MLP [384, 384, 384, 1] on the class token, then exp.
// Approximated: the ConvStack configuration of the ViT-S checkpoint is not published outside the checkpoint's
// `model_config`; the ViT-L config is (third-party copies agree), and this uses its layout with 384 channels at level
// 0, one residual block per level 1–3 in the neck and heads. That gives 35.40 M parameters (141.6 MB in fp32) against
// the real file's 140.85 MB; the ViT-L layout with two neck blocks would be 36.9 M (147.8 MB). The intermediate
// layers [2, 5, 8, 11] (cost-neutral) and the exact Resize coordinate modes are assumptions. Weights: seeded random,
// scaled so activations stay finite (values do not change the cost).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Net } from './graph.ts';
import type { StandinOptions, WrittenFile } from './repo.ts';
import { writeGraph } from './repo.ts';

export const MOGE2_STANDIN_REPO = 'Ruicheng/moge-2-vits-normal-onnx';
export const MOGE2_STANDIN_FILE = 'model.onnx';
/** The opset of the author's export call (microsoft/MoGe docs/onnx.md). */
export const MOGE2_OPSET = 14;

export interface Moge2Dims {
  /** Transformer blocks, width, heads, MLP width. */
  layers: number;
  hidden: number;
  heads: number;
  mlp: number;
  patch: number;
  /** Side of the pretrained positional-embedding grid (518 / 14 = 37 for DINOv2). */
  posGrid: number;
  /** Blocks whose output feeds the decoder (0-based). */
  intermediate: number[];
  /** Channels per ConvStack level, level 0 (token grid) first; five levels. */
  convDims: number[];
  /** Residual blocks per level in the neck and in each head. */
  neckBlocks: number[];
  headBlocks: number[];
  /** Hidden widths of the scale MLP. */
  scaleHidden: number[];
}

/** The real ViT-S model's dimensions. */
export const MOGE2_VITS_DIMS: Moge2Dims = {
  layers: 12,
  hidden: 384,
  heads: 6,
  mlp: 1536,
  patch: 14,
  posGrid: 37,
  intermediate: [2, 5, 8, 11],
  convDims: [384, 256, 128, 64, 32],
  neckBlocks: [0, 1, 1, 1, 0],
  headBlocks: [0, 1, 1, 1, 0],
  scaleHidden: [384, 384],
};

/** Bytes of the published fp32 file (the manifest's pinned size), to compare the stand-in with. */
export const MOGE2_REAL_FILE_BYTES = 140_852_051;

/** The MoGe-2 graph at `dims` (real names, types, operators; seeded random weights). */
export function moge2Graph(dims: Moge2Dims = MOGE2_VITS_DIMS, seed = 13): Net {
  const { hidden: C, heads, mlp, patch: P, posGrid: G } = dims;
  if (dims.convDims.length !== 5) throw new Error('MoGe-2 ConvStack has five levels');
  if (C % heads) throw new Error(`hidden ${C} is not a multiple of heads ${heads}`);
  const D = C / heads;
  const net = new Net('moge2_vits_normal_standin', seed, 'q4');
  const g = net.g;
  const image = g.input('image', 'float32', ['batch_size', 3, 'height', 'width']);
  const numTokens = g.input('num_tokens', 'int64', []);
  g.output('points', 'float32', ['batch_size', 'height', 'width', 3]);
  g.output('normal', 'float32', ['batch_size', 'height', 'width', 3]);
  g.output('mask', 'float32', ['batch_size', 'height', 'width']);
  g.output('metric_scale', 'float32', ['batch_size']);

  const i64s = (v: number) => g.init({ type: 'int64', dims: [], data: [v] });
  const f = (v: number) => net.scalar(v);
  /** Uniform weights with standard deviation gain/√fanIn. */
  const w = (shape: number[], fanIn: number, gain = 1) => net.weight(shape, gain * Math.sqrt(3 / fanIn));
  const bias = (n: number) => net.weight([n], 0.02);

  // ── Sizes: batch, image H / W, aspect, the token grid (forward(): base_h, base_w) ──
  const shape = g.op('Shape', [image]);
  const B = g.op('Slice', [shape, net.i64([0]), net.i64([1])]); // [1]
  const H = g.op('Slice', [shape, net.i64([2]), net.i64([3])]);
  const W = g.op('Slice', [shape, net.i64([3]), net.i64([4])]);
  const Hf = g.op('Cast', [g.op('Squeeze', [H, net.i64([0])])], { to: 1 });
  const Wf = g.op('Cast', [g.op('Squeeze', [W, net.i64([0])])], { to: 1 });
  const aspect = g.op('Div', [Wf, Hf]);
  const n = g.op('Cast', [numTokens], { to: 1 });
  const side = (x: string) => g.op('Unsqueeze', [g.op('Cast', [g.op('Round', [g.op('Pow', [x, f(0.5)])])], { to: 7 }), net.i64([0])]); // int64 [1]
  const baseH = side(g.op('Div', [n, aspect]));
  const baseW = side(g.op('Mul', [n, aspect]));
  const sizes4 = (c: string, h: string, wd: string) => g.op('Concat', [B, c, h, wd], { axis: 0 });
  const resize = (x: string, sizes: string, mode: 'linear' | 'cubic') =>
    g.op('Resize', [x, '', '', sizes], {
      mode,
      coordinate_transformation_mode: 'pytorch_half_pixel',
      ...(mode === 'cubic' ? { cubic_coeff_a: -0.75 } : {}),
    });

  // ── DINOv2Encoder: resize to 14·base, ImageNet normalisation, patch embedding ──
  const image14 = resize(image, sizes4(net.i64([3]), g.op('Mul', [baseH, net.i64([P])]), g.op('Mul', [baseW, net.i64([P])])), 'linear');
  const normed = g.op('Div', [g.op('Sub', [image14, net.f32([0.485, 0.456, 0.406], [1, 3, 1, 1])]), net.f32([0.229, 0.224, 0.225], [1, 3, 1, 1])]);
  const patches = g.op('Conv', [normed, w([C, 3, P, P], 3 * P * P), bias(C)], { kernel_shape: [P, P], strides: [P, P] }); // [B,C,h,w]
  const tokens = g.op('Transpose', [g.op('Reshape', [patches, net.i64([0, C, -1])])], { perm: [0, 2, 1] }); // [B,N,C]
  const cls = g.op('Expand', [net.weight([1, 1, C], 0.02), g.op('Concat', [B, net.i64([1, C])], { axis: 0 })]);
  let x = g.op('Concat', [cls, tokens], { axis: 1 });
  // interpolate_pos_encoding: the 37x37 table resized (bicubic) to the token grid, class position kept.
  const posEmbed = net.weight([1, G * G + 1, C], 0.02);
  const clsPos = g.op('Slice', [posEmbed, net.i64([0]), net.i64([1]), net.i64([1])]);
  const gridPos = g.op('Transpose', [g.op('Reshape', [g.op('Slice', [posEmbed, net.i64([1]), net.i64([G * G + 1]), net.i64([1])]), net.i64([1, G, G, C])])], {
    perm: [0, 3, 1, 2],
  });
  const posSizes = g.op('Concat', [net.i64([1, C]), baseH, baseW], { axis: 0 });
  const gridPosResized = g.op('Reshape', [g.op('Transpose', [resize(gridPos, posSizes, 'cubic')], { perm: [0, 2, 3, 1] }), net.i64([1, -1, C])]);
  x = g.op('Add', [x, g.op('Concat', [clsPos, gridPosResized], { axis: 1 })]);

  // LayerNorm as the opset-14 export writes it (no LayerNormalization op before opset 17).
  const layerNorm = (t: string, scale: string, shift: string) => {
    const centred = g.op('Sub', [t, g.op('ReduceMean', [t], { axes: [-1], keepdims: 1 })]);
    const variance = g.op('ReduceMean', [g.op('Pow', [centred, f(2)])], { axes: [-1], keepdims: 1 });
    return g.op('Add', [g.op('Mul', [g.op('Div', [centred, g.op('Sqrt', [g.op('Add', [variance, f(1e-6)])])]), scale]), shift]);
  };
  const lnParams = () => [net.weight([C], 0.1, 1), net.weight([C], 0.02)] as const;
  const linear = (t: string, K: number, N: number, gain = 1) => g.op('Add', [g.op('MatMul', [t, w([K, N], K, gain)]), bias(N)]);
  const gelu = (t: string) => g.op('Mul', [g.op('Mul', [t, g.op('Add', [g.op('Erf', [g.op('Div', [t, f(Math.SQRT2)])]), f(1)])]), f(0.5)]);
  const sqrtScale = f(D ** -0.25);

  const taken: string[] = [];
  for (let i = 0; i < dims.layers; i++) {
    const [n1w, n1b] = lnParams();
    const qkv = g.op('Reshape', [linear(layerNorm(x, n1w, n1b), C, 3 * C), net.i64([0, 0, 3, heads, D])]);
    const qkvT = g.op('Transpose', [qkv], { perm: [2, 0, 3, 1, 4] }); // [3,B,heads,N,D]
    const [q, k, v] = [0, 1, 2].map((j) => `blk${i}_qkv${j}`) as [string, string, string];
    g.op('Split', [qkvT, net.i64([1, 1, 1])], { axis: 0 }, [`${q}_`, `${k}_`, `${v}_`]);
    for (const t of [q, k, v]) g.op('Squeeze', [`${t}_`, net.i64([0])], {}, [t]);
    const scores = g.op('MatMul', [g.op('Mul', [q, sqrtScale]), g.op('Mul', [g.op('Transpose', [k], { perm: [0, 1, 3, 2] }), sqrtScale])]);
    const attn = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
    const merged = g.op('Reshape', [g.op('Transpose', [attn], { perm: [0, 2, 1, 3] }), net.i64([0, 0, C])]);
    x = g.op('Add', [x, g.op('Mul', [linear(merged, C, C), net.weight([C], 0.05, 0.1)])]);
    const [n2w, n2b] = lnParams();
    const hidden = gelu(linear(layerNorm(x, n2w, n2b), C, mlp));
    x = g.op('Add', [x, g.op('Mul', [linear(hidden, mlp, C), net.weight([C], 0.05, 0.1)])]);
    if (dims.intermediate.includes(i)) taken.push(x);
  }
  if (taken.length !== dims.intermediate.length) throw new Error('intermediate layers out of range');

  // get_intermediate_layers(norm=True): the final norm on each; patch tokens to [B,C,h,w]; 1x1 projections summed.
  const [nw, nb] = lnParams();
  const featureShape = g.op('Concat', [B, net.i64([C]), baseH, baseW], { axis: 0 });
  const projected: string[] = [];
  let clsToken = '';
  for (const t of taken) {
    const normedT = layerNorm(t, nw, nb);
    clsToken = g.op('Gather', [normedT, i64s(0)], { axis: 1 }); // [B,C], the last one's is used
    const patchTokens = g.op('Slice', [normedT, net.i64([1]), net.i64([2 ** 62]), net.i64([1])]);
    const grid = g.op('Reshape', [g.op('Transpose', [patchTokens], { perm: [0, 2, 1] }), featureShape]);
    projected.push(g.op('Unsqueeze', [g.op('Conv', [grid, w([C, C, 1, 1], C), bias(C)], { kernel_shape: [1, 1] }), net.i64([1])]));
  }
  const encoded = g.op('ReduceSum', [g.op('Concat', projected, { axis: 1 }), net.i64([1])], { keepdims: 0 });

  // normalized_view_plane_uv at each level (base·2^level), concatenated to the level's input.
  const diag = g.op('Sqrt', [g.op('Add', [g.op('Mul', [aspect, aspect]), f(1)])]);
  const spanX = g.op('Div', [aspect, diag]);
  const spanY = g.op('Div', [f(1), diag]);
  const axisUv = (len: string, span: string, shape4: number[]) => {
    const lenS = g.op('Squeeze', [len, net.i64([0])]);
    const lenF = g.op('Cast', [lenS], { to: 1 });
    const idx = g.op('Cast', [g.op('Range', [i64s(0), lenS, i64s(1)])], { to: 1 });
    const u = g.op('Div', [g.op('Mul', [span, g.op('Sub', [g.op('Add', [g.op('Mul', [idx, f(2)]), f(1)]), lenF])]), lenF]);
    return g.op('Reshape', [u, net.i64(shape4)]);
  };
  const levelInputs: string[] = [];
  for (let level = 0; level < 5; level++) {
    const h = g.op('Mul', [baseH, net.i64([2 ** level])]);
    const wd = g.op('Mul', [baseW, net.i64([2 ** level])]);
    const full = sizes4(net.i64([1]), h, wd);
    const uv = g.op('Concat', [g.op('Expand', [axisUv(wd, spanX, [1, 1, 1, -1]), full]), g.op('Expand', [axisUv(h, spanY, [1, 1, -1, 1]), full])], {
      axis: 1,
    });
    levelInputs.push(level === 0 ? g.op('Concat', [encoded, uv], { axis: 1 }) : uv);
  }

  // ── ConvStack (modules.py): 1x1 input convs, residual blocks, resamplers between levels ──
  const conv3 = (t: string, cin: number, cout: number, gain = 1) =>
    g.op('Conv', [g.op('Pad', [t, net.i64([0, 0, 1, 1, 0, 0, 1, 1])], { mode: 'edge' }), w([cout, cin, 3, 3], 9 * cin, gain), bias(cout)], {
      kernel_shape: [3, 3],
    });
  const conv1 = (t: string, cin: number, cout: number, gain = 1) => g.op('Conv', [t, w([cout, cin, 1, 1], cin, gain), bias(cout)], { kernel_shape: [1, 1] });
  const resBlock = (t: string, c: number) => {
    const a = conv3(g.op('Relu', [t]), c, c, Math.SQRT2);
    return g.op('Add', [conv3(g.op('Relu', [a]), c, c, 0.5), t]);
  };
  const resample = (t: string, cin: number, cout: number, level: number) => {
    if (level < 3) {
      const up = g.op('ConvTranspose', [t, w([cin, cout, 2, 2], cin), bias(cout)], { kernel_shape: [2, 2], strides: [2, 2] });
      return conv3(up, cout, cout);
    }
    return conv3(g.op('Resize', [t, '', net.f32([1, 1, 2, 2])], { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' }), cin, cout);
  };
  const convStack = (inputs: string[], dimIn: number[], blocks: number[]): string[] => {
    const dimsC = dims.convDims;
    const outs: string[] = [];
    let y = '';
    for (let level = 0; level < 5; level++) {
      const feature = conv1(inputs[level]!, dimIn[level]!, dimsC[level]!);
      y = level === 0 ? feature : g.op('Add', [y, feature]);
      for (let b = 0; b < blocks[level]!; b++) y = resBlock(y, dimsC[level]!);
      outs.push(y);
      if (level < 4) y = resample(y, dimsC[level]!, dimsC[level + 1]!, level);
    }
    return outs;
  };
  const neck = convStack(levelInputs, [C + 2, 2, 2, 2, 2], dims.neckBlocks);
  const head = (channels: number) => {
    const last = convStack(neck, dims.convDims, dims.headBlocks)[4]!;
    return conv1(last, dims.convDims[4]!, channels, 0.1);
  };
  const outSizes = (c: number) => sizes4(net.i64([c]), H, W);
  const toImage = (t: string, c: number) => resize(t, outSizes(c), 'linear');

  // points: resized, channels last, `exp` remap (xy·e^z, e^z).
  const pointsNhwc = g.op('Transpose', [toImage(head(3), 3)], { perm: [0, 2, 3, 1] });
  g.op('Split', [pointsNhwc, net.i64([2, 1])], { axis: -1 }, ['points_xy', 'points_z']);
  const ez = g.op('Exp', ['points_z']);
  g.op('Concat', [g.op('Mul', ['points_xy', ez]), ez], { axis: -1 }, ['points']);
  // normal: resized, channels last, F.normalize.
  const normalNhwc = g.op('Transpose', [toImage(head(3), 3)], { perm: [0, 2, 3, 1] });
  const length = g.op('Clip', [g.op('ReduceL2', [normalNhwc], { axes: [-1], keepdims: 1 }), f(1e-12)]);
  g.op('Div', [normalNhwc, g.op('Expand', [length, g.op('Shape', [normalNhwc])])], {}, ['normal']);
  // mask: resized, squeezed, sigmoid.
  g.op('Sigmoid', [g.op('Squeeze', [toImage(head(1), 1), net.i64([1])])], {}, ['mask']);
  // metric_scale: MLP on the last class token, exp.
  let s = clsToken;
  let width = C;
  for (const hiddenWidth of dims.scaleHidden) {
    s = g.op('Relu', [g.op('Gemm', [s, w([hiddenWidth, width], width), bias(hiddenWidth)], { transB: 1 })]);
    width = hiddenWidth;
  }
  s = g.op('Gemm', [s, w([1, width], width, 0.1), net.weight([1], 0.02)], { transB: 1 });
  g.op('Exp', [g.op('Squeeze', [s, net.i64([1])])], {}, ['metric_scale']);
  return net;
}

/** Parameters (fp32 values) of the ConvStacks, encoder and scale head at `dims`, counted from the layout. */
export function moge2ParameterCount(dims: Moge2Dims = MOGE2_VITS_DIMS): number {
  const { hidden: C, mlp, patch: P, posGrid: G, layers } = dims;
  const conv = (cin: number, cout: number, k: number) => cin * cout * k * k + cout;
  const block = 2 * C + conv(C, 3 * C, 1) + conv(C, C, 1) + C + 2 * C + conv(C, mlp, 1) + conv(mlp, C, 1) + C;
  const encoder = conv(3, C, P) + C + (G * G + 1) * C + layers * block + 2 * C + dims.intermediate.length * conv(C, C, 1);
  const stack = (dimIn: number[], blocks: number[]) => {
    const d = dims.convDims;
    let total = 0;
    for (let l = 0; l < 5; l++) {
      total += conv(dimIn[l]!, d[l]!, 1) + blocks[l]! * 2 * conv(d[l]!, d[l]!, 3);
      if (l < 4) total += l < 3 ? d[l]! * d[l + 1]! * 4 + d[l + 1]! + conv(d[l + 1]!, d[l + 1]!, 3) : conv(d[l]!, d[l + 1]!, 3);
    }
    return total;
  };
  const heads = [3, 3, 1].reduce((sum, c) => sum + stack(dims.convDims, dims.headBlocks) + conv(dims.convDims[4]!, c, 1), 0);
  let scale = 0;
  let width = C;
  for (const h of dims.scaleHidden) {
    scale += conv(width, h, 1);
    width = h;
  }
  scale += conv(width, 1, 1);
  return encoder + stack([C + 2, 2, 2, 2, 2], dims.neckBlocks) + heads + scale;
}

/** Writes `<root>/Ruicheng/moge-2-vits-normal-onnx/model.onnx` (weights inside the file, as the real export). */
export async function writeMoge2Standin(root: string, options: StandinOptions<Moge2Dims> = {}): Promise<WrittenFile[]> {
  const dir = join(root, MOGE2_STANDIN_REPO);
  mkdirSync(dir, { recursive: true });
  const net = moge2Graph(options.dims ?? MOGE2_VITS_DIMS);
  options.log?.(`  ${MOGE2_STANDIN_FILE}: graph built`);
  return writeGraph(
    dir,
    MOGE2_STANDIN_FILE,
    net.g,
    'Room3R stand-in of MoGe-2 ViT-S normal: the real graph layout and I/O, random weights',
    false,
    MOGE2_OPSET,
  );
}
