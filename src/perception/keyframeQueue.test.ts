import { describe, expect, it } from 'vitest';
import type { Detection } from './detector';
import { KeyframeDetectionQueue, uniqueLabels, type KeyframeDetectionsMessage } from './keyframeQueue';

interface FakeImage {
  id: number;
  width: number;
  height: number;
  closed: boolean;
}

/** A fake detector: every label whose name is in the image's "contents" is found, one box per label. */
function setup(contents: Record<number, string[]>, options: { delayMs?: number; failOn?: number; maxKept?: number } = {}) {
  const posted: KeyframeDetectionsMessage[] = [];
  const errors: string[] = [];
  const calls: { image: number; labels: string[] }[] = [];
  let running = 0;
  let maxRunning = 0;
  const queue = new KeyframeDetectionQueue<FakeImage>(
    {
      async detect(image, labels) {
        running++;
        maxRunning = Math.max(maxRunning, running);
        calls.push({ image: image.id, labels: [...labels] });
        await new Promise((r) => setTimeout(r, options.delayMs ?? 1));
        running--;
        if (image.closed) throw new Error('detect on a closed image');
        if (image.id === options.failOn) throw new Error('boom');
        return labels
          .filter((l) => (contents[image.id] ?? []).includes(l))
          .map((label): Detection => ({ label, score: 0.9, box: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 } }));
      },
      size: (image) => ({ width: image.width, height: image.height }),
      release: (image) => {
        image.closed = true;
      },
      post: (m) => posted.push(m),
      onError: (m) => errors.push(m),
    },
    { labels: ['chair', 'Tables', 'chair'], maxKept: options.maxKept },
  );
  const img = (id: number): FakeImage => ({ id, width: 64, height: 48, closed: false });
  return { queue, posted, errors, calls, img, maxRunning: () => maxRunning };
}

describe('KeyframeDetectionQueue', () => {
  it('normalises and dedupes its labels; defaults to the indoor vocabulary', () => {
    expect(setup({}).queue.labels).toEqual(['chair', 'table']);
    expect(uniqueLabels(['Sofas', 'couch', 'TV(s)', ''])).toEqual(['sofa', 'tv']);
    const q = new KeyframeDetectionQueue<FakeImage>({ detect: async () => [], size: () => ({ width: 1, height: 1 }), release: () => {}, post: () => {} });
    expect(q.labels).toContain('refrigerator');
    expect(q.labels.length).toBeGreaterThan(60);
  });

  it('detects keyframes one at a time, in order, and answers a ping after the frames sent before it', async () => {
    const { queue, posted, img, maxRunning } = setup({ 1: ['chair'], 2: ['table', 'sofa'] });
    queue.frame(1, img(1));
    queue.frame(2, img(2));
    queue.ping(7);
    queue.frame(3, img(3));
    expect(queue.pending).toBe(3);
    await queue.idle();
    expect(maxRunning()).toBe(1);
    expect(posted.map((m) => (m.type === 'pong' ? `pong${m.id}` : `kf${m.keyframe}`))).toEqual(['kf1', 'kf2', 'pong7', 'kf3']);
    const kf2 = posted[1]!;
    expect(kf2.type === 'detections' && kf2.detections.map((d) => d.label)).toEqual(['table']);
    expect(kf2.type === 'detections' && [kf2.width, kf2.height]).toEqual([64, 48]);
    expect(queue.pending).toBe(0);
    expect(queue.keptKeyframes).toEqual([1, 2, 3]);
  });

  it('looks for new labels in the kept keyframes, with the whole label set, posting only the new ones', async () => {
    const { queue, posted, calls, img } = setup({ 1: ['chair', 'sofa'], 2: ['table'], 3: ['sofa', 'tv'] });
    [1, 2, 3].forEach((k) => queue.frame(k, img(k)));
    await queue.idle();
    posted.length = 0;
    calls.length = 0;
    expect(await queue.lookFor(['couches', 'chair'])).toEqual(['sofa']);
    expect(calls.every((c) => c.labels.join() === 'chair,table,sofa')).toBe(true);
    expect(posted).toEqual([
      { type: 'detections', keyframe: 1, width: 64, height: 48, detections: [{ label: 'sofa', score: 0.9, box: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 } }] },
      { type: 'detections', keyframe: 3, width: 64, height: 48, detections: [{ label: 'sofa', score: 0.9, box: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 } }] },
    ]);
    // Known labels cost nothing; new keyframes are searched for the grown set.
    calls.length = 0;
    expect(await queue.lookFor(['sofa'])).toEqual([]);
    expect(calls).toHaveLength(0);
    queue.frame(4, img(4));
    await queue.idle();
    expect(calls[0]!.labels).toEqual(['chair', 'table', 'sofa']);
  });

  it('reports search progress, and a stopped search ends after the current keyframe and forgets its labels', async () => {
    const { queue, calls, img } = setup({ 1: ['chair'], 2: ['sofa'], 3: ['sofa'], 4: ['sofa'] }, { delayMs: 5 });
    [1, 2, 3, 4].forEach((k) => queue.frame(k, img(k)));
    await queue.idle();
    calls.length = 0;
    const progress: string[] = [];
    const search = queue.lookFor(['sofa'], (done, total) => {
      progress.push(`${done}/${total}`);
      if (done === 1) queue.stopSearch();
    });
    expect(await search).toEqual([]);
    expect(progress).toEqual(['0/4', '1/4']);
    expect(calls).toHaveLength(2); // the keyframe being searched when Stop came was finished, no more
    // Not searched to the end: a later question searches for it again.
    calls.length = 0;
    expect(await queue.lookFor(['sofa'])).toEqual(['sofa']);
    expect(calls).toHaveLength(4);
  });

  it('reset drops queued and kept keyframes, closes them, and posts nothing stale', async () => {
    const { queue, posted, img } = setup({ 1: ['chair'], 2: ['chair'] }, { delayMs: 5 });
    const a = img(1),
      b = img(2),
      c = img(3);
    queue.frame(0, c);
    await queue.idle();
    queue.frame(1, a);
    queue.frame(2, b);
    await new Promise((r) => setTimeout(r, 1)); // frame 1 is being detected
    queue.reset();
    await queue.idle();
    expect(posted.filter((m) => m.type === 'detections').map((m) => m.type === 'detections' && m.keyframe)).toEqual([0]);
    expect([a.closed, b.closed, c.closed]).toEqual([true, true, true]);
    expect(queue.keptKeyframes).toEqual([]);
  });

  it('a failing keyframe is reported, posted empty, and the queue goes on', async () => {
    const { queue, posted, errors, img } = setup({ 1: ['chair'], 3: ['chair'] }, { failOn: 2 });
    [1, 2, 3].forEach((k) => queue.frame(k, img(k)));
    queue.ping(1);
    await queue.idle();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/boom/);
    const counts = posted.map((m) => (m.type === 'detections' ? m.detections.length : -1));
    expect(counts).toEqual([1, 0, 1, -1]);
  });

  it('keeps a bounded, evenly thinned set of keyframes, closing the dropped ones', async () => {
    const { queue, img } = setup({}, { maxKept: 4 });
    const images = [0, 1, 2, 3, 4].map(img);
    images.forEach((im, k) => queue.frame(k, im));
    await queue.idle();
    expect(queue.keptKeyframes).toEqual([0, 2, 4]);
    expect(images.map((im) => im.closed)).toEqual([false, true, false, true, false]);
  });
});
