// The bytes received so far of a model file not yet complete, kept in the model cache so that a reload (or a crash of
// the models worker) resumes the file instead of restarting it. Cache Storage cannot append, so the bytes are saved
// in chunks, each its own entry under the file's URL + `?room3r-partial=<n>`, and a small index entry
// (`?room3r-partial=index`) lists the chunks saved. A chunk is written before the index that names it, so the index
// never names a chunk that is not there. Memory holds only the bytes not saved yet (less than a chunk while
// downloading). Plain TS: runs in the models worker and in Node.
import type { ModelFile } from './manifest';
import type { ModelCache } from './loader';

/** Default size of a saved chunk: few cache entries per file, bounded memory, at most this much lost to a reload. */
export const PARTIAL_CHUNK_BYTES = 16 * 1024 * 1024;

interface PartialIndex {
  version: 1;
  /** Sizes of the saved chunks, in order. */
  chunks: number[];
  /** The manifest's size and checksum when the bytes were saved: another file at the same URL drops them. */
  bytes?: number;
  sha256?: string;
}

/** A query parameter, not a fragment: Cache Storage ignores fragments when it matches URLs. */
export function partialKey(url: string, part: number | 'index'): string {
  return `${url}${url.includes('?') ? '&' : '?'}room3r-partial=${part}`;
}

/** The size of a cached entry without reading it (Cache Storage hands back a disk-backed blob). */
export async function cachedSize(cache: ModelCache, url: string): Promise<number | undefined> {
  const res = await cache.match(url);
  if (!res) return undefined;
  const header = Number(res.headers.get('Content-Length'));
  return header > 0 ? header : (await res.blob()).size;
}

async function readIndex(cache: ModelCache, url: string): Promise<PartialIndex | undefined> {
  const res = await cache.match(partialKey(url, 'index'));
  if (!res) return undefined;
  try {
    const index = (await res.json()) as PartialIndex;
    const sizesOk = Array.isArray(index.chunks) && index.chunks.every((n) => Number.isInteger(n) && n > 0);
    return index.version === 1 && sizesOk ? index : undefined;
  } catch {
    return undefined; // not JSON: treated as no index (and deleted with the chunks)
  }
}

/**
 * Deletes a file's saved chunks and index. The index goes first and the chunks from the last one down: stopped
 * half-way (a reload), what is left is chunks 0..k without an index, which the next call finds by probing.
 */
export async function deletePartial(cache: ModelCache, url: string): Promise<void> {
  let count = (await readIndex(cache, url))?.chunks.length ?? 0;
  while (await cache.match(partialKey(url, count))) count++; // saved just before a reload, not yet indexed
  await cache.delete(partialKey(url, 'index'));
  for (let i = count - 1; i >= 0; i--) await cache.delete(partialKey(url, i));
}

/** The saved bytes of one file plus the received bytes not saved yet. */
export class PartialFile {
  /** Sizes of the chunks saved in the cache. */
  private saved: number[];
  private unsaved: Uint8Array[] = [];
  private unsavedLength = 0;

  private constructor(
    private readonly cache: ModelCache,
    readonly url: string,
    private readonly file: ModelFile,
    saved: number[] = [],
  ) {
    this.saved = saved;
  }

  /** Nothing received yet. */
  static empty(cache: ModelCache, url: string, file: ModelFile): PartialFile {
    return new PartialFile(cache, url, file);
  }

  /**
   * What an earlier run saved of this file, when all of it is there and was saved for this manifest entry; else
   * undefined, and whatever was there is deleted (so a file changed upstream or a chunk lost restarts cleanly).
   */
  static async load(cache: ModelCache, url: string, file: ModelFile): Promise<PartialFile | undefined> {
    const index = await readIndex(cache, url);
    if (!index) {
      if (await cache.match(partialKey(url, 0))) await deletePartial(cache, url); // chunks left without an index
      return undefined;
    }
    const total = index.chunks.reduce((s, n) => s + n, 0);
    const sameFile = index.bytes === file.bytes && index.sha256 === file.sha256?.toLowerCase();
    let complete = sameFile && (file.bytes === undefined || total <= file.bytes);
    for (let i = 0; complete && i < index.chunks.length; i++) {
      complete = (await cachedSize(cache, partialKey(url, i))) === index.chunks[i];
    }
    if (!complete) {
      await deletePartial(cache, url);
      return undefined;
    }
    return new PartialFile(cache, url, file, index.chunks);
  }

  /** Bytes received: saved plus in memory. */
  get received(): number {
    return this.savedBytes + this.unsavedLength;
  }

  get savedBytes(): number {
    return this.saved.reduce((s, n) => s + n, 0);
  }

  /** Bytes received and not saved yet (what a reload would lose). */
  get unsavedBytes(): number {
    return this.unsavedLength;
  }

  append(bytes: Uint8Array): void {
    this.unsaved.push(bytes);
    this.unsavedLength += bytes.length;
  }

  /** Saves the bytes in memory as one more chunk. If the cache refuses (storage full), they stay in memory. */
  async save(): Promise<void> {
    if (this.unsavedLength === 0) return;
    const bytes = concat(this.unsaved, this.unsavedLength);
    const chunks = [...this.saved, bytes.length];
    await this.cache.put(
      partialKey(this.url, this.saved.length),
      new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) },
      }),
    );
    const index: PartialIndex = { version: 1, chunks, bytes: this.file.bytes, sha256: this.file.sha256?.toLowerCase() };
    await this.cache.put(
      partialKey(this.url, 'index'),
      new Response(JSON.stringify(index), {
        headers: { 'Content-Type': 'application/json' },
      }),
    );
    this.saved = chunks;
    this.unsaved = [];
    this.unsavedLength = 0;
  }

  /** Every byte received, in one array (read back from the cache): what is verified and stored at the end. */
  async read(): Promise<Uint8Array> {
    if (this.saved.length === 0) return concat(this.unsaved, this.unsavedLength);
    const out = new Uint8Array(this.received);
    let offset = 0;
    for (let i = 0; i < this.saved.length; i++) {
      const res = await this.cache.match(partialKey(this.url, i));
      const chunk = res ? new Uint8Array(await res.arrayBuffer()) : undefined;
      if (!chunk || chunk.length !== this.saved[i]) throw new Error(`saved chunk ${i} is ${chunk ? 'the wrong size' : 'missing'}`);
      out.set(chunk, offset);
      offset += chunk.length;
    }
    for (const c of this.unsaved) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }

  /** Keeps the whole file in memory only, deleting the saved chunks (frees their storage for the file itself). */
  async keepInMemoryOnly(bytes: Uint8Array): Promise<void> {
    await deletePartial(this.cache, this.url);
    this.saved = [];
    this.unsaved = [bytes];
    this.unsavedLength = bytes.length;
  }

  /** Forgets every byte, in memory and in the cache. */
  async clear(): Promise<void> {
    this.saved = [];
    this.unsaved = [];
    this.unsavedLength = 0;
    await deletePartial(this.cache, this.url);
  }
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
