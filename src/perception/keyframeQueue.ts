// The detector worker's work list: keyframes from the geometry worker are detected one at a time, in order,
// with the current label set; a ping is answered once everything sent before it is done; a label asked about for
// the first time is looked for again in the keyframes kept so far. Plain module (the image type is a parameter),
// so it runs in Node tests with fake images and a fake detector.
import type { Detection } from './detector';
import { INDOOR_VOCABULARY, normaliseLabel } from './vocabulary';

/** Detector → geometry worker (structurally the `DetectionMessage` of workers/messages.ts). */
export type KeyframeDetectionsMessage =
  | { type: 'detections'; keyframe: number; width: number; height: number; detections: Detection[] }
  | { type: 'pong'; id: number };

export interface KeyframeQueueDeps<I> {
  /** Runs the detector on one image; boxes in the image's own pixels. */
  detect(image: I, labels: readonly string[]): Promise<Detection[]>;
  size(image: I): { width: number; height: number };
  /** Frees an image the queue no longer needs (ImageBitmap.close). */
  release(image: I): void;
  post(message: KeyframeDetectionsMessage): void;
  onError?(message: string): void;
}

export interface KeyframeQueueOptions {
  labels?: readonly string[];
  /** Keyframes kept for later label searches; past this, every other one is dropped (coverage stays uniform). */
  maxKept?: number;
}

export class KeyframeDetectionQueue<I> {
  private chain: Promise<void> = Promise.resolve();
  private generation = 0;
  private pendingFrames = 0;
  private readonly kept: { keyframe: number; image: I }[] = [];
  /** The label search under way (lookFor). */
  private search: { stopped: boolean } | null = null;
  private readonly labelSet: string[];
  private readonly maxKept: number;

  constructor(
    private readonly deps: KeyframeQueueDeps<I>,
    options: KeyframeQueueOptions = {},
  ) {
    this.labelSet = uniqueLabels(options.labels ?? INDOOR_VOCABULARY);
    this.maxKept = options.maxKept ?? 128;
  }

  get labels(): readonly string[] {
    return this.labelSet;
  }

  /** Keyframes waiting for detection. */
  get pending(): number {
    return this.pendingFrames;
  }

  get keptKeyframes(): number[] {
    return this.kept.map((k) => k.keyframe);
  }

  /** Queues a keyframe; its detections are posted when its turn comes. The queue owns the image from now on. */
  frame(keyframe: number, image: I): void {
    const gen = this.generation;
    this.pendingFrames++;
    this.enqueue(async () => {
      this.pendingFrames--;
      if (gen !== this.generation) {
        this.deps.release(image);
        return;
      }
      const detections = await this.detectOrReport(image, this.labelSet);
      if (gen !== this.generation) {
        this.deps.release(image);
        return;
      }
      const { width, height } = this.deps.size(image);
      this.deps.post({ type: 'detections', keyframe, width, height, detections: detections ?? [] });
      this.keep(keyframe, image);
    });
  }

  /** Answers with a pong once every keyframe (and label search) queued before it is done. */
  ping(id: number): void {
    this.enqueue(async () => this.deps.post({ type: 'pong', id }));
  }

  /**
   * Adds labels to the set looked for in new keyframes, and looks for the new ones in every kept keyframe (with the
   * whole label set, so a box keeps the label that fits it best; only detections of new labels are posted).
   * `onProgress` hears (keyframes searched, keyframes to search). Resolves with the labels that were new, once the
   * search is done; a search ended by `stopSearch` forgets its labels, so a later question searches for them again.
   */
  lookFor(labels: readonly string[], onProgress?: (done: number, total: number) => void): Promise<string[]> {
    const fresh = uniqueLabels(labels).filter((l) => !this.labelSet.includes(l));
    if (fresh.length === 0) return this.idle().then(() => []);
    this.labelSet.push(...fresh);
    const gen = this.generation;
    const labelsNow = [...this.labelSet];
    const search = { stopped: false };
    this.search = search;
    const done = this.enqueue(async () => {
      const keyframes = [...this.kept];
      for (const [i, k] of keyframes.entries()) {
        if (gen !== this.generation || search.stopped) break;
        onProgress?.(i, keyframes.length);
        const detections = await this.detectOrReport(k.image, labelsNow);
        if (gen !== this.generation) return;
        const found = (detections ?? []).filter((d) => fresh.includes(d.label));
        const { width, height } = this.deps.size(k.image);
        if (found.length > 0) this.deps.post({ type: 'detections', keyframe: k.keyframe, width, height, detections: found });
      }
      if (search.stopped) this.labelSet.splice(0, this.labelSet.length, ...this.labelSet.filter((l) => !fresh.includes(l)));
      else onProgress?.(keyframes.length, keyframes.length);
    });
    return done.then(() => (search.stopped ? [] : fresh));
  }

  /** Ends the label search under way after the keyframe being searched now. */
  stopSearch(): void {
    if (this.search) this.search.stopped = true;
  }

  /** Drops queued and kept keyframes (a new capture starts); work already running is discarded. */
  reset(): void {
    this.generation++;
    for (const k of this.kept) this.deps.release(k.image);
    this.kept.length = 0;
  }

  /** Resolves when everything queued so far is done. */
  idle(): Promise<void> {
    return this.enqueue(async () => undefined);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task);
    this.chain = run.catch((err: unknown) => this.deps.onError?.(String((err as Error)?.message ?? err)));
    return run;
  }

  private async detectOrReport(image: I, labels: readonly string[]): Promise<Detection[] | null> {
    try {
      return await this.deps.detect(image, labels);
    } catch (err) {
      this.deps.onError?.(`Object detection failed: ${String((err as Error)?.message ?? err)}`);
      return null;
    }
  }

  private keep(keyframe: number, image: I): void {
    this.kept.push({ keyframe, image });
    if (this.kept.length > this.maxKept) {
      // Every other kept keyframe goes, so the kept ones stay spread over the whole capture.
      const stay = this.kept.filter((_, i) => i % 2 === 0);
      this.kept.filter((_, i) => i % 2 === 1).forEach((k) => this.deps.release(k.image));
      this.kept.splice(0, this.kept.length, ...stay);
    }
  }
}

/** Category names, normalised ("Chairs" → "chair"), in order, without repeats. */
export function uniqueLabels(labels: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of labels) {
    const n = normaliseLabel(l);
    if (n.length > 0 && !out.includes(n)) out.push(n);
  }
  return out;
}
