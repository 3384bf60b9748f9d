// File plumbing of the full-size stand-ins (scripts/standins/): the configs and tokenizer borrowed from the fixture
// writers (scripts/fixtures/) with the real dimensions patched in, graphs written with inline or streamed external
// weights, and checksums computed by streaming (the decoder's weights are a gigabyte).
//
// Real: file names and layout (the manifests' variants). Stand-in: the tokenizer is the fixture's small BPE
// vocabulary, padded with filler tokens up to the real vocabulary size so that every id the decoder can pick decodes.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { GraphBuilder } from '../fixtures/onnxBuilder.ts';
import type { DecoderDims } from './graph.ts';

/** Runs a fixture writer into a temporary folder and returns the named files of its repo (text). */
export async function fixtureTextFiles(
  write: (modelsRoot: string) => Promise<{ repo: string; files: string[] }>,
  names: string[],
): Promise<Record<string, string>> {
  const tmp = mkdtempSync(join(tmpdir(), 'room3r-standin-'));
  try {
    const { repo } = await write(tmp);
    return Object.fromEntries(names.map((n) => [n, readFileSync(join(tmp, repo, n), 'utf8')]));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Pads a tokenizer.json's BPE vocabulary with filler tokens ("Ġ" + letters, i.e. " xyz" words) so that its ids
 * cover 0..vocab-1: the stand-in decoder's logits span the real vocabulary, and any argmax must decode to text.
 */
export function padTokenizer(json: string, vocab: number): string {
  const tok = JSON.parse(json) as { model: { vocab: Record<string, number> }; added_tokens: { id: number; content: string }[] };
  const used = new Set<number>([...Object.values(tok.model.vocab), ...tok.added_tokens.map((t) => t.id)]);
  const words = new Set(Object.keys(tok.model.vocab));
  let n = 0;
  const filler = () => {
    for (;;) {
      let s = '';
      for (let k = n++; ; k = Math.floor(k / 26) - 1) {
        s = String.fromCharCode(97 + (k % 26)) + s;
        if (k < 26) break;
      }
      const word = `Ġq${s}`;
      if (!words.has(word)) return word;
    }
  };
  for (let id = 0; id < vocab; id++) if (!used.has(id)) tok.model.vocab[filler()] = id;
  return JSON.stringify(tok);
}

/** What a stand-in writer takes besides the folder. */
export interface StandinOptions<Dims> {
  /** Dimensions (default: the real model's). */
  dims?: Dims;
  /** Progress lines. */
  log?: (line: string) => void;
  /**
   * MatMulNBits `accuracy_level` (default: left out, as transformers.js' quantize.py writes it: onnxruntime computes
   * in fp32; 4 lets it quantise activations to int8, several times faster per token on CPU). What the real exports
   * set is not known here: this knob measures both.
   */
  accuracyLevel?: number;
}

export interface WrittenFile {
  path: string;
  bytes: number;
}

/**
 * Writes `graph` as `<dir>/<file>`: weights inline, or (`external`) in `<file>_data` beside it, streamed tensor by
 * tensor, at ONNX opset `opset`. Returns the files written (paths relative to `dir`).
 */
export function writeGraph(dir: string, file: string, graph: GraphBuilder, docString: string, external: boolean, opset = 17): WrittenFile[] {
  const full = join(dir, file);
  mkdirSync(dirname(full), { recursive: true });
  if (!external) {
    const bytes = graph.toBytes(docString, opset);
    writeFileSync(full, bytes);
    return [{ path: file, bytes: bytes.length }];
  }
  const { model, dataBytes } = graph.writeExternalData(`${full}_data`, `${basename(file)}_data`, docString, opset);
  writeFileSync(full, model);
  return [
    { path: file, bytes: model.length },
    { path: `${file}_data`, bytes: dataBytes },
  ];
}

/** Writes text files under `dir`. */
export function writeTextFiles(dir: string, files: Record<string, string>): WrittenFile[] {
  return Object.entries(files).map(([path, text]) => {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    return { path, bytes: Buffer.byteLength(text) };
  });
}

/** SHA-256 of a file, read in chunks (no whole-file buffer). */
export function sha256File(path: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(16 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** config.json `text_config` keys for a decoder's real dimensions (both stand-ins' configs say them the same way). */
export function textConfigDims(t: DecoderDims): Record<string, number> {
  return {
    hidden_size: t.hidden,
    intermediate_size: t.intermediate,
    num_hidden_layers: t.layers,
    num_attention_heads: t.heads,
    num_key_value_heads: t.kvHeads,
    head_dim: t.headDim,
    vocab_size: t.vocab,
    rope_theta: t.ropeTheta,
  };
}
