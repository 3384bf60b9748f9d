// `npm run standins -- [--tier light|quality|depth|all] [--out <dir>] [--accuracy-level <n>]`: writes full-size stand-ins of the two VLMs and the depth model into
// <out>/<repo>/ (default .standins/models/, git-ignored), plus <out>/catalog.json with each file's size and SHA-256
// in the fixtures' format (scripts/fixtures/make-fixtures.ts FixtureCatalog), so the app can load them from a local
// base URL like the fixtures. For measuring speed and memory: real dimensions, file names, I/O and quantisation
// formats; random weights and a small stand-in tokenizer, so replies are garbage text (see smolvlm.ts, qwen3vl.ts).
//   light   -> HuggingFaceTB/SmolVLM-256M-Instruct (q4 + _quantized sets, ~0.5 GB)
//   quality -> onnx-community/Qwen3-VL-2B-Instruct-ONNX (q4 set with .onnx_data, ~1.5 GB)
//   depth   -> Ruicheng/moge-2-vits-normal-onnx (MoGe-2 ViT-S, fp32 model.onnx, ~142 MB; see moge2.ts)
// --accuracy-level sets MatMulNBits' accuracy_level (default left out; see StandinOptions in repo.ts).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FixtureCatalog } from '../fixtures/make-fixtures.ts';
import { MOGE2_STANDIN_FILE, MOGE2_STANDIN_REPO, writeMoge2Standin } from './moge2.ts';
import { QWEN3VL_STANDIN_REPO, writeQwen3VlStandin } from './qwen3vl.ts';
import { sha256File, type StandinOptions, type WrittenFile } from './repo.ts';
import { SMOLVLM_STANDIN_REPO, writeSmolVlmStandin } from './smolvlm.ts';

export const STANDIN_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.standins', 'models');
/** Bump when a generator changes. */
export const STANDIN_GENERATOR_VERSION = 1;

export type Tier = 'light' | 'quality' | 'depth';

type Options = Omit<StandinOptions<never>, 'dims'>;

const WRITERS: Record<Tier, { repo: string; write: (root: string, options: Options) => Promise<WrittenFile[]> }> = {
  light: { repo: SMOLVLM_STANDIN_REPO, write: writeSmolVlmStandin },
  quality: { repo: QWEN3VL_STANDIN_REPO, write: writeQwen3VlStandin },
  depth: { repo: MOGE2_STANDIN_REPO, write: writeMoge2Standin },
};

/**
 * The MoGe-2 stand-in's model file, written first when it is missing or the catalog is of another generator version
 * (`npm run bench:geometry -- --depth-model` calls this, as other benches make their fixtures).
 */
export async function ensureMoge2Standin(root = STANDIN_ROOT): Promise<string> {
  const path = join(root, MOGE2_STANDIN_REPO, MOGE2_STANDIN_FILE);
  const catalogPath = join(root, 'catalog.json');
  const catalog = existsSync(catalogPath) ? (JSON.parse(readFileSync(catalogPath, 'utf8')) as FixtureCatalog) : null;
  const current = catalog?.generatorVersion === STANDIN_GENERATOR_VERSION && catalog.repos[MOGE2_STANDIN_REPO]?.[MOGE2_STANDIN_FILE] !== undefined;
  if (!existsSync(path) || !current) await makeStandins(['depth'], root);
  return path;
}

/**
 * Writes the stand-ins of `tiers` under `root` (each repo's folder replaced) and updates root/catalog.json, keeping
 * the entries of repos not rewritten when the catalog is of this generator version.
 */
export async function makeStandins(tiers: Tier[], root = STANDIN_ROOT, options: Options = {}): Promise<FixtureCatalog> {
  const log = options.log ?? console.log;
  mkdirSync(root, { recursive: true });
  const catalogPath = join(root, 'catalog.json');
  let catalog: FixtureCatalog = { generatorVersion: STANDIN_GENERATOR_VERSION, repos: {} };
  if (existsSync(catalogPath)) {
    const old = JSON.parse(readFileSync(catalogPath, 'utf8')) as FixtureCatalog;
    if (old.generatorVersion === STANDIN_GENERATOR_VERSION) catalog = old;
  }
  for (const tier of tiers) {
    const { repo, write } = WRITERS[tier];
    const started = performance.now();
    log(`${tier}: ${repo}`);
    rmSync(join(root, repo), { recursive: true, force: true });
    const files = await write(root, { ...options, log });
    const entries: FixtureCatalog['repos'][string] = {};
    for (const f of files) entries[f.path] = { bytes: f.bytes, sha256: sha256File(join(root, repo, f.path)) };
    catalog.repos[repo] = entries;
    const total = files.reduce((s, f) => s + f.bytes, 0);
    log(`${tier}: ${files.length} files, ${(total / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  writeFileSync(catalogPath, JSON.stringify(catalog, null, 2));
  return catalog;
}

function parseArgs(argv: string[]): { tiers: Tier[]; out: string; accuracyLevel?: number } {
  let tier = 'all';
  let out = STANDIN_ROOT;
  let accuracyLevel: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--tier') tier = argv[++i] ?? '';
    else if (arg === '--out') out = resolve(argv[++i] ?? '');
    else if (arg === '--accuracy-level') accuracyLevel = Number(argv[++i]);
    else throw new Error(`unknown argument "${arg}" (usage: --tier light|quality|depth|all --out <dir> --accuracy-level <0-4>)`);
  }
  if (tier !== 'all' && tier !== 'light' && tier !== 'quality' && tier !== 'depth')
    throw new Error(`--tier must be light, quality, depth or all (got "${tier}")`);
  if (accuracyLevel !== undefined && !(Number.isInteger(accuracyLevel) && accuracyLevel >= 0 && accuracyLevel <= 4)) {
    throw new Error('--accuracy-level must be 0 to 4');
  }
  return { tiers: tier === 'all' ? ['light', 'quality', 'depth'] : [tier], out, accuracyLevel };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { tiers, out, accuracyLevel } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const catalog = await makeStandins(tiers, out, { accuracyLevel });
  for (const tier of tiers) {
    const repo = WRITERS[tier].repo;
    for (const [path, f] of Object.entries(catalog.repos[repo] ?? {})) console.log(`  ${repo}/${path}: ${f.bytes.toLocaleString('en')} bytes`);
  }
  console.log(`stand-ins written to ${relative(process.cwd(), out) || '.'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
