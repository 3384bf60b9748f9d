// Runs a VLM's language model on its ONNX sessions directly (embed_tokens + decoder_model_merged), instead of
// transformers.js' `generate`, so that memory is bounded by construction:
// - the prompt goes through the decoder in chunks, each extending the KV cache, so one call's logits
//   ([1, chunk, vocab]) stay under a fixed budget (the exports have no `num_logits_to_keep`: a single pass over a
//   6k-token prompt would return ~3.6 GB of logits for Qwen3-VL's 151,936-token vocabulary);
// - token embeddings are made per chunk, with the chunk's image features written over its image tokens;
// - a KV cache can be kept and continued (prefix caching: the frames come first in the prompt).
// - decoding extends the cache in place from the decoder's `kv_new.*` outputs where the model has them (the WASM
//   backend's load-time graph edit, newKvOutputs.ts), instead of fetching the whole cache back at every token.
// Greedy decoding, streaming, stop and non-finite logits (a failed GPU run) are handled here, the same for every
// family; what differs (vision encoder inputs, position ids) is the family's (src/vlm/families/).
// Plain module: runs in Node (tests, benchmarks) and in a Web Worker.
import { Tensor } from '@huggingface/transformers';
import { NEW_KV_PREFIX } from './newKvOutputs';

/** The parts of an onnxruntime InferenceSession (web or node) this module uses. */
export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly { name: string; isTensor?: boolean; type?: string; shape?: readonly (number | string)[] }[];
  run(feeds: Record<string, unknown>, fetches?: readonly string[]): Promise<Record<string, unknown>>;
}

/** One call of an ONNX session with transformers.js tensors in and out; `fetches` limits the outputs returned. */
export async function runSession(session: OrtSessionLike, feeds: Record<string, Tensor>, fetches?: readonly string[]): Promise<Record<string, Tensor>> {
  const ort: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(feeds)) ort[name] = (t as unknown as { ort_tensor: unknown }).ort_tensor;
  const out = await (fetches ? session.run(ort, fetches) : session.run(ort));
  const wrapped: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(out)) wrapped[name] = new Tensor(t as never);
  return wrapped;
}

/** Largest logits tensor one decoder call may return during prefill. */
export const LOGITS_BUDGET_BYTES = 100e6;

/** Prompt tokens per decoder call so that one call's logits stay within `budget`. */
export function prefillChunkTokens(vocabSize: number, bytesPerLogit: number, budget = LOGITS_BUDGET_BYTES): number {
  return Math.max(1, Math.min(1024, Math.floor(budget / (vocabSize * bytesPerLogit))));
}

const PAST_PREFIX = 'past_key_values.';
const PRESENT_PREFIX = 'present.';

/** The decoder's KV cache after `length` tokens: one tensor per `past_key_values.*` input. */
export class KvCache {
  private disposed = false;
  constructor(
    readonly tensors: Record<string, Tensor>,
    readonly length: number,
  ) {}

  /** An empty cache shaped from the decoder's input metadata (batch 1, no past tokens). */
  static empty(decoder: OrtSessionLike): KvCache {
    const tensors: Record<string, Tensor> = {};
    for (const meta of decoder.inputMetadata ?? []) {
      if (!meta.name.startsWith(PAST_PREFIX)) continue;
      // Symbolic dims: batch_size -> 1, the past length (and anything else symbolic) -> 0.
      const shape = (meta.shape ?? []).map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? 1 : 0));
      const type = meta.type ?? 'float32';
      tensors[meta.name] = new Tensor(type as never, emptyArray(type) as never, shape);
    }
    const names = decoder.inputNames.filter((n) => n.startsWith(PAST_PREFIX));
    const missing = names.filter((n) => !tensors[n]);
    if (missing.length > 0) throw new Error(`the decoder does not describe its KV inputs (${missing[0]}): cannot build an empty cache`);
    return new KvCache(tensors, 0);
  }

  /** Bytes one token adds to the cache (every layer's key and value). */
  static bytesPerToken(decoder: OrtSessionLike): number {
    let bytes = 0;
    for (const meta of decoder.inputMetadata ?? []) {
      if (!meta.name.startsWith(PAST_PREFIX)) continue;
      const perToken = (meta.shape ?? []).reduce<number>((n, d) => (typeof d === 'number' ? n * d : n), 1);
      bytes += perToken * (meta.type === 'float16' ? 2 : 4);
    }
    return bytes;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Frees the tensors (GPU buffers on WebGPU). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of Object.values(this.tensors)) t.dispose();
  }
}

function emptyArray(type: string): Float32Array | Uint16Array | BigInt64Array | ArrayLike<number> {
  if (type === 'int64') return new BigInt64Array(0);
  if (type === 'float16') return typeof Float16Array === 'function' ? new Float16Array(0) : new Uint16Array(0);
  return new Float32Array(0);
}

/** The sessions of a VLM's language model. */
export interface LmSessions {
  embed: OrtSessionLike;
  decoder: OrtSessionLike;
}

/** One prompt, as the language model reads it. */
export interface LmPrompt {
  ids: BigInt64Array;
  /** Token id whose positions take the image features' rows, in order. */
  imageTokenId: number;
  /** [imageTokens, hidden] rows in prompt order, or null for a text-only prompt. */
  imageFeatures: Tensor | null;
  /** The decoder's `position_ids` for prompt tokens [start, end). */
  positions(start: number, end: number): Tensor;
  /** The decoder's `position_ids` for one generated token when the cache holds `pastLength` tokens. */
  nextPosition(pastLength: number): Tensor;
}

export interface PrefillProgress {
  done: number;
  total: number;
}

export class NonFiniteLogitsError extends Error {
  constructor() {
    super('The model produced invalid numbers (NaN or infinite logits).');
    this.name = 'NonFiniteLogitsError';
  }
}

/** Values of the last position of a [1, S, V] logits tensor, as numbers. */
function lastRow(logits: Tensor): Float32Array {
  const [, s, v] = logits.dims as [number, number, number];
  const data = logits.data as ArrayLike<number>;
  const row = new Float32Array(v);
  const from = (s - 1) * v;
  for (let i = 0; i < v; i++) row[i] = data[from + i]!;
  return row;
}

/** Rows [from, to) of a [rows, hidden] features tensor, written over `target` at element `at`. */
function copyRows(features: Tensor, from: number, to: number, target: { set(a: ArrayLike<number>, at: number): void }, at: number): void {
  const hidden = features.dims.at(-1)!;
  const data = features.data as Float32Array;
  target.set(data.subarray(from * hidden, to * hidden), at);
}

/**
 * Feeds the prompt tokens [cache.length, prompt.ids.length) through the decoder in chunks of `chunkTokens`,
 * continuing `cache` (which is kept: the caller disposes it when it is no longer needed). `stopAt` ends the
 * prefill early (a prefix to keep). Returns the new cache and the last position's logits.
 */
export async function prefill(
  sessions: LmSessions,
  prompt: LmPrompt,
  cache: KvCache,
  options: { chunkTokens: number; stopAt?: number; signal?: AbortSignal; onProgress?: (p: PrefillProgress) => void; onCall?: () => void },
): Promise<{ cache: KvCache; logits: Float32Array | null }> {
  const end = Math.min(options.stopAt ?? prompt.ids.length, prompt.ids.length);
  if (cache.length > end) throw new Error(`the cache holds ${cache.length} tokens, past the prefill's end ${end}`);
  // Image rows before the cache's end were consumed by whoever built the cache.
  let imageRow = 0;
  for (let i = 0; i < cache.length; i++) if (prompt.ids[i] === BigInt(prompt.imageTokenId)) imageRow++;
  let current = cache;
  let logits: Float32Array | null = null;
  const imageId = BigInt(prompt.imageTokenId);
  for (let start = cache.length; start < end; start += options.chunkTokens) {
    options.signal?.throwIfAborted();
    const stop = Math.min(end, start + options.chunkTokens);
    const ids = new Tensor('int64', prompt.ids.slice(start, stop), [1, stop - start]);
    const { inputs_embeds: embeds } = await runSession(sessions.embed, { input_ids: ids });
    if (!embeds) throw new Error('embed_tokens returned no inputs_embeds');
    const hidden = embeds.dims.at(-1)!;
    const target = embeds.data as Float32Array;
    for (let i = start; i < stop; i++) {
      if (prompt.ids[i] !== imageId) continue;
      if (!prompt.imageFeatures || imageRow >= prompt.imageFeatures.dims[0]!) throw new Error('more image tokens in the prompt than image features');
      copyRows(prompt.imageFeatures, imageRow, imageRow + 1, target, (i - start) * hidden);
      imageRow++;
    }
    const step = await decoderStep(sessions.decoder, embeds, prompt.positions(start, stop), current, stop);
    options.onCall?.();
    if (current !== cache) current.dispose();
    current = step.cache;
    logits = step.logits;
    options.onProgress?.({ done: stop, total: end });
  }
  return { cache: current, logits };
}

/** A decoder call's feeds: embeddings [1, s, H] at `positions` after the cache `past` (`total` tokens in all). */
function decoderFeeds(decoder: OrtSessionLike, embeds: Tensor, positions: Tensor, past: Record<string, Tensor>, total: number): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {
    inputs_embeds: embeds,
    attention_mask: new Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
    position_ids: positions,
    ...past,
  };
  if (decoder.inputNames.includes('num_logits_to_keep')) feeds.num_logits_to_keep = new Tensor('int64', new BigInt64Array([1n]), []);
  return feeds;
}

/** One decoder call: embeddings [1, s, H] at `positions`, continuing `past`; returns the cache of `total` tokens. */
async function decoderStep(decoder: OrtSessionLike, embeds: Tensor, positions: Tensor, past: KvCache, total: number) {
  const out = await runSession(decoder, decoderFeeds(decoder, embeds, positions, past.tensors, total));
  const present: Record<string, Tensor> = {};
  for (const name of decoder.outputNames) {
    if (!name.startsWith(PRESENT_PREFIX)) continue;
    present[PAST_PREFIX + name.slice(PRESENT_PREFIX.length)] = out[name]!;
  }
  const logitsTensor = out.logits;
  if (!logitsTensor) throw new Error('the decoder returned no logits');
  const logits = lastRow(logitsTensor);
  logitsTensor.dispose();
  return { cache: new KvCache(present, total), logits };
}

export interface DecodeOptions {
  maxNewTokens: number;
  eosIds: readonly number[];
  /** >1 lowers the logits of tokens already in the prompt or the reply (as transformers' repetition penalty). */
  repetitionPenalty?: number;
  signal?: AbortSignal;
  onToken?: (id: number) => void;
  onCall?: () => void;
}

/** Greedy pick from one row of logits; throws when the row holds NaN or infinite values (a failed run). */
export function pickToken(logits: Float32Array, penalised?: ReadonlySet<number>, penalty = 1): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    let v = logits[i]!;
    if (!Number.isFinite(v)) throw new NonFiniteLogitsError();
    if (penalty !== 1 && penalised?.has(i)) v = v > 0 ? v / penalty : v * penalty;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** The cache a decode loop extends by one token per decoder call. */
interface DecodeCache {
  readonly length: number;
  /** One decoder call for the token whose embeddings are `embeds`; returns its logits. */
  step(embeds: Tensor, positions: Tensor): Promise<Float32Array>;
  /** Frees what the loop made (never the cache it started from). */
  dispose(): void;
}

/** Each call returns the whole cache (`present.*`), which becomes the next call's `past_key_values.*`. */
class ChainedKvCache implements DecodeCache {
  private current: KvCache;
  constructor(
    private readonly decoder: OrtSessionLike,
    private readonly start: KvCache,
  ) {
    this.current = start;
  }

  get length(): number {
    return this.current.length;
  }

  async step(embeds: Tensor, positions: Tensor): Promise<Float32Array> {
    const next = await decoderStep(this.decoder, embeds, positions, this.current, this.current.length + 1);
    if (this.current !== this.start) this.current.dispose();
    this.current = next.cache;
    return next.logits;
  }

  dispose(): void {
    if (this.current !== this.start) this.current.dispose();
  }
}

type KvArray = Float32Array | Uint16Array;

/**
 * One buffer per `past_key_values.*` input, sized for the whole reply, extended in place from the decoder's
 * `kv_new.*` outputs (only the new rows leave the WASM heap). Layout [heads, tokens, headDim] for exactly `length`
 * tokens, so each call's input is a view of the buffer's start: appending a token moves each head's block right.
 */
class GrowingKvCache implements DecodeCache {
  private readonly buffers: { past: string; added: string; data: KvArray; heads: number; dim: number; type: string }[] = [];
  private readonly fetches: string[];
  length: number;

  constructor(
    private readonly decoder: OrtSessionLike,
    start: KvCache,
    extraTokens: number,
  ) {
    this.length = start.length;
    for (const [past, tensor] of Object.entries(start.tensors)) {
      const [batch, heads, tokens, dim] = tensor.dims as [number, number, number, number];
      if (batch !== 1 || tokens !== start.length) throw new Error(`unexpected KV shape ${tensor.dims.join('x')} for ${past}`);
      const from = tensor.data as KvArray;
      const data = new (from.constructor as new (n: number) => KvArray)(heads * (tokens + extraTokens) * dim);
      data.set(from.subarray(0, heads * tokens * dim));
      this.buffers.push({ past, added: NEW_KV_PREFIX + past.slice(PAST_PREFIX.length), data, heads, dim, type: tensor.type });
    }
    this.fetches = ['logits', ...this.buffers.map((b) => b.added)];
  }

  /** Whether `decoder` has a `kv_new.*` output for each of its cache inputs. */
  static fits(decoder: OrtSessionLike): boolean {
    const past = decoder.inputNames.filter((n) => n.startsWith(PAST_PREFIX));
    return past.length > 0 && past.every((n) => decoder.outputNames.includes(NEW_KV_PREFIX + n.slice(PAST_PREFIX.length)));
  }

  async step(embeds: Tensor, positions: Tensor): Promise<Float32Array> {
    const past: Record<string, Tensor> = {};
    for (const b of this.buffers)
      past[b.past] = new Tensor(b.type as never, b.data.subarray(0, b.heads * this.length * b.dim) as never, [1, b.heads, this.length, b.dim]);
    const out = await runSession(this.decoder, decoderFeeds(this.decoder, embeds, positions, past, this.length + 1), this.fetches);
    const logitsTensor = out.logits;
    if (!logitsTensor) throw new Error('the decoder returned no logits');
    const logits = lastRow(logitsTensor);
    for (const b of this.buffers) {
      const rows = out[b.added];
      if (rows?.dims[2] !== 1) throw new Error(`the decoder returned no single new row for ${b.past}`);
      this.appendRow(b, rows!.data as KvArray);
    }
    this.length++;
    return logits;
  }

  /** Appends one token's rows ([heads, headDim]) to a buffer holding `length` tokens. */
  private appendRow(b: GrowingKvCache['buffers'][number], row: KvArray): void {
    const { data, heads, dim } = b;
    const was = this.length * dim;
    const now = was + dim;
    if (heads * now > data.length) throw new Error('the reply ran past the KV buffer it was given');
    // Last head first: each block moves right into space no unmoved block still holds.
    for (let h = heads - 1; h >= 0; h--) {
      if (h > 0) data.copyWithin(h * now, h * was, h * was + was);
      data.set(row.subarray(h * dim, (h + 1) * dim), h * now + was);
    }
  }

  dispose(): void {
    // Plain JS buffers: nothing to release before the garbage collector.
  }
}

/**
 * Greedy generation from a prefilled `cache` and the logits of its last position. The cache passed in is kept
 * (a prefix the caller may reuse); every cache made here is disposed before returning.
 */
export async function decode(
  sessions: LmSessions,
  prompt: LmPrompt,
  cache: KvCache,
  firstLogits: Float32Array,
  options: DecodeOptions,
): Promise<{ ids: number[]; stopped: boolean }> {
  const ids: number[] = [];
  const penalty = options.repetitionPenalty ?? 1;
  const seen = penalty === 1 ? undefined : new Set<number>(Array.from(prompt.ids, Number));
  let logits = firstLogits;
  const kv: DecodeCache = GrowingKvCache.fits(sessions.decoder)
    ? new GrowingKvCache(sessions.decoder, cache, options.maxNewTokens)
    : new ChainedKvCache(sessions.decoder, cache);
  try {
    while (ids.length < options.maxNewTokens) {
      if (options.signal?.aborted) return { ids, stopped: true };
      const id = pickToken(logits, seen, penalty);
      ids.push(id);
      seen?.add(id);
      options.onToken?.(id);
      if (options.eosIds.includes(id) || ids.length >= options.maxNewTokens) break;
      const { inputs_embeds: embeds } = await runSession(sessions.embed, { input_ids: new Tensor('int64', new BigInt64Array([BigInt(id)]), [1, 1]) });
      if (!embeds) throw new Error('embed_tokens returned no inputs_embeds');
      logits = await kv.step(embeds, prompt.nextPosition(kv.length));
      options.onCall?.();
    }
    return { ids, stopped: options.signal?.aborted ?? false };
  } finally {
    kv.dispose();
  }
}
