// The model manager's engine: downloads a list of model files into the model cache one after another, with
// per-file progress, speed and ETA, pause / resume (HTTP Range: the bytes already received are kept and the rest is
// asked for with `Range: bytes=N-`; a server that ignores Range and answers 200 restarts the file), cancel, and
// delete. The bytes received of an unfinished file are saved in the same cache as they arrive, in chunks
// (`PartialFile`), so a reload or a crash of the worker resumes the file: the next manager's scan shows it paused with
// the bytes saved, and Resume asks for the rest. Cancel, delete, a restart (200 or an unusable range), a failed
// checksum and completion drop the saved bytes. A cached copy is checked before it counts: the cheap scan compares
// sizes, a download verifies size and SHA-256 of the whole file (a partial or corrupt entry is dropped and fetched
// again). Plain TS: runs in the models worker and in Node.
import type { ModelFile } from './manifest';
import { ModelLoadError, shortName, verify, type ModelCache } from './loader';
import { cachedSize, deletePartial, PARTIAL_CHUNK_BYTES, PartialFile } from './partialFile';

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
  /** No pinned SHA-256 vouches for this file (taken as the mirror serves it). */
  unverified: boolean;
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

export interface DownloadManagerOptions {
  cache: ModelCache;
  fetchImpl?: typeof fetch;
  now?: () => number;
  /** Told of every change of state and, at most every `progressIntervalMs`, of progress. */
  onChange?: (s: ManagerSnapshot) => void;
  progressIntervalMs?: number;
  /** Received bytes are saved to the cache in chunks of this size (tests use small ones). */
  partialChunkBytes?: number;
}

type StopReason = 'pause' | 'cancel';

export class DownloadManager {
  private files: PlannedFile[] = [];
  private status = new Map<string, FileStatus>();
  /** Files partly received (in memory and saved), by URL: kept across pause / resume, failures and reloads. */
  private partials = new Map<string, PartialFile>();
  /** Deletions of saved bytes started by a cancel: finished before a download or scan reads or writes them again. */
  private cleanup: Promise<void> = Promise.resolve();
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
  private readonly chunkBytes: number;

  constructor(private readonly options: DownloadManagerOptions) {
    // Wrapped: the browser's fetch throws "Illegal invocation" when called as a method of another object.
    this.fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? (() => performance.now());
    this.chunkBytes = options.partialChunkBytes ?? PARTIAL_CHUNK_BYTES;
  }

  /**
   * Takes a new list of files (a tier's), and reports which are in the cache by size, and which are partly there
   * (saved by this run or an earlier one: shown paused). Not while downloading.
   */
  async scan(files: PlannedFile[]): Promise<ManagerSnapshot> {
    if (this.phase === 'downloading') throw new Error('A download is running: pause or cancel it first.');
    await this.cleanup;
    if (this.files !== files) {
      const keep = new Set(files.map((f) => f.url));
      for (const url of [...this.partials.keys()]) if (!keep.has(url)) await this.dropPartial(url);
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
      const partial = cached ? undefined : await this.savedPartial(f);
      const paused = partial !== undefined && partial.received > 0;
      this.status.set(f.url, {
        modelId: f.modelId,
        path: f.file.path,
        url: f.url,
        state: cached ? 'cached' : paused ? 'paused' : 'missing',
        loaded: cached ? size : (partial?.received ?? 0),
        total: cached ? size : (expected ?? f.file.approxBytes),
        bytesPerSecond: 0,
        unverified: !f.file.sha256 || f.file.unpinned === true,
      });
    }
    if (this.phase !== 'paused' && this.phase !== 'error') {
      const anyPaused = [...this.status.values()].some((s) => s.state === 'paused');
      this.phase = this.allCached() ? 'done' : anyPaused ? 'paused' : 'idle';
    }
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

  /** Stops and forgets the partial bytes, in memory and saved. Files already complete stay in the cache. */
  async cancel(): Promise<void> {
    if (this.running) {
      this.abort?.abort('cancel' satisfies StopReason);
      return;
    }
    this.cleanup = this.forgetPartials();
    await this.cleanup;
    this.emit(true);
  }

  /** Removes these files from the cache (and any partial bytes of them, saved or not). Not while downloading. */
  async remove(urls: string[]): Promise<ManagerSnapshot> {
    if (this.running) throw new Error('A download is running: pause or cancel it first.');
    for (const url of urls) {
      await this.options.cache.delete(url);
      await this.dropPartial(url);
    }
    if (this.phase === 'paused') this.phase = 'idle'; // the scan finds what is still paused
    return this.scan(this.files);
  }

  /** A file's partial bytes: in memory, else those saved by an earlier run (validated), else none. */
  private async savedPartial(f: PlannedFile): Promise<PartialFile | undefined> {
    let partial = this.partials.get(f.url);
    if (!partial) {
      partial = await PartialFile.load(this.options.cache, f.url, f.file);
      if (partial) this.partials.set(f.url, partial);
    }
    return partial;
  }

  /** Deletes a file's partial bytes, in memory and in the cache (also those of a file this manager never loaded). */
  private async dropPartial(url: string): Promise<void> {
    this.partials.delete(url);
    await deletePartial(this.options.cache, url);
  }

  private async forgetPartials(): Promise<void> {
    const urls = [...this.partials.keys()];
    this.error = undefined;
    for (const s of this.status.values()) {
      if (s.state !== 'cached') Object.assign(s, { state: 'missing', loaded: 0 });
    }
    this.phase = this.allCached() ? 'done' : 'idle';
    // A delete the cache refuses leaves those bytes saved: the next scan shows them paused, and Cancel tries again.
    for (const url of urls) await this.dropPartial(url).catch(() => {});
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
    await this.cleanup;
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
        await this.forgetPartials();
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
    if (await this.verifiedCopy(f)) return;
    const partial = (await this.savedPartial(f)) ?? PartialFile.empty(this.options.cache, f.url, f.file);
    this.partials.set(f.url, partial);
    this.current = f.url;
    this.setFile(f.url, { state: 'downloading', loaded: partial.received });
    // All bytes in hand already (e.g. storing the file failed last time): nothing to ask the server for.
    if (f.file.bytes === undefined || partial.received !== f.file.bytes) {
      try {
        await this.receive(f, partial, signal);
      } catch (err) {
        // Keep what arrived for a reload; if storage refuses, the bytes stay in memory and the first error counts.
        if (signal.reason !== ('cancel' satisfies StopReason)) await partial.save().catch(() => {});
        throw err;
      }
    }
    const bytes = await this.readBack(f, partial);
    try {
      await verify(bytes, f.file, f.url);
    } catch (err) {
      await this.dropPartial(f.url); // wrong bytes: the next try starts from zero
      throw err;
    }
    await this.store(f, partial, bytes);
    await this.dropPartial(f.url);
    this.setFile(f.url, { state: 'cached', loaded: bytes.length, total: bytes.length, bytesPerSecond: 0, etaSeconds: undefined });
  }

  /** Whether the cache holds the file with the right size and checksum; a wrong entry is deleted. */
  private async verifiedCopy(f: PlannedFile): Promise<boolean> {
    const { cache } = this.options;
    const cached = await cache.match(f.url);
    if (!cached) return false;
    const bytes = new Uint8Array(await cached.arrayBuffer());
    try {
      await verify(bytes, f.file, f.url);
    } catch {
      await cache.delete(f.url); // partial or corrupt entry: fetch it again
      return false;
    }
    await this.dropPartial(f.url); // saved bytes left by a reload just after the file was stored
    this.setFile(f.url, { state: 'cached', loaded: bytes.length, total: bytes.length });
    return true;
  }

  /** Asks for the bytes not in hand and reads them into `partial` (saving them as they arrive). */
  private async receive(f: PlannedFile, partial: PartialFile, signal: AbortSignal): Promise<void> {
    const response = await this.request(f, partial, signal);
    const length = Number(response.headers.get('Content-Length')) || undefined;
    const total = f.file.bytes ?? (length !== undefined ? partial.received + length : f.file.approxBytes);
    this.setFile(f.url, { total });
    await this.readInto(response, partial, f, total, signal);
  }

  /** The whole file from the saved chunks and memory; saved bytes that cannot be read back are dropped. */
  private async readBack(f: PlannedFile, partial: PartialFile): Promise<Uint8Array> {
    try {
      return await partial.read();
    } catch (err) {
      await this.dropPartial(f.url);
      throw new ModelLoadError(
        'storage',
        f.url,
        `The saved part of ${shortName(f.file.path)} could not be read back (${(err as Error).message}). Press Resume to download it again.`,
      );
    }
  }

  /**
   * Puts the verified file in the cache. Its saved chunks take as much space again: when storage is full they are
   * deleted (the file is in memory) and the put is tried once more, so finishing never needs twice the file's size.
   */
  private async store(f: PlannedFile, partial: PartialFile, bytes: Uint8Array): Promise<void> {
    const put = () =>
      this.options.cache.put(
        f.url,
        new Response(bytes as Uint8Array<ArrayBuffer>, {
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) },
        }),
      );
    try {
      await put();
      return;
    } catch (err) {
      if ((err as Error).name !== 'QuotaExceededError' || partial.savedBytes === 0) throw storageError(f, err, bytes.length);
    }
    await partial.keepInMemoryOnly(bytes);
    try {
      await put();
    } catch (err) {
      throw storageError(f, err, bytes.length);
    }
  }

  /** Saves the received bytes held in memory as one more chunk. */
  private async save(f: PlannedFile, partial: PartialFile): Promise<void> {
    try {
      await partial.save();
    } catch (err) {
      throw storageError(f, err, partial.received);
    }
  }

  /** GET, or a Range GET for the rest when bytes are kept. A server that ignores Range (200) restarts the file. */
  private async request(f: PlannedFile, partial: PartialFile, signal: AbortSignal): Promise<Response> {
    const name = shortName(f.file.path);
    for (let attempt = 0; attempt < 2; attempt++) {
      const headers: Record<string, string> = partial.received > 0 ? { Range: `bytes=${partial.received}-` } : {};
      let res: Response;
      try {
        res = await this.fetchImpl(f.url, { signal, headers });
      } catch (err) {
        if (signal.aborted) throw err;
        throw new ModelLoadError(
          'network',
          f.url,
          `Could not download ${name}: the network is unreachable (${(err as Error).message}). Press Resume to try again.`,
        );
      }
      if (partial.received > 0 && res.status === 206) {
        const start = Number(/^bytes (\d+)-/.exec(res.headers.get('Content-Range') ?? '')?.[1]);
        if (start === partial.received) return res;
      } else if (res.ok && res.status !== 206) {
        if (partial.received > 0) await partial.clear(); // Range ignored: the whole file is coming again
        return res;
      }
      // A range we cannot use (416, or another start): drop the kept bytes and ask for the whole file.
      await res.body?.cancel();
      if (partial.received === 0 || (res.status !== 206 && res.status !== 416)) {
        throw new ModelLoadError('http', f.url, `Could not download ${name}: the server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`);
      }
      await partial.clear();
    }
    throw new ModelLoadError('http', f.url, `Could not download ${name}: the server's byte ranges do not match the file.`);
  }

  private async readInto(response: Response, partial: PartialFile, f: PlannedFile, total: number | undefined, signal: AbortSignal): Promise<void> {
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
          throw new ModelLoadError(
            'network',
            f.url,
            `The download of ${shortName(f.file.path)} broke off at ${formatBytes(partial.received)} (${(err as Error).message}). Press Resume to continue from there.`,
          );
        }
        if (signal.aborted) throw new Error('stopped');
        if (chunk.done) break;
        partial.append(chunk.value);
        // Saved as it fills: memory stays under a chunk, and a reload loses at most one.
        if (partial.unsavedBytes >= this.chunkBytes) await this.save(f, partial);
        this.runBytes += chunk.value.length;
        this.meter.add(this.now(), this.runBytes);
        const fileRate = this.meter.rate(); // one file at a time: the file's speed is the download's
        this.setFile(
          f.url,
          {
            loaded: partial.received,
            bytesPerSecond: fileRate,
            etaSeconds: total !== undefined && fileRate > 0 ? Math.max(0, total - partial.received) / fileRate : undefined,
          },
          false,
        );
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
    if (signal.aborted) throw new Error('stopped');
  }
}

/** A refused cache write, fit for the UI: a full storage says to free space. */
function storageError(f: PlannedFile, err: unknown, bytes: number): ModelLoadError {
  const name = shortName(f.file.path);
  const errName = (err as Error).name;
  return new ModelLoadError(
    'storage',
    f.url,
    errName === 'QuotaExceededError'
      ? `Not enough storage to keep ${name} (${formatBytes(bytes)}): free some space (or delete a model) and press Resume.`
      : `Could not store ${name} (${errName}): the browser refused the storage. Press Resume to try again.`,
  );
}

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(n >= 1e10 ? 0 : 1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}
