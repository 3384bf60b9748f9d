// The download manager against a real local HTTP server (the same folder server the dev and preview servers use),
// throttled so a download can be paused half-way. Only the cache is an in-memory stand-in for Cache Storage.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange, serveFolder } from '../../scripts/serveFolder';
import { DownloadManager, RateMeter, type ManagerSnapshot, type PlannedFile } from './downloadManager';
import { sha256Hex, type ModelCache } from './loader';

class MapCache implements ModelCache {
  readonly entries = new Map<string, Uint8Array>();
  failPut: string | null = null;
  async match(url: string) {
    const b = this.entries.get(url);
    return b ? new Response(b as Uint8Array<ArrayBuffer>) : undefined;
  }
  async put(url: string, response: Response) {
    if (this.failPut) throw new DOMException('full', this.failPut);
    this.entries.set(url, new Uint8Array(await response.arrayBuffer()));
  }
  async delete(url: string) {
    return this.entries.delete(url);
  }
}

const root = mkdtempSync(join(tmpdir(), 'room3r-dl-'));
const big = Uint8Array.from({ length: 256 * 1024 }, (_, i) => (i * 7919) % 251);
const small = new TextEncoder().encode('{"model_type":"test"}');
writeFileSync(join(root, 'big.onnx'), big);
writeFileSync(join(root, 'config.json'), small);

interface Logged { url: string; range?: string }
let log: Logged[] = [];
let server: Server;
let base = '';
/** Per test: how the server behaves. */
let mode: 'normal' | 'slow' | 'ignore-range' | 'drop-once' = 'normal';
let dropped = false;

const normal = serveFolder('/m/', root);
const slow = serveFolder('/m/', root, { bytesPerSecond: 256 * 1024 });

function handle(req: IncomingMessage, res: ServerResponse): void {
  log.push({ url: req.url ?? '', range: req.headers.range });
  const notFound = () => {
    res.statusCode = 404;
    res.end();
  };
  if (mode === 'ignore-range') delete req.headers.range;
  if (mode === 'drop-once' && !dropped && req.url?.endsWith('big.onnx')) {
    // Half the file, then the connection dies (a network drop mid-download).
    dropped = true;
    res.writeHead(200, { 'Content-Length': String(big.length) });
    res.write(big.subarray(0, 100_000), () => setTimeout(() => res.destroy(), 50));
    return;
  }
  (mode === 'slow' ? slow : normal)(req, res, notFound);
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/m`;
});
afterAll(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
});

async function plan(): Promise<PlannedFile[]> {
  return [
    { modelId: 'a', url: `${base}/config.json`, file: { path: 'config.json', bytes: small.length, sha256: await sha256Hex(small) } },
    { modelId: 'a', url: `${base}/big.onnx`, file: { path: 'onnx/big.onnx', bytes: big.length, sha256: await sha256Hex(big) } },
  ];
}

function setup(cache = new MapCache()) {
  const snaps: ManagerSnapshot[] = [];
  const manager = new DownloadManager({ cache, onChange: (s) => snaps.push(s), progressIntervalMs: 0 });
  return { cache, manager, snaps };
}

const bigFile = (s: ManagerSnapshot) => s.files.find((f) => f.path === 'onnx/big.onnx')!;

describe('parseRange', () => {
  it('reads the forms a resuming client sends, and refuses what is past the end', () => {
    expect(parseRange('bytes=100-', 1000)).toEqual([100, 999]);
    expect(parseRange('bytes=0-9', 1000)).toEqual([0, 9]);
    expect(parseRange('bytes=-10', 1000)).toEqual([990, 999]);
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 1000)).toBeNull();
    expect(parseRange(undefined, 1000)).toBeNull();
  });
});

describe('RateMeter', () => {
  it('gives bytes per second over its window, and forgets old samples', () => {
    const m = new RateMeter(1000);
    m.add(0, 0);
    m.add(500, 1000);
    expect(m.rate()).toBe(2000);
    m.add(3000, 1000); // a stall: the old samples leave the window
    m.add(3500, 1000);
    expect(m.rate()).toBe(0);
  });
});

describe('DownloadManager', () => {
  it('downloads every file with progress, then finds them in the cache', async () => {
    mode = 'normal';
    log = [];
    const { cache, manager, snaps } = setup();
    const files = await plan();
    const before = await manager.scan(files);
    expect(before.phase).toBe('idle');
    expect(before.total).toBe(big.length + small.length);
    expect(before.files.map((f) => f.state)).toEqual(['missing', 'missing']);
    const done = await manager.download();
    expect(done.phase).toBe('done');
    expect(done.loaded).toBe(big.length + small.length);
    expect(cache.entries.get(`${base}/big.onnx`)).toEqual(big);
    const progress = snaps.map((s) => bigFile(s).loaded);
    expect(progress.some((n) => n > 0 && n < big.length)).toBe(true); // reported as it arrived
    expect(snaps.some((s) => s.bytesPerSecond > 0)).toBe(true);
    // A second manager (a reload) sees both in the cache and downloads nothing.
    log = [];
    const again = setup(cache);
    expect((await again.manager.scan(files)).phase).toBe('done');
    expect((await again.manager.download()).phase).toBe('done');
    expect(log).toEqual([]);
  });

  it('pauses half-way, keeps the bytes, and resumes with a Range request', async () => {
    mode = 'slow';
    log = [];
    const { cache, manager, snaps } = setup();
    await manager.scan(await plan());
    const run = manager.download();
    await expect.poll(() => (snaps.length ? bigFile(snaps.at(-1)!).loaded : 0), { interval: 10 }).toBeGreaterThan(40_000);
    manager.pause();
    const paused = await run;
    expect(paused.phase).toBe('paused');
    const kept = bigFile(paused).loaded;
    expect(bigFile(paused).state).toBe('paused');
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(big.length);
    expect(paused.etaSeconds).toBeUndefined();
    // ETA and speed were shown while it ran.
    expect(snaps.some((s) => bigFile(s).etaSeconds !== undefined && bigFile(s).bytesPerSecond > 0)).toBe(true);

    mode = 'normal';
    const done = await manager.download();
    expect(done.phase).toBe('done');
    const ranged = log.filter((l) => l.url.endsWith('big.onnx'));
    expect(ranged.at(-1)!.range).toBe(`bytes=${kept}-`);
    expect(cache.entries.get(`${base}/big.onnx`)).toEqual(big); // the kept bytes + the rest = the file
  });

  it('restarts a file when the server ignores Range and answers 200', async () => {
    mode = 'slow';
    const { cache, manager, snaps } = setup();
    await manager.scan(await plan());
    const run = manager.download();
    await expect.poll(() => (snaps.length ? bigFile(snaps.at(-1)!).loaded : 0), { interval: 10 }).toBeGreaterThan(20_000);
    manager.pause();
    await run;
    mode = 'ignore-range';
    const done = await manager.download();
    expect(done.phase).toBe('done');
    expect(cache.entries.get(`${base}/big.onnx`)).toEqual(big);
  });

  it('says so when the network drops mid-file, and resumes from the bytes it had', async () => {
    mode = 'drop-once';
    dropped = false;
    log = [];
    const { cache, manager } = setup();
    await manager.scan(await plan());
    const failed = await manager.download();
    expect(failed.phase).toBe('error');
    expect(failed.error).toMatch(/broke off .*Resume/);
    expect(bigFile(failed).state).toBe('error');
    const kept = bigFile(failed).loaded;
    expect(kept).toBeGreaterThan(0);
    const done = await manager.download();
    expect(done.phase).toBe('done');
    expect(log.filter((l) => l.url.endsWith('big.onnx')).at(-1)!.range).toBe(`bytes=${kept}-`);
    expect(cache.entries.get(`${base}/big.onnx`)).toEqual(big);
  });

  it('cancel forgets the partial bytes: the next download starts from zero', async () => {
    mode = 'slow';
    log = [];
    const { cache, manager, snaps } = setup();
    await manager.scan(await plan());
    const run = manager.download();
    await expect.poll(() => (snaps.length ? bigFile(snaps.at(-1)!).loaded : 0), { interval: 10 }).toBeGreaterThan(20_000);
    manager.cancel();
    const cancelled = await run;
    expect(cancelled.phase).toBe('idle');
    expect(bigFile(cancelled)).toMatchObject({ state: 'missing', loaded: 0 });
    expect(cache.entries.has(`${base}/big.onnx`)).toBe(false);
    expect(cache.entries.has(`${base}/config.json`)).toBe(true); // completed files stay
    mode = 'normal';
    log = [];
    expect((await manager.download()).phase).toBe('done');
    expect(log.map((l) => l.range)).toEqual([undefined]);
  });

  it('another list of files (a tier switch) drops what was paused of the old one', async () => {
    mode = 'slow';
    const { manager, snaps } = setup();
    const files = await plan();
    await manager.scan(files);
    const run = manager.download();
    await expect.poll(() => (snaps.length ? bigFile(snaps.at(-1)!).loaded : 0), { interval: 10 }).toBeGreaterThan(20_000);
    manager.pause();
    expect((await run).phase).toBe('paused');
    expect((await manager.scan(files.slice(0, 1))).phase).toBe('done'); // config.json alone is complete
    const back = await manager.scan(await plan());
    expect(back.phase).toBe('idle');
    expect(bigFile(back)).toMatchObject({ state: 'missing', loaded: 0 });
  });

  it('refetches a partial or corrupt cache entry', async () => {
    mode = 'normal';
    const files = await plan();
    const { cache, manager } = setup();
    cache.entries.set(files[0]!.url, small.slice(0, 5)); // partial
    const corrupt = big.slice();
    corrupt[1000] = corrupt[1000]! ^ 1; // right size, wrong bytes
    cache.entries.set(files[1]!.url, corrupt);
    const scanned = await manager.scan(files);
    expect(scanned.files[0]!.state).toBe('missing'); // the size shows the partial one at once
    log = [];
    expect((await manager.download()).phase).toBe('done');
    expect(log).toHaveLength(2); // both fetched again (the corrupt one found by its SHA-256)
    expect(cache.entries.get(files[1]!.url)).toEqual(big);
  });

  it('refuses a file that fails its checksum', async () => {
    mode = 'normal';
    const files = await plan();
    files[1]!.file.sha256 = '0'.repeat(64);
    const { cache, manager } = setup();
    await manager.scan(files);
    const failed = await manager.download();
    expect(failed.phase).toBe('error');
    expect(failed.error).toMatch(/failed its checksum/);
    expect(cache.entries.has(files[1]!.url)).toBe(false);
  });

  it('says when storage is full', async () => {
    mode = 'normal';
    const { cache, manager } = setup();
    cache.failPut = 'QuotaExceededError';
    await manager.scan(await plan());
    const failed = await manager.download();
    expect(failed.phase).toBe('error');
    expect(failed.error).toMatch(/Not enough storage to keep config\.json/);
  });

  it('deletes a model from the cache', async () => {
    mode = 'normal';
    const files = await plan();
    const { cache, manager } = setup();
    await manager.scan(files);
    await manager.download();
    const after = await manager.remove(files.map((f) => f.url));
    expect(cache.entries.size).toBe(0);
    expect(after.phase).toBe('idle');
    expect(after.files.map((f) => f.state)).toEqual(['missing', 'missing']);
  });
});
