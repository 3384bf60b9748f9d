// The model manager's engine: downloads a list of model files into the model cache one after another, with
// per-file progress, speed and ETA, pause / resume (HTTP Range: the bytes already received are kept and the rest is
// asked for with `Range: bytes=N-`; a server that ignores Range and answers 200 restarts the file), cancel, and
// delete. A cached copy is checked before it counts: the cheap scan compares sizes, a download verifies size and
// SHA-256 (a partial or corrupt entry is dropped and fetched again). Plain TS: runs in the models worker and in Node.
import type { ModelFile } from './manifest';
import { ModelLoadError, shortName, verify, type ModelCache } from './loader';

/** One file to have in the cache, with the model it belongs to. */
export interface PlannedFile {
  modelId: string;
  url: string;
  file: ModelFile;
}

export type FileState = 'missing' | 'cached' | 'waiting' | 'downloading' | 'paused' | 'error';
export type ManagerPhase = 'idle' | 'downloading' | 'paused' | 'done' | 'error';

export interface FileStatus {
  modelId: string;
  path: string;
  url: string;
  state: FileState;
  /** Bytes in hand (cached, or received so far). */
  loaded: number;
  /** Exact size when known (manifest or server), else the manifest's approximate size. */
  total?: number;
  bytesPerSecond: number;
  /** Seconds left for this file at the current speed (undefined while unknown). */
  etaSeconds?: number;
}

export interface ManagerSnapshot {
  phase: ManagerPhase;
  files: FileStatus[];
  loaded: number;
  total: number;
  bytesPerSecond: number;
  etaSeconds?: number;
  /** What went wrong, fit for the UI (phase 'error'). */
  error?: string;
}

/** Bytes per second over the last few seconds (a sliding window, so a stall shows as a falling rate). */
export class RateMeter {
  private samples: { t: number; bytes: number }[] = [];
  constructor(private readonly windowMs = 3000) {}

  add(t: number, totalBytes: number): void {
    this.samples.push({ t, bytes: totalBytes });
    while (this.samples.length > 2 && t - this.samples[0]!.t > this.windowMs) this.samples.shift();
  }

  rate(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.t <= first.t) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }

  reset(): void {
    this.samples = [];
  }
}

/** The size of a cached entry without reading it (Cache Storage hands back a disk-backed blob). */
async function cachedSize(cache: ModelCache, url: string): Promise<number | undefined> {
  const res = await cache.match(url);
  if (!res) return undefined;
  const header = Number(res.headers.get('Content-Length'));
  return header > 0 ? header : (await res.blob()).size;
}

/** Bytes received of a file not yet complete: kept across pause / resume and network failures. */
interface KeptBytes {
  chunks: Uint8Array[];
  received: number;
}

export interface DownloadManagerOptions {
  cache: ModelCache;
  fetchImpl?: typeof fetch;
  now?: () => number;
  /** Told of every change of state and, at most every `progressIntervalMs`, of progress. */
  onChange?: (s: ManagerSnapshot) => void;
  progressIntervalMs?: number;
}

type StopReason = 'pause' | 'cancel';

export class DownloadManager {
  private files: PlannedFile[] = [];
  private status = new Map<string, FileStatus>();
  private partials = new Map<string, KeptBytes>();
  /** The file being fetched now, and the bytes received in this run (for the rate). */
  private current: string | null = null;
  private runBytes = 0;
  private phase: ManagerPhase = 'idle';
  private error: string | undefined;
  private abort: AbortController | null = null;
  private running: Promise<ManagerSnapshot> | null = null;
  private readonly meter = new RateMeter();
  private lastEmit = 0;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: DownloadManagerOptions) {
    // Wrapped: the browser's fetch throws "Illegal invocation" when called as a method of another object.
    this.fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? (() => performance.now());
  }

  /** Takes a new list of files (a tier's), and reports which are in the cache by size. Not while downloading. */
  async scan(files: PlannedFile[]): Promise<ManagerSnapshot> {
    if (this.phase === 'downloading') throw new Error('A download is running: pause or cancel it first.');
    if (this.files !== files) {
      const keep = new Set(files.map((f) => f.url));
      for (const url of this.partials.keys()) if (!keep.has(url)) this.partials.delete(url);
      this.files = files;
      if (this.partials.size === 0) {
        this.phase = 'idle'; // another tier: nothing of it is paused half-way
        this.error = undefined;
      }
    }
    this.status.clear();
    for (const f of files) {
      const size = await cachedSize(this.options.cache, f.url);
      const expected = f.file.bytes;
      const cached = size !== undefined && (expected === undefined || size === expected);
      const partial = this.partials.get(f.url);
      this.status.set(f.url, {
        modelId: f.modelId,
        path: f.file.path,
        url: f.url,
        state: cached ? 'cached' : partial ? 'paused' : 'missing',
        loaded: cached ? size : (partial?.received ?? 0),
        total: cached ? size : (expected ?? f.file.approxBytes),
        bytesPerSecond: 0,
      });
    }
    if (this.phase !== 'paused' && this.phase !== 'error') this.phase = this.allCached() ? 'done' : 'idle';
    return this.snapshot();
  }

  snapshot(): ManagerSnapshot {
    const files = this.files.map((f) => ({ ...this.status.get(f.url)! }));
    const loaded = files.reduce((s, f) => s + f.loaded, 0);
    const total = files.reduce((s, f) => s + (f.total ?? f.loaded), 0);
    const bytesPerSecond = this.phase === 'downloading' ? this.meter.rate() : 0;
    return {
      phase: this.phase,
      files,
      loaded,
      total,
      bytesPerSecond,
      etaSeconds: bytesPerSecond > 0 ? Math.max(0, total - loaded) / bytesPerSecond : undefined,
      error: this.error,
    };
  }

  /** Downloads every file not yet in the cache; resolves when all are in, or on pause, cancel or an error. */
  download(): Promise<ManagerSnapshot> {
    if (this.running) return this.running;
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops after keeping what has arrived; `download()` continues from there. */
  pause(): void {
    this.abort?.abort('pause' satisfies StopReason);
  }

  /** Stops and forgets the partial bytes. Files already complete stay in the cache. */
  cancel(): void {
    if (this.running) this.abort?.abort('cancel' satisfies StopReason);
    else {
      this.forgetPartials();
      this.emit(true);
    }
  }

  /** Removes these files from the cache (and any partial bytes of them). Not while downloading. */
  async remove(urls: string[]): Promise<ManagerSnapshot> {
    if (this.running) throw new Error('A download is running: pause or cancel it first.');
    for (const url of urls) {
      await this.options.cache.delete(url);
      this.partials.delete(url);
    }
    if (this.phase === 'paused' && this.partials.size === 0) this.phase = 'idle';
    return this.scan(this.files);
  }

  private forgetPartials(): void {
    this.partials.clear();
    this.error = undefined;
    for (const s of this.status.values()) {
      if (s.state !== 'cached') Object.assign(s, { state: 'missing', loaded: 0 });
    }
    this.phase = this.allCached() ? 'done' : 'idle';
  }

  private allCached(): boolean {
    return this.files.every((f) => this.status.get(f.url)?.state === 'cached');
  }

  private setFile(url: string, patch: Partial<FileStatus>, force = true): void {
    Object.assign(this.status.get(url)!, patch);
    this.emit(force);
  }

  private emit(force: boolean): void {
    const t = this.now();
    if (!force && t - this.lastEmit < (this.options.progressIntervalMs ?? 100)) return;
    this.lastEmit = t;
    this.options.onChange?.(this.snapshot());
  }

  private async run(): Promise<ManagerSnapshot> {
    const abort = new AbortController();
    this.abort = abort;
    this.phase = 'downloading';
    this.error = undefined;
    this.meter.reset();
    this.runBytes = 0;
    this.meter.add(this.now(), 0);
    for (const f of this.files) {
      const s = this.status.get(f.url)!;
      if (s.state !== 'cached') s.state = 'waiting';
    }
    this.emit(true);
    try {
      // Cached files too: the scan only compared sizes, and a corrupt entry must be fetched again.
      for (const f of this.files) await this.fetchOne(f, abort.signal);
      this.phase = 'done';
    } catch (err) {
      const reason = abort.signal.aborted ? (abort.signal.reason as StopReason) : null;
      for (const s of this.status.values()) {
        if (s.state === 'downloading' || s.state === 'waiting') s.state = 'missing';
        s.bytesPerSecond = 0;
        s.etaSeconds = undefined;
      }
      const current = this.current ? this.status.get(this.current) : undefined;
      if (reason === 'cancel') {
        this.forgetPartials();
      } else if (reason === 'pause') {
        this.phase = 'paused';
        if (current && this.partials.has(current.url)) current.state = 'paused';
      } else {
        this.phase = 'error';
        this.error = err instanceof Error ? err.message : String(err);
        if (current) current.state = 'error';
      }
    } finally {
      this.abort = null;
      this.current = null;
    }
    const snap = this.snapshot();
    this.options.onChange?.(snap);
    return snap;
  }

  /** One file: a verified cached copy counts; else download (resuming kept bytes), verify, cache. */
  private async fetchOne(f: PlannedFile, signal: AbortSignal): Promise<void> {
    const { cache } = this.options;
    const name = shortName(f.file.path);
    const cached = await cache.match(f.url);
    if (cached) {
      const bytes = new Uint8Array(await cached.arrayBuffer());
      try {
        await verify(bytes, f.file, f.url);
        this.setFile(f.url, { state: 'cached', loaded: bytes.length, total: bytes.length });
        return;
      } catch {
        await cache.delete(f.url); // partial or corrupt entry: fetch it again
      }
    }
    const partial = this.partials.get(f.url) ?? { chunks: [], received: 0 };
    this.partials.set(f.url, partial);
    this.current = f.url;
    this.setFile(f.url, { state: 'downloading', loaded: partial.received });
    const response = await this.request(f, partial, signal);
    const length = Number(response.headers.get('Content-Length')) || undefined;
    const total = f.file.bytes ?? (length !== undefined ? partial.received + length : f.file.approxBytes);
    this.setFile(f.url, { total });
    await this.readInto(response, partial, f, total, signal);

    const bytes = concat(partial.chunks, partial.received);
    try {
      await verify(bytes, f.file, f.url);
    } catch (err) {
      this.partials.delete(f.url); // wrong bytes: the next try starts from zero
      throw err;
    }
    try {
      await cache.put(f.url, new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) },
      }));
    } catch (err) {
      const name2 = (err as Error).name;
      throw new ModelLoadError('storage', f.url, name2 === 'QuotaExceededError'
        ? `Not enough storage to keep ${name} (${formatBytes(bytes.length)}): free some space (or delete a model) and press Resume.`
        : `Could not store ${name} (${name2}): the browser refused the storage. Press Resume to try again.`);
    }
    this.partials.delete(f.url);
    this.setFile(f.url, { state: 'cached', loaded: bytes.length, total: bytes.length, bytesPerSecond: 0, etaSeconds: undefined });
  }

  /** GET, or a Range GET for the rest when bytes are kept. A server that ignores Range (200) restarts the file. */
  private async request(f: PlannedFile, partial: KeptBytes, signal: AbortSignal): Promise<Response> {
    const name = shortName(f.file.path);
    for (let attempt = 0; attempt < 2; attempt++) {
      const headers: Record<string, string> = partial.received > 0 ? { Range: `bytes=${partial.received}-` } : {};
      let res: Response;
      try {
        res = await this.fetchImpl(f.url, { signal, headers });
      } catch (err) {
        if (signal.aborted) throw err;
        throw new ModelLoadError('network', f.url, `Could not download ${name}: the network is unreachable (${(err as Error).message}). Press Resume to try again.`);
      }
      if (partial.received > 0 && res.status === 206) {
        const start = Number(/^bytes (\d+)-/.exec(res.headers.get('Content-Range') ?? '')?.[1]);
        if (start === partial.received) return res;
      } else if (res.ok && res.status !== 206) {
        if (partial.received > 0) resetPartial(partial); // Range ignored: the whole file is coming again
        return res;
      }
      // A range we cannot use (416, or another start): drop the kept bytes and ask for the whole file.
      await res.body?.cancel();
      if (partial.received === 0 || (res.status !== 206 && res.status !== 416)) {
        throw new ModelLoadError('http', f.url, `Could not download ${name}: the server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`);
      }
      resetPartial(partial);
    }
    throw new ModelLoadError('http', f.url, `Could not download ${name}: the server's byte ranges do not match the file.`);
  }

  private async readInto(response: Response, partial: KeptBytes, f: PlannedFile, total: number | undefined, signal: AbortSignal): Promise<void> {
    if (!response.body) throw new ModelLoadError('network', f.url, `The server sent no data for ${shortName(f.file.path)}.`);
    const reader = response.body.getReader();
    const stop = () => void reader.cancel().catch(() => {});
    signal.addEventListener('abort', stop, { once: true });
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (err) {
          if (signal.aborted) throw err;
          throw new ModelLoadError('network', f.url, `The download of ${shortName(f.file.path)} broke off at ${formatBytes(partial.received)} (${(err as Error).message}). Press Resume to continue from there.`);
        }
        if (signal.aborted) throw new Error('stopped');
        if (chunk.done) break;
        partial.chunks.push(chunk.value);
        partial.received += chunk.value.length;
        this.runBytes += chunk.value.length;
        this.meter.add(this.now(), this.runBytes);
        const fileRate = this.meter.rate(); // one file at a time: the file's speed is the download's
        this.setFile(f.url, {
          loaded: partial.received,
          bytesPerSecond: fileRate,
          etaSeconds: total !== undefined && fileRate > 0 ? Math.max(0, total - partial.received) / fileRate : undefined,
        }, false);
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
    if (signal.aborted) throw new Error('stopped');
  }
}

function resetPartial(p: KeptBytes): void {
  p.chunks = [];
  p.received = 0;
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]!.length === length) return chunks[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(n >= 1e10 ? 0 : 1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}
