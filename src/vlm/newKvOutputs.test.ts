// The WASM backend's decoder edit: which graphs it changes (Concat-built caches) and which it leaves alone (fused
// attention, files it cannot read, other files and backends), and what it adds, read back with an independent protobuf
// decoder. That the edited decoder answers the same is tested on the fixtures in lmRunner.test.ts.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, readModel } from '../../scripts/fixtures/onnxBuilder';
import { editVlmFile, exposeNewKeyValues } from './newKvOutputs';

/** A two-layer decoder shell whose cache is built the given way. */
function decoder(cache: 'concat' | 'concat-negative-axis' | 'gqa' | 'concat-other-input'): Uint8Array {
  const g = new GraphBuilder('decoder');
  const x = g.input('inputs_embeds', 'float32', ['batch_size', 'sequence_length', 8]);
  for (let i = 0; i < 2; i++) {
    const past = ['key', 'value'].map((kv) => g.input(`past_key_values.${i}.${kv}`, 'float32', ['batch_size', 2, 'past_sequence_length', 4]));
    const fresh = g.op('Reshape', [x, g.i64([1, 2, -1, 4])]);
    ['key', 'value'].forEach((kv, j) => {
      const present = `present.${i}.${kv}`;
      if (cache === 'gqa') g.msOp('GroupQueryAttention', [x, fresh, fresh, past[j]!], {}, [`attn_${i}_${kv}`, present]);
      else {
        const first = cache === 'concat-other-input' ? fresh : past[j]!;
        const joined = g.op('Concat', [first, fresh], { axis: cache === 'concat-negative-axis' ? -2 : 2 });
        g.op('Identity', [joined], {}, [present]); // some exports name the cache through an Identity
      }
      g.output(present, 'float32', ['batch_size', 2, 'total_sequence_length', 4]);
    });
  }
  g.output('logits', 'float32', ['batch_size', 'sequence_length', 8]);
  g.op('Identity', [x], {}, ['logits']);
  return g.toBytes();
}

describe('exposeNewKeyValues', () => {
  it("adds one output per cache tensor, the Concat's new rows, and keeps the rest of the model", () => {
    for (const kind of ['concat', 'concat-negative-axis'] as const) {
      const before = decoder(kind);
      const edited = exposeNewKeyValues(before)!;
      expect(edited).not.toBeNull();
      const model = readModel(edited);
      const original = readModel(before);
      const added = model.graph.output.slice(original.graph.output.length);
      expect(model.graph.output.slice(0, original.graph.output.length)).toEqual(original.graph.output);
      expect(added.map((o) => o.name)).toEqual(['kv_new.0.key', 'kv_new.0.value', 'kv_new.1.key', 'kv_new.1.value']);
      expect(added.every((o) => o.type?.tensorType?.elemType === 1)).toBe(true);
      // Each new output is an Identity of the second input of the Concat that builds its present.* tensor.
      const byOutput = new Map(model.graph.node.map((n) => [n.output[0], n]));
      for (const o of added) {
        const identity = byOutput.get(o.name)!;
        expect(identity.opType).toBe('Identity');
        const present = byOutput.get(byOutput.get(o.name.replace('kv_new.', 'present.'))!.input[0])!;
        expect(present.opType).toBe('Concat');
        expect(identity.input).toEqual([present.input[1]]);
      }
      expect(model.graph.node.slice(0, original.graph.node.length)).toEqual(original.graph.node);
      // Once is enough.
      expect(exposeNewKeyValues(edited)).toBeNull();
    }
  });

  it('leaves a decoder alone when its cache is not Concat(past, new): fused attention, or another Concat', () => {
    expect(exposeNewKeyValues(decoder('gqa'))).toBeNull();
    expect(exposeNewKeyValues(decoder('concat-other-input'))).toBeNull();
  });
});

describe('editVlmFile', () => {
  it('edits only a decoder, only on WASM, and passes a file it cannot read unchanged', () => {
    const bytes = decoder('concat');
    expect(editVlmFile('onnx/decoder_model_merged_quantized.onnx', bytes, 'wasm')).not.toBe(bytes);
    expect(editVlmFile('onnx/decoder_model_merged_quantized.onnx', bytes, 'webgpu')).toBe(bytes);
    expect(editVlmFile('onnx/embed_tokens_quantized.onnx', bytes, 'wasm')).toBe(bytes);
    expect(editVlmFile('onnx/decoder_model_merged_q4.onnx_data', bytes, 'wasm')).toBe(bytes);
    const hostile = new Uint8Array([0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]); // a graph field longer than the file
    expect(editVlmFile('onnx/decoder_model_merged.onnx', hostile, 'wasm')).toBe(hostile);
    const truncated = bytes.subarray(0, bytes.length - 3);
    expect(editVlmFile('onnx/decoder_model_merged.onnx', truncated, 'wasm')).toBe(truncated);
  });
});
