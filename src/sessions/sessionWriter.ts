// Saves a growing session in batches: records are queued as the capture makes them and written in one
// transaction at most `flushMs` later, so a reload or crash loses at most that much. A refused write
// (storage full, or any other failure) pauses saving: the failed batch stays queued, nothing saved
// before is touched, the capture goes on in memory, and `resume()` retries (e.g. after old sessions
// were deleted). A full disk is also retried on its own every `retryMs` while records keep coming, since
// the browser may credit freed space only later.
import type { MapCorrection } from '../geometry/types';
import { isQuotaError, sessionRange, type SessionsDb } from './db';
import type { DetectionRecord, KeyframeRecord, PointChunk, SessionMeta, SessionState } from './types';

export interface WriterEvents {
  /** Saving stopped; `full` when the browser's storage for this site is full. */
  onPaused(full: boolean, message: string): void;
  /** Saving goes on after a pause, with everything queued meanwhile written. */
  onResumed(): void;
}

/** Records per transaction (a keyframe and its points are two). */
const SLICE = 8;
/** Points per chunk when a corrected map is saved whole. */
const CORRECTED_CHUNK = 65_536;

type Pending =
  | { kind: 'keyframe'; record: Omit<KeyframeRecord, 'image'>; image: Promise<Blob | null> }
  | { kind: 'points'; record: PointChunk }
  | { kind: 'detections'; record: DetectionRecord }
  | { kind: 'correction'; correction: Omit<MapCorrection, 'stats'> };

export class SessionWriter {
  private queue: Pending[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();
  private paused = false;
  /** The session is being deleted: nothing more is written. */
  private discarded = false;
  /** When saving paused on a full disk (0: not paused for that). */
  private fullSince = 0;
  private retrying = false;
  private state: SessionState = 'recording';
  private framesSeen = 0;

  constructor(
    private readonly db: SessionsDb,
    readonly id: string,
    private readonly name: string,
    private readonly events: WriterEvents,
    private readonly flushMs = 500,
    private readonly retryMs = 10_000,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  /** The image is encoded off the caller's path; the record waits for it. */
  addKeyframe(record: Omit<KeyframeRecord, 'image' | 'sessionId'>, image: Promise<Blob | null>): void {
    this.push({ kind: 'keyframe', record: { ...record, sessionId: this.id }, image: image.catch(() => null) });
  }

  addPoints(seq: number, points: Float32Array, colors: Uint8Array): void {
    if (points.length) this.push({ kind: 'points', record: { sessionId: this.id, seq, points, colors } });
  }

  /**
   * A loop closure moved the keyframes and the map: the saved poses are rewritten and the saved points replaced by the
   * corrected map (the arrays are kept, not copied). Records still queued take the new poses now; queued points are
   * part of the corrected map, so they are dropped, as is an earlier correction not yet written.
   */
  correct(correction: Omit<MapCorrection, 'stats'>): void {
    const poses = new Map(correction.poses.map((p) => [p.index, p.pose]));
    this.queue = this.queue.filter((p) => p.kind !== 'points' && p.kind !== 'correction');
    for (const p of this.queue) if (p.kind === 'keyframe') p.record = withPose(p.record, poses.get(p.record.index), correction.world);
    this.push({ kind: 'correction', correction });
  }

  addDetections(record: Omit<DetectionRecord, 'sessionId'>): void {
    this.push({ kind: 'detections', record: { ...record, sessionId: this.id } });
  }

  /** Frames seen by the capture so far (saved with the next batch). */
  setFramesSeen(n: number): void {
    this.framesSeen = n;
  }

  /** Sets 'recording' / 'saved' and writes everything queued now. */
  async setState(state: SessionState): Promise<void> {
    this.state = state;
    await this.flush(true);
  }

  /** Writes what is queued now (the session record too when `touch`); resolves when written or paused. */
  flush(touch = false): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const run = this.writing.then(() => this.write(touch));
    this.writing = run;
    return run;
  }

  /**
   * Stops writing for good (the session is being deleted) and resolves once a write in flight has ended, so the
   * deletion cannot be followed by a late write that brings the session back.
   */
  async discard(): Promise<void> {
    this.discarded = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    await this.writing;
  }

  /** Retries after a pause (the queued records were kept). */
  resume(): Promise<void> {
    this.paused = false;
    this.retrying = true;
    return this.flush(true);
  }

  private push(p: Pending): void {
    this.queue.push(p);
    if (this.paused && this.fullSince && Date.now() - this.fullSince >= this.retryMs) {
      void this.resume();
      return;
    }
    if (!this.paused && !this.timer) this.timer = setTimeout(() => void this.flush(), this.flushMs);
  }

  private async write(touch: boolean): Promise<void> {
    if (this.discarded || this.paused || (!this.queue.length && !touch)) return;
    const batch = this.queue;
    this.queue = [];
    const images = await Promise.all(batch.map((p) => (p.kind === 'keyframe' ? p.image : null)));
    // A few records a transaction: a backlog (after a pause) is saved as far as it fits, not all or nothing.
    for (let start = 0; start === 0 || start < batch.length; start += SLICE) {
      try {
        await this.writeSlice(batch.slice(start, start + SLICE), images.slice(start, start + SLICE));
      } catch (err) {
        // That transaction was rolled back as a whole: it and the rest go back in front, in order.
        const left = batch.slice(start).map((p, i) => (p.kind === 'keyframe' ? { ...p, image: Promise.resolve(images[start + i] ?? null) } : p));
        this.queue = [...left, ...this.queue];
        this.paused = true;
        this.retrying = false;
        const full = isQuotaError(err);
        this.fullSince = full ? Date.now() : 0;
        this.events.onPaused(
          full,
          full
            ? 'Storage is full: this session is no longer being saved. The capture goes on in memory and what was saved is kept. Delete old sessions to free space (the browser may take a while to reclaim it); saving resumes by itself once there is room.'
            : `This session could not be saved (${(err as Error).message}). The capture goes on in memory and what was saved is kept.`,
        );
        return;
      }
    }
    if (this.retrying) {
      this.retrying = false;
      this.fullSince = 0;
      this.events.onResumed();
    }
  }

  private async writeSlice(batch: Pending[], images: (Blob | null)[]): Promise<void> {
    const tx = this.db.transaction(['sessions', 'keyframes', 'points', 'detections'], 'readwrite');
    const sessions = tx.objectStore('sessions');
    const now = Date.now();
    const saved = await sessions.get(this.id);
    if (!saved && !batch.length) return; // no record for a session that has nothing yet (e.g. a file that would not open)
    const meta: SessionMeta = saved ?? {
      id: this.id,
      name: this.name,
      createdAt: now,
      updatedAt: now,
      state: this.state,
      keyframes: 0,
      points: 0,
      bytes: 0,
      framesSeen: 0,
    };
    /** The saved keyframes take their corrected poses (the newest also the world frame) and the points are replaced. */
    const writeCorrection = async (c: Omit<MapCorrection, 'stats'>): Promise<void> => {
      const poses = new Map(c.poses.map((p) => [p.index, p.pose]));
      const keyframes = tx.objectStore('keyframes');
      const saved = await keyframes.getAll(sessionRange(this.id));
      await Promise.all(saved.filter((k) => poses.has(k.index)).map((k) => keyframes.put(withPose(k, poses.get(k.index), c.world))));
      const points = tx.objectStore('points');
      await points.delete(sessionRange(this.id));
      meta.bytes -= meta.points * 15;
      const n = c.points.length / 3;
      // Negative sequence numbers: before the chunks of keyframes still to come, which are numbered by keyframe index.
      const chunks = Math.ceil(n / CORRECTED_CHUNK);
      for (let k = 0; k < chunks; k++) {
        const [a, b] = [k * CORRECTED_CHUNK * 3, Math.min(n, (k + 1) * CORRECTED_CHUNK) * 3];
        await points.put({ sessionId: this.id, seq: k - chunks, points: c.points.slice(a, b), colors: c.colors.slice(a, b) });
      }
      meta.points = n;
      meta.bytes += n * 15;
    };
    const writes: Promise<unknown>[] = [];
    // In order: a correction deletes the saved points, so what came before it must be written before, and after it after.
    for (const [i, p] of batch.entries()) {
      if (p.kind === 'keyframe') {
        const image = images[i] ?? null;
        meta.keyframes++;
        meta.bytes += (image?.size ?? 0) + (p.record.stored?.depth.data.byteLength ?? 0) + 512;
        writes.push(tx.objectStore('keyframes').put({ ...p.record, image }));
      } else if (p.kind === 'correction') {
        await writeCorrection(p.correction).catch(async (err) => {
          await Promise.allSettled(writes); // the transaction is lost as a whole: no stray rejections
          throw err;
        });
      } else if (p.kind === 'points') {
        meta.points += p.record.points.length / 3;
        meta.bytes += p.record.points.byteLength + p.record.colors.byteLength;
        writes.push(tx.objectStore('points').put(p.record));
      } else {
        meta.bytes += 64 + 64 * p.record.detections.length;
        writes.push(tx.objectStore('detections').put(p.record));
      }
    }
    meta.updatedAt = now;
    meta.state = this.state;
    meta.framesSeen = Math.max(meta.framesSeen, this.framesSeen);
    writes.push(sessions.put(meta));
    await Promise.all([...writes, tx.done]);
  }
}

/** A keyframe record with a corrected pose (its info's world frame too); unchanged without one. */
function withPose<R extends Omit<KeyframeRecord, 'image'>>(record: R, pose: Float32Array | undefined, world: MapCorrection['world']): R {
  if (!pose) return record;
  return { ...record, info: { ...record.info, pose, world }, stored: record.stored ? { ...record.stored, pose } : null };
}
