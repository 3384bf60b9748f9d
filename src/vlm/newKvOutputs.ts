// A load-time edit of a decoder's ONNX graph for the WASM backend: each layer's new key/value rows become outputs of
// their own (`kv_new.{i}.key|value`), so a decode step can fetch those few rows instead of the whole `present.*` cache.
// Why: ORT-web's WASM EP copies every output out of the WASM heap into a fresh JS array (no IO binding on the CPU), so
// fetching `present.*` costs an allocation and a copy of the whole KV cache per token (SmolVLM at ~1,000 tokens: 46 MB,
// 25-40 ms of a ~75 ms token). The runner appends the new rows to its own buffers instead (lmRunner.ts).
// The edit applies only where every `present.{i}.{key|value}` output is a Concat (axis 2 / -2) of
// `past_key_values.{i}.*` and the new rows, as plain exports of the attention are; anything else (a fused
// GroupQueryAttention, an If node) returns null and the model loads unchanged. It reads the protobuf fields it needs and
// copies everything else (weights included) byte for byte.
// Plain module: runs in Node (tests) and in a Web Worker.

export const NEW_KV_PREFIX = 'kv_new.';
const PAST_PREFIX = 'past_key_values.';
const PRESENT_PREFIX = 'present.';

// Field numbers of onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_OUTPUT = 12;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_NAME = 3;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const NODE_DOMAIN = 7;
const ATTR_NAME = 1;
const ATTR_I = 3;
const VALUE_INFO_NAME = 1;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_ELEM_TYPE = 1;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

interface Field {
  field: number;
  wire: number;
  /** Where the field's tag starts. */
  start: number;
  /** Payload [from, to): the bytes of a length-delimited field, the encoded value otherwise. */
  from: number;
  to: number;
}

function readVarint(buf: Uint8Array, pos: number): [value: bigint, next: number] {
  let value = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length && shift < 70n; i++) {
    const b = buf[i]!;
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return [value, i + 1];
    shift += 7n;
  }
  throw new Error('the model file is not a valid ONNX protobuf (bad varint)');
}

/** The fields of the message in buf[from, to), in order. Throws on anything that is not well-formed protobuf. */
function* fields(buf: Uint8Array, from = 0, to = buf.length): Generator<Field> {
  let pos = from;
  while (pos < to) {
    const start = pos;
    const [tag, afterTag] = readVarint(buf, pos);
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    let payloadFrom = afterTag;
    let payloadTo: number;
    if (wire === WIRE_VARINT) payloadTo = readVarint(buf, afterTag)[1];
    else if (wire === WIRE_FIXED64) payloadTo = afterTag + 8;
    else if (wire === WIRE_FIXED32) payloadTo = afterTag + 4;
    else if (wire === WIRE_BYTES) {
      const [length, afterLength] = readVarint(buf, afterTag);
      payloadFrom = afterLength;
      payloadTo = afterLength + Number(length);
    } else throw new Error(`the model file is not a valid ONNX protobuf (wire type ${wire})`);
    if (payloadTo > to || field === 0) throw new Error('the model file is not a valid ONNX protobuf (field past its message)');
    yield { field, wire, start, from: payloadFrom, to: payloadTo };
    pos = payloadTo;
  }
}

const utf8 = new TextDecoder();
const text = (buf: Uint8Array, f: Field) => utf8.decode(buf.subarray(f.from, f.to));

interface NodeInfo {
  inputs: string[];
  outputs: string[];
  opType: string;
  domain: string;
  axis: bigint | null;
}

function readNode(buf: Uint8Array, node: Field): NodeInfo {
  const info: NodeInfo = { inputs: [], outputs: [], opType: '', domain: '', axis: null };
  for (const f of fields(buf, node.from, node.to)) {
    if (f.wire !== WIRE_BYTES) continue;
    if (f.field === NODE_INPUT) info.inputs.push(text(buf, f));
    else if (f.field === NODE_OUTPUT) info.outputs.push(text(buf, f));
    else if (f.field === NODE_OP_TYPE) info.opType = text(buf, f);
    else if (f.field === NODE_DOMAIN) info.domain = text(buf, f);
    else if (f.field === NODE_ATTRIBUTE) {
      let name = '';
      let i: bigint | null = null;
      for (const a of fields(buf, f.from, f.to)) {
        if (a.field === ATTR_NAME && a.wire === WIRE_BYTES) name = text(buf, a);
        else if (a.field === ATTR_I && a.wire === WIRE_VARINT) i = BigInt.asIntN(64, readVarint(buf, a.from)[0]);
      }
      if (name === 'axis') info.axis = i;
    }
  }
  return info;
}

/** elem_type of a ValueInfoProto's tensor type (1 = float, 10 = float16), or null. */
function elemType(buf: Uint8Array, valueInfo: Field): number | null {
  for (const f of fields(buf, valueInfo.from, valueInfo.to)) {
    if (f.field !== VALUE_INFO_TYPE || f.wire !== WIRE_BYTES) continue;
    for (const t of fields(buf, f.from, f.to)) {
      if (t.field !== TYPE_TENSOR || t.wire !== WIRE_BYTES) continue;
      for (const e of fields(buf, t.from, t.to)) if (e.field === TENSOR_ELEM_TYPE && e.wire === WIRE_VARINT) return Number(readVarint(buf, e.from)[0]);
    }
  }
  return null;
}

// --- writing -------------------------------------------------------------------------------------------------------

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function bytesField(field: number, payload: ArrayLike<number>): number[] {
  return [...varint((field << 3) | WIRE_BYTES), ...varint(payload.length), ...Array.from(payload)];
}

const utf8Encoder = new TextEncoder();
const stringField = (field: number, value: string) => bytesField(field, utf8Encoder.encode(value));

/** NodeProto: Identity(input) -> output. */
function identityNode(input: string, output: string): number[] {
  return bytesField(GRAPH_NODE, [
    ...stringField(NODE_INPUT, input),
    ...stringField(NODE_OUTPUT, output),
    ...stringField(NODE_NAME, output),
    ...stringField(NODE_OP_TYPE, 'Identity'),
  ]);
}

/** ValueInfoProto of a graph output: its name and element type (no shape: ORT infers it). */
function tensorOutput(name: string, elem: number): number[] {
  const tensorType = [...varint((TENSOR_ELEM_TYPE << 3) | WIRE_VARINT), ...varint(elem)];
  return bytesField(GRAPH_OUTPUT, [...stringField(VALUE_INFO_NAME, name), ...bytesField(VALUE_INFO_TYPE, bytesField(TYPE_TENSOR, tensorType))]);
}

/**
 * The decoder model with `kv_new.{i}.{key|value}` outputs added (the rows each call adds to the cache, [B, kvHeads, S,
 * headDim]), or null when its graph does not build the cache as Concat(past, new) (see the file's comment).
 */
export function exposeNewKeyValues(model: Uint8Array): Uint8Array | null {
  const graph = [...fields(model)].find((f) => f.field === MODEL_GRAPH && f.wire === WIRE_BYTES);
  if (!graph) return null;
  const producers = new Map<string, NodeInfo>();
  const presentTypes = new Map<string, number | null>();
  for (const f of fields(model, graph.from, graph.to)) {
    if (f.field === GRAPH_NODE && f.wire === WIRE_BYTES) {
      const node = readNode(model, f);
      for (const out of node.outputs) producers.set(out, node);
    } else if (f.field === GRAPH_OUTPUT && f.wire === WIRE_BYTES) {
      let name = '';
      for (const v of fields(model, f.from, f.to)) if (v.field === VALUE_INFO_NAME && v.wire === WIRE_BYTES) name = text(model, v);
      if (name.startsWith(PRESENT_PREFIX)) presentTypes.set(name, elemType(model, f));
      if (name.startsWith(NEW_KV_PREFIX)) return null; // already edited
    }
  }
  if (presentTypes.size === 0) return null;
  const added: number[] = [];
  for (const [present, elem] of presentTypes) {
    const past = PAST_PREFIX + present.slice(PRESENT_PREFIX.length);
    let node = producers.get(present);
    while (node && node.opType === 'Identity' && node.domain === '' && node.inputs.length === 1) node = producers.get(node.inputs[0]!);
    const isCacheConcat =
      node?.opType === 'Concat' && node.domain === '' && node.inputs.length === 2 && node.inputs[0] === past && (node.axis === 2n || node.axis === -2n);
    if (!isCacheConcat || elem === null) return null;
    const name = NEW_KV_PREFIX + present.slice(PRESENT_PREFIX.length);
    added.push(...identityNode(node!.inputs[1]!, name), ...tensorOutput(name, elem));
  }
  // The graph field again, longer by `added`; the fields before and after it unchanged.
  const head = [...varint((MODEL_GRAPH << 3) | WIRE_BYTES), ...varint(graph.to - graph.from + added.length)];
  const out = new Uint8Array(graph.start + head.length + (graph.to - graph.from) + added.length + (model.length - graph.to));
  let at = 0;
  out.set(model.subarray(0, graph.start), at);
  at += graph.start;
  out.set(head, at);
  at += head.length;
  out.set(model.subarray(graph.from, graph.to), at);
  at += graph.to - graph.from;
  out.set(added, at);
  at += added.length;
  out.set(model.subarray(graph.to), at);
  return out;
}

/**
 * The load-time edit of a chat model's files (routeTransformersToModel): on WASM the decoder gains its `kv_new.*`
 * outputs where its graph allows; everything else, and a file the edit cannot read, passes unchanged (ORT then
 * reports what is wrong with it).
 */
export function editVlmFile(path: string, bytes: Uint8Array, backend: 'webgpu' | 'wasm'): Uint8Array {
  if (backend !== 'wasm' || !/(^|\/)decoder_model_merged[^/]*\.onnx$/.test(path)) return bytes;
  try {
    return exposeNewKeyValues(bytes) ?? bytes;
  } catch {
    return bytes;
  }
}
