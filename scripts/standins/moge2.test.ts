// The MoGe-2 ViT-S stand-in (scripts/standins/moge2.ts): at the real dimensions, the graph has the real export's
// size (within 1 % of the published file), opset, ViT-S/14 layout and inputs / outputs; at reduced depth it runs in
// onnxruntime-node with the manifest's I/O names, element types and ranks, gives outputs at the input's size whose
// values behave like MoGe's (unit normals, mask in 0..1, positive scale), and reads `num_tokens` (the token grid).
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { moge2Manifest } from '../../src/models/manifests/moge2';
import { readModel } from '../fixtures/onnxBuilder';
import { MOGE2_OPSET, MOGE2_REAL_FILE_BYTES, MOGE2_VITS_DIMS, type Moge2Dims, moge2Graph, moge2ParameterCount } from './moge2';

const IO = moge2Manifest.io.model!;

const SMALL: Moge2Dims = {
  layers: 2,
  hidden: 32,
  heads: 2,
  mlp: 64,
  patch: 14,
  posGrid: 6,
  intermediate: [0, 1],
  convDims: [32, 16, 8, 8, 8],
  neckBlocks: [0, 1, 1, 1, 0],
  headBlocks: [0, 1, 1, 1, 0],
  scaleHidden: [32, 32],
};

interface ModelProtoLike {
  opsetImport: { domain: string; version: number }[];
  graph: {
    node: { opType: string; attribute: { name: string; ints: number[] }[] }[];
    initializer: { dims: number[]; dataType: number }[];
    input: { name: string }[];
    output: { name: string }[];
  };
}

describe('MoGe-2 ViT-S stand-in at the real dimensions', () => {
  let bytes: Uint8Array;
  let model: ModelProtoLike;
  beforeAll(() => {
    bytes = moge2Graph(MOGE2_VITS_DIMS).g.toBytes('', MOGE2_OPSET);
    model = readModel(bytes) as unknown as ModelProtoLike;
  });

  it('is the size of the published fp32 file (within 1 %) and counts its parameters as the layout says', () => {
    expect(Math.abs(bytes.length / MOGE2_REAL_FILE_BYTES - 1)).toBeLessThan(0.01);
    expect(MOGE2_REAL_FILE_BYTES).toBe(moge2Manifest.variants[0]!.files[0]!.bytes);
    const floats = model.graph.initializer.filter((t) => t.dataType === 1).reduce((sum, t) => sum + t.dims.reduce((a, b) => a * Number(b), 1), 0);
    const expected = moge2ParameterCount(MOGE2_VITS_DIMS);
    // Beyond the parameters, only small constants (normalisation, per-op scalars).
    expect(floats - expected).toBeGreaterThanOrEqual(0);
    expect(floats - expected).toBeLessThan(1000);
    expect(expected).toBeGreaterThan(35e6);
    expect(expected).toBeLessThan(36e6);
  });

  it('is opset 14 with standard operators only, a ViT-S/14 encoder and the real I/O names', () => {
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 14]]);
    const count = (op: string) => model.graph.node.filter((n) => n.opType === op).length;
    expect(count('Softmax')).toBe(12); // 12 attention layers
    expect(count('Erf')).toBe(12); // 12 exact-GELU MLPs
    expect(count('MatMul')).toBe(12 * 6); // qkv, q·kᵀ, ·v, proj, fc1, fc2 per layer
    const patchConv = model.graph.node.find((n) => n.opType === 'Conv' && n.attribute.some((a) => a.name === 'strides' && a.ints.map(Number)[0] === 14));
    expect(patchConv).toBeDefined();
    const weightShapes = model.graph.initializer.map((t) => t.dims.map(Number).join('x'));
    expect(weightShapes).toContain('384x1152'); // qkv
    expect(weightShapes).toContain('384x1536'); // MLP in
    expect(weightShapes).toContain('384x3x14x14'); // patch embedding
    expect(weightShapes).toContain(`1x${37 * 37 + 1}x384`); // DINOv2's 518 px positional table
    expect(count('ConvTranspose')).toBe(4 * 3); // neck + three heads, levels 0–2
    expect(model.graph.input.map((i) => i.name)).toEqual(IO.inputs.map((t) => t.name));
    expect(model.graph.output.map((o) => o.name)).toEqual(IO.outputs.map((t) => t.name));
  });
});

describe('MoGe-2 stand-in at reduced depth, in onnxruntime-node', () => {
  let session: ort.InferenceSession;
  beforeAll(async () => {
    session = await ort.InferenceSession.create(moge2Graph(SMALL).g.toBytes('', MOGE2_OPSET));
  });

  const image = (batch: number, h: number, w: number) =>
    new ort.Tensor(
      'float32',
      Float32Array.from({ length: batch * 3 * h * w }, (_, i) => ((i * 7919) % 1000) / 1000),
      [batch, 3, h, w],
    );
  const tokens = (n: number) => new ort.Tensor('int64', BigInt64Array.of(BigInt(n)), []);

  it("has the manifest's inputs and outputs (names, element types, fixed and symbolic dims)", () => {
    for (const [meta, specs] of [
      [session.inputMetadata, IO.inputs],
      [session.outputMetadata, IO.outputs],
    ] as const) {
      expect(meta.map((m) => m.name)).toEqual(specs.map((s) => s.name));
      for (const spec of specs) {
        const m = meta.find((x) => x.name === spec.name) as ort.InferenceSession.TensorValueMetadata;
        expect(m.type, spec.name).toBe(spec.type);
        expect(m.shape, spec.name).toEqual(spec.shape);
      }
    }
  });

  it('returns MoGe-like outputs at the input size, for any batch and aspect', async () => {
    for (const [batch, h, w] of [
      [1, 56, 70],
      [2, 42, 84],
    ] as const) {
      const out = await session.run({ image: image(batch, h, w), num_tokens: tokens(20) });
      expect(out.points!.dims).toEqual([batch, h, w, 3]);
      expect(out.normal!.dims).toEqual([batch, h, w, 3]);
      expect(out.mask!.dims).toEqual([batch, h, w]);
      expect(out.metric_scale!.dims).toEqual([batch]);
      const points = out.points!.data as Float32Array;
      const normal = out.normal!.data as Float32Array;
      const mask = out.mask!.data as Float32Array;
      expect(points.every(Number.isFinite)).toBe(true);
      for (let i = 0; i < normal.length; i += 3 * 97) expect(Math.hypot(normal[i]!, normal[i + 1]!, normal[i + 2]!)).toBeCloseTo(1, 4);
      expect(mask.every((m) => m > 0 && m < 1)).toBe(true);
      for (let i = 2; i < points.length; i += 3) expect(points[i]!).toBeGreaterThan(0); // z = exp(·)
      expect([...(out.metric_scale!.data as Float32Array)].every((s) => s > 0 && Number.isFinite(s))).toBe(true);
    }
  });

  it('reads num_tokens: another token budget is another token grid, hence other values', async () => {
    const a = await session.run({ image: image(1, 56, 70), num_tokens: tokens(20) });
    const b = await session.run({ image: image(1, 56, 70), num_tokens: tokens(35) });
    const again = await session.run({ image: image(1, 56, 70), num_tokens: tokens(20) });
    expect(b.points!.dims).toEqual(a.points!.dims);
    expect(again.points!.data).toEqual(a.points!.data);
    expect(b.points!.data).not.toEqual(a.points!.data);
  });
});
