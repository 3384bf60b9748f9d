// The download manager against a real local HTTP server (the same folder server the dev and preview servers use),
// throttled so a download can be paused half-way. Only the cache is an in-memory stand-in for Cache Storage; a reload
// is a second manager on the same cache, the first one's writes cut off mid-file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange, serveFolder } from '../../scripts/serveFolder';
import { DownloadManager, RateMeter, type ManagerSnapshot, type PlannedFile } from './downloadManager';
import { sha256Hex, type ModelCache } from './loader';
import { partialKey } from './partialFile';

class MapCache implements ModelCache {
  readonly entries = new Map<string, Uint8Array>();
  failPut: string | null = null;
  /** Bytes the cache may hold in all (storage full past it). */
  quota = Infinity;
  async match(url: string) {
    const b = this.entries.get(url);
    return b ? new Response(b as Uint8Array<ArrayBuffer>) : undefined;
  }
  async put(url: string, response: Response) {
    if (this.failPut) throw new DOMException('full', this.failPut);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const others = [...this.entries].reduce((n, [k, b]) => n + (k === url ? 0 : b.length), 0);
    if (others + bytes.length > this.quota) throw new DOMException('full', 'QuotaExceededError');
    this.entries.set(url, bytes);
  }
  async delete(url: string) {
    return this.entries.delete(url);
  }
}

/** The cache as seen by a models worker that a reload ends: after `kill()`, nothing it writes or deletes lands. */
class KillableCache implements ModelCache {
  private dead = false;
  constructor(readonly disk: MapCache) {}
  kill() {
    this.dead = true;
  }
  match(url: string) {
    return this.disk.match(url);
  }
  put(url: string, response: Response) {
    return this.dead ? new Promise<void>(() => {}) : this.disk.put(url, response);
  }
  delete(url: string) {
    return this.dead ? new Promise<boolean>(() => {}) : this.disk.delete(url);
  }
}

/** Small chunks so that a 256 kB file is saved in several while it downloads. */
const CHUNK = 32 * 1024;

/** The cache keys of saved partial bytes (chunks and indexes). */
const partialKeys = (cache: MapCache) => [...cache.entries.keys()].filter((k) => k.includes('room3r-partial='));

/** The chunk sizes a file's saved index lists, and those chunks' bytes joined. */
function savedPartial(cache: MapCache, url: string): { chunks: number[]; bytes: Uint8Array } {
  const index = cache.entries.get(partialKey(url, 'index'));
  const chunks: number[] = index ? JSON.parse(new TextDecoder().decode(index)).chunks : [];
  const bytes = new Uint8Array(chunks.reduce((s, n) => s + n, 0));
  let offset = 0;
  chunks.forEach((_, i) => {
    const c = cache.entries.get(partialKey(url, i))!;
    bytes.set(c, offset);
    offset += c.length;
  });
  return { chunks, bytes };
}

const root = mkdtempSync(join(tmpdir(), 'room3r-dl-'));
const big = Uint8Array.from({ length: 256 * 1024 }, (_, i) => (i * 7919) % 251);
const small = new TextEncoder().encode('{"model_type":"test"}');
writeFileSync(join(root, 'big.onnx'), big);
writeFileSync(join(root, 'config.json'), small);

interface Logged {
  url: string;
  range?: string;
}
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

function setup<C extends ModelCache = MapCache>(cache: C = new MapCache() as unknown as C) {
  const snaps: ManagerSnapshot[] = [];
  const manager = new DownloadManager({ cache, onChange: (s) => snaps.push(s), progressIntervalMs: 0, partialChunkBytes: CHUNK });
  return { cache, manager, snaps };
}

const bigFile = (s: ManagerSnapshot) => s.files.find((f) => f.path === 'onnx/big.onnx')!;
const bigRanges = () => log.filter((l) => l.url.endsWith('big.onnx')).map((l) => l.range);

/**
 * Downloads from the slow server until `atLeast` bytes of big.onnx arrived, then "reloads": the manager's cache
 * writes stop landing and its network use stops. Returns the cache left behind, with what had been saved.
 */
async function reloadMidFile(atLeast: number): Promise<{ disk: MapCache; files: PlannedFile[]; saved: number }> {
  mode = 'slow';
  const disk = new MapCache();
  const files = await plan();
  const first = setup(new KillableCache(disk));
  await first.manager.scan(files);
  void first.manager.download();
  await expect.poll(() => (first.snaps.length ? bigFile(first.snaps.at(-1)!).loaded : 0), { interval: 10 }).toBeGreaterThan(atLeast);
  first.cache.kill();
  first.manager.pause(); // its last save never lands: the worker is gone
  return { disk, files, saved: savedPartial(disk, files[1]!.url).bytes.length };
}

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
    // Every byte kept is saved: a reload now loses nothing (the next manager shows the same bytes paused).
    expect(savedPartial(cache, `${base}/big.onnx`).bytes).toEqual(big.subarray(0, kept));
    expect(bigFile(await setup(cache).manager.scan(await plan()))).toMatchObject({ state: 'paused', loaded: kept });
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
    expect(savedPartial(cache, `${base}/big.onnx`).bytes).toEqual(big.subarray(0, kept)); // saved for a reload too
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
    const { cache, manager, snaps } = setup();
    const files = await plan();
    await manager.scan(files);
    const run = manager.download();
    await expect.poll(() => (snaps.length ? bigFile(snaps.at(-1)!).loaded : 0), { interval: 10 }).toBeGreaterThan(20_000);
    manager.pause();
    expect((await run).phase).toBe('paused');
    expect(partialKeys(cache).length).toBeGreaterThan(0);
    expect((await manager.scan(files.slice(0, 1))).phase).toBe('done'); // config.json alone is complete
    expect(partialKeys(cache)).toEqual([]); // the saved bytes go too
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
    expect(partialKeys(cache)).toEqual([]); // saved while it arrived (8 chunks), dropped with the wrong file
    expect(bigFile(await setup(cache).manager.scan(files))).toMatchObject({ state: 'missing', loaded: 0 });
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

describe('DownloadManager: partial bytes survive a reload', () => {
  it('saves bytes as they arrive; the next manager shows the file paused and resumes with a Range from there', async () => {
    log = [];
    const { disk, files, saved } = await reloadMidFile(100_000);
    const { chunks, bytes } = savedPartial(disk, files[1]!.url);
    expect(saved).toBeGreaterThanOrEqual(2 * CHUNK); // saved while downloading, not only on pause
    expect(saved).toBeLessThan(big.length);
    expect(bytes).toEqual(big.subarray(0, saved)); // the right bytes, in order
    // Memory is bounded: each chunk is written once about CHUNK bytes are in hand (one network read past it at most).
    for (const n of chunks) expect(n).toBeGreaterThanOrEqual(CHUNK);
    for (const n of chunks) expect(n).toBeLessThan(CHUNK + 64 * 1024);

    mode = 'normal';
    log = [];
    const { manager } = setup(disk);
    const scanned = await manager.scan(files);
    expect(scanned.phase).toBe('paused'); // Resume, not Download, before anything is fetched
    expect(scanned.files[0]!.state).toBe('cached');
    expect(bigFile(scanned)).toMatchObject({ state: 'paused', loaded: saved, total: big.length });
    expect(log).toEqual([]);

    const done = await manager.download();
    expect(done.phase).toBe('done');
    expect(bigRanges()).toEqual([`bytes=${saved}-`]);
    expect(disk.entries.get(files[1]!.url)).toEqual(big); // verified (size, SHA-256) over the whole file
    expect(partialKeys(disk)).toEqual([]); // a complete file leaves no saved partial bytes
  });

  it('Cancel after a reload deletes the saved bytes', async () => {
    const { disk, files } = await reloadMidFile(80_000);
    const { manager, snaps } = setup(disk);
    expect((await manager.scan(files)).phase).toBe('paused');
    await manager.cancel();
    expect(snaps.at(-1)!.phase).toBe('idle');
    expect(bigFile(snaps.at(-1)!)).toMatchObject({ state: 'missing', loaded: 0 });
    expect(partialKeys(disk)).toEqual([]);
    const again = await setup(disk).manager.scan(files);
    expect(again.phase).toBe('idle');
    expect(bigFile(again)).toMatchObject({ state: 'missing', loaded: 0 });
  });

  it('Cancel while downloading deletes the saved bytes', async () => {
    mode = 'slow';
    const { cache, manager, snaps } = setup();
    await manager.scan(await plan());
    const run = manager.download();
    await expect.poll(() => (snaps.length ? bigFile(snaps.at(-1)!).loaded : 0), { interval: 10 }).toBeGreaterThan(80_000);
    expect(partialKeys(cache).length).toBeGreaterThan(0);
    await manager.cancel();
    expect((await run).phase).toBe('idle');
    expect(partialKeys(cache)).toEqual([]);
  });

  it('Delete removes the saved bytes of a model paused half-way', async () => {
    const { disk, files } = await reloadMidFile(80_000);
    const { manager } = setup(disk);
    await manager.scan(files);
    const after = await manager.remove(files.map((f) => f.url));
    expect(after.phase).toBe('idle');
    expect(bigFile(after)).toMatchObject({ state: 'missing', loaded: 0 });
    expect(disk.entries.size).toBe(0);
  });

  it('a server that ignores Range (200) restarts the file and drops the saved bytes', async () => {
    const { disk, files, saved } = await reloadMidFile(100_000);
    mode = 'ignore-range';
    log = [];
    const { manager, snaps } = setup(disk);
    await manager.scan(files);
    const done = await manager.download();
    expect(done.phase).toBe('done');
    expect(bigRanges()).toEqual([`bytes=${saved}-`]); // asked for the rest, got the whole file
    // Counted again from zero (appending the whole file to the saved bytes would fail the size check).
    expect(snaps.some((s) => bigFile(s).state === 'downloading' && bigFile(s).loaded > 0 && bigFile(s).loaded < saved)).toBe(true);
    expect(disk.entries.get(files[1]!.url)).toEqual(big);
    expect(partialKeys(disk)).toEqual([]);
  });

  it('saved bytes of another version of the file (the manifest changed) are dropped at the scan', async () => {
    const { disk, files } = await reloadMidFile(80_000);
    files[1]!.file = { ...files[1]!.file, sha256: 'f'.repeat(64) };
    const scanned = await setup(disk).manager.scan(files);
    expect(scanned.phase).toBe('idle');
    expect(bigFile(scanned)).toMatchObject({ state: 'missing', loaded: 0 });
    expect(partialKeys(disk)).toEqual([]);
  });

  it('saved bytes with a chunk missing are dropped at the scan', async () => {
    const { disk, files } = await reloadMidFile(80_000);
    disk.entries.delete(partialKey(files[1]!.url, 1));
    const scanned = await setup(disk).manager.scan(files);
    expect(bigFile(scanned)).toMatchObject({ state: 'missing', loaded: 0 });
    expect(partialKeys(disk)).toEqual([]);
  });

  it('storage full when the file is stored: the saved chunks make room, and the file is kept', async () => {
    mode = 'normal';
    const { cache, manager } = setup();
    // Room for the finished files and their saved chunks' index, not for the big file twice.
    cache.quota = big.length + small.length + 4096;
    await manager.scan(await plan());
    const done = await manager.download();
    expect(done.error).toBeUndefined();
    expect(done.phase).toBe('done');
    expect(cache.entries.get(`${base}/big.onnx`)).toEqual(big);
    expect(partialKeys(cache)).toEqual([]);
  });
});
