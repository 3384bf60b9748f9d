import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GEOMETRY_FILE, writeGeometryFixture } from '../../scripts/fixtures/geometry.ts';
import { identity } from './mat4';
import { FIRST_ESTIMATES } from './cameraFocal';
import { KeyframePipeline, type FrameOps, type PoseSource } from './keyframePipeline';
import { MogeDepthModel, type TensorConstructor } from './moge';
import { composeRigid, rigidToMatrix, type Rigid } from './rigid';
import type { KeyframeGeometry, MapCorrection, RgbaImage } from './types';

/** Frames are plain RGBA images here; the worker uses VideoFrames with canvas ops of the same shape. */
const nearestOps: FrameOps<RgbaImage> & { closed: number } = {
  closed: 0,
  size: (f) => ({ width: f.width, height: f.height }),
  toRgba(f, width, height) {
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const s = (Math.floor((y * f.height) / height) * f.width + Math.floor((x * f.width) / width)) * 4;
        data.set(f.data.subarray(s, s + 4), (y * width + x) * 4);
      }
    }
    return { width, height, data };
  },
  close() {
    this.closed++;
  },
};

/** Poses are not what these tests are about: a camera that never moves (or is lost on every n-th keyframe). */
function stillCamera(lostEvery = 0): PoseSource {
  let n = 0;
  return {
    poseFor: () => {
      const lost = lostEvery > 0 && ++n % lostEvery === 0;
      return lost
        ? { pose: null, tracking: { status: 'lost', reason: 'test', inliers: 0 } }
        : { pose: identity(), tracking: { status: 'tracked', inliers: 100 } };
    },
    reset: () => (n = 0),
  };
}

/** A 320x240 frame: a brightness ramp whose offset moves with `shift` (a panning camera). */
function frame(shift: number): RgbaImage {
  const width = 320;
  const height = 240;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const v = 40 + ((x + shift) % width) * 0.6;
    data.set([v, v, v, 255], i * 4);
  }
  return { width, height, data };
}

describe('KeyframePipeline on the MoGe fixture', () => {
  let dir: string;
  let model: MogeDepthModel;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'room3r-pipeline-'));
    const { repo } = await writeGeometryFixture(dir);
    const session = await ort.InferenceSession.create(join(dir, repo, GEOMETRY_FILE));
    model = new MogeDepthModel(session, ort.Tensor as unknown as TensorConstructor);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('chooses keyframes by motion, runs depth on each and streams world points with a pose', async () => {
    const out: KeyframeGeometry[] = [];
    const errors: Error[] = [];
    const chosen: number[] = [];
    const pipeline = new KeyframePipeline(
      nearestOps,
      model,
      stillCamera(),
      {
        onKeyframeChosen: (_f, kf) => chosen.push(kf.sourceFrame),
        onGeometry: (g) => out.push(g),
        onError: (e) => errors.push(e),
      },
      { maxPointsPerKeyframe: 5000 },
    );
    nearestOps.closed = 0;
    // 10 frames at 10 fps: still for 5 frames, then panning fast.
    const shifts = [0, 0, 0, 0, 0, 60, 120, 180, 240, 300];
    shifts.forEach((s, i) => pipeline.push(frame(s), { sourceFrame: i, timestampMs: i * 100 }));
    await pipeline.idle();

    expect(errors).toEqual([]);
    expect(nearestOps.closed).toBe(10); // every frame is released, keyframe or not
    expect(chosen[0]).toBe(0);
    expect(chosen.filter((f) => f >= 1 && f <= 4)).toEqual([]); // still frames are not keyframes
    expect(chosen.filter((f) => f >= 5).length).toBeGreaterThanOrEqual(4);
    expect(out.map((g) => g.sourceFrame)).toEqual(chosen);
    expect(out.map((g) => g.index)).toEqual(chosen.map((_, i) => i));
    for (const g of out) {
      expect(g.points.length).toBe(g.colors.length);
      expect(g.points.length / 3).toBeGreaterThan(1000);
      expect(g.points.length / 3).toBeLessThanOrEqual(5000);
      expect(g.pose).toHaveLength(16);
      expect(g.intrinsics.fx).toBeGreaterThan(0);
    }
    // Data flowed: different images gave different geometry.
    expect(out[0]!.points.slice(0, 30)).not.toEqual(out[out.length - 1]!.points.slice(0, 30));
  });

  it("gives the depth model the capture's focal length once the first keyframes have estimated it", async () => {
    const asked: ({ fx?: number } | undefined)[] = [];
    const recording = {
      inputSize: model.inputSize.bind(model),
      estimate(image: RgbaImage, options?: { fx?: number }) {
        asked.push(options);
        return model.estimate(image, options);
      },
    };
    const out: KeyframeGeometry[] = [];
    const pipeline = new KeyframePipeline(nearestOps, recording, stillCamera(), { onGeometry: (g) => out.push(g), onError: () => {} });
    for (let i = 0; i < 7; i++) pipeline.push(frame(i * 40), { sourceFrame: i, timestampMs: i * 1000, forceKeyframe: true });
    await pipeline.idle();
    expect(asked.slice(0, FIRST_ESTIMATES).every((o) => o?.fx === undefined)).toBe(true);
    const first = out
      .slice(0, FIRST_ESTIMATES)
      .map((g) => g.intrinsics.fx)
      .sort((a, b) => a - b);
    expect(asked[FIRST_ESTIMATES]?.fx).toBeCloseTo(first[FIRST_ESTIMATES >> 1]!, 6);
    expect(out[FIRST_ESTIMATES]!.intrinsics.fx).toBeCloseTo(asked[FIRST_ESTIMATES]!.fx!, 3);
    expect(asked[FIRST_ESTIMATES + 1]?.fx).toBeGreaterThan(0);
    // A new capture estimates its own camera again.
    pipeline.reset();
    asked.length = 0;
    pipeline.push(frame(0), { sourceFrame: 0, timestampMs: 0, forceKeyframe: true });
    await pipeline.idle();
    expect(asked[0]?.fx).toBeUndefined();
  });

  it('refuses keyframes beyond its queue limit instead of lagging, and forgets them on reset', async () => {
    const out: KeyframeGeometry[] = [];
    const pipeline = new KeyframePipeline(nearestOps, model, stillCamera(), { onGeometry: (g) => out.push(g), onError: () => {} }, { maxQueue: 2 });
    for (let i = 0; i < 6; i++) pipeline.push(frame(i * 50), { sourceFrame: i, timestampMs: i * 1000 });
    expect(pipeline.pending).toBe(3); // one in the model, two waiting: the rest were refused
    await pipeline.idle();
    expect(out.length).toBe(3);
    // Chosen frames (image sets) are never refused.
    for (let i = 0; i < 6; i++) pipeline.push(frame(i * 50), { sourceFrame: i, timestampMs: 60_000 + i * 1000, forceKeyframe: true });
    expect(pipeline.pending).toBe(6);
    await pipeline.idle();
    expect(out.length).toBe(9);

    pipeline.push(frame(0), { sourceFrame: 0, timestampMs: 0, forceKeyframe: true });
    pipeline.push(frame(100), { sourceFrame: 1, timestampMs: 1000, forceKeyframe: true });
    pipeline.reset();
    await pipeline.idle();
    expect(out.length).toBe(9); // results of a forgotten capture are dropped
  });

  it('keeps a live camera within its lag bound: keyframes a slow depth model cannot take in time are skipped', async () => {
    // A depth model that takes over 60 ms a keyframe (a sleep, then the fixture).
    const slow = {
      inputSize: (w: number, h: number) => model.inputSize(w, h),
      estimate: async (image: RgbaImage) => {
        await new Promise((r) => setTimeout(r, 60));
        return model.estimate(image);
      },
    };
    const live = async (maxLiveLagMs: number) => {
      const pipeline = new KeyframePipeline(nearestOps, slow, stillCamera(), { onGeometry: () => {}, onError: () => {} }, { maxLiveLagMs });
      // Before a keyframe has been timed, one may wait beside the one in the model.
      for (let i = 0; i < 4; i++) pipeline.push(frame(i * 50), { sourceFrame: i, timestampMs: i * 1000, live: true });
      expect([pipeline.pending, pipeline.skippedKeyframes]).toEqual([2, 2]);
      await pipeline.idle();
      for (let i = 4; i < 10; i++) pipeline.push(frame(i * 50), { sourceFrame: i, timestampMs: i * 1000, live: true });
      const waiting = pipeline.pending;
      await pipeline.idle();
      return { waiting, skipped: pipeline.skippedKeyframes };
    };
    // A 100 ms bound fits one keyframe of over 60 ms: one waits, four of six are skipped.
    expect(await live(100)).toEqual({ waiting: 2, skipped: 6 });
    // A 10 s bound fits all six (up to the count limit): none is skipped.
    expect(await live(10_000)).toEqual({ waiting: 6, skipped: 2 });
  });

  it('places a keyframe the tracker loses by aligning its depth with the map', async () => {
    // The fixture's depth of a brightness ramp is one smooth surface: it pins the distance, and the motion model's
    // guess the slide along it.
    const out: KeyframeGeometry[] = [];
    const pipeline = new KeyframePipeline(nearestOps, model, stillCamera(2), { onGeometry: (g) => out.push(g), onError: () => {} });
    for (let i = 0; i < 4; i++) pipeline.push(frame(i * 50), { sourceFrame: i, timestampMs: i * 1000, forceKeyframe: true });
    await pipeline.idle();
    expect(out.map((g) => g.tracking.status)).toEqual(['tracked', 'tracked', 'tracked', 'tracked']);
    expect(out.map((g) => g.tracking.odometry === true)).toEqual([false, true, false, true]);
    expect(out.map((g) => g.points.length > 0)).toEqual([true, true, true, true]);
    expect(pipeline.lostFrames).toEqual([]);
  });

  it('uses depth that comes with the input instead of the model', async () => {
    const out: KeyframeGeometry[] = [];
    const pipeline = new KeyframePipeline(nearestOps, model, stillCamera(), { onGeometry: (g) => out.push(g), onError: () => {} });
    const depth = new Float32Array(320 * 240).fill(2);
    pipeline.push(
      frame(0),
      { sourceFrame: 0, timestampMs: 0, forceKeyframe: true },
      { width: 320, height: 240, depth, intrinsics: { fx: 300, fy: 300, cx: 160, cy: 120 } },
    );
    await pipeline.idle();
    expect(out[0]!.timings.inferenceMs).toBe(0);
    // What later stages need is kept: pose, intrinsics and a small copy of the depth.
    expect(pipeline.stored).toHaveLength(1);
    expect(pipeline.stored[0]!.depth.data[0]).toBe(2);
    expect(pipeline.stored[0]!.intrinsics.fx).toBeCloseTo(120);
    expect([out[0]!.width, out[0]!.height]).toEqual([320, 240]);
    const z = out[0]!.points.filter((_, i) => i % 3 === 2);
    expect(Math.min(...z)).toBeCloseTo(2, 5);
    expect(Math.max(...z)).toBeCloseTo(2, 5);
  });
});

describe('KeyframePipeline loop closure', () => {
  const K = { fx: 60, fy: 60, cx: 32, cy: 24 };
  /** Keyframe i's true camera: 5 cm further along x than the one before, looking at a wall 2 m ahead. */
  const truth = (i: number) => ({ R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0.05 * i, 0, 0] as [number, number, number] });
  /** Tracking that measures each step 10 % too long (drift), and, where scripted, a loop to keyframe 0 measured right
   * (or, for `wrongAt`, 0.3 m off). */
  function driftingTracker(loopAt: number[], wrongAt = -1): PoseSource & { corrected: number } {
    let pose = truth(0);
    const source = {
      corrected: 0,
      poseFor(kf: { index: number }) {
        const step = { R: truth(0).R, t: [0.055, 0, 0] as [number, number, number] };
        if (kf.index > 0) pose = composeRigid(pose, step);
        const edges = kf.index > 0 ? [{ from: kf.index - 1, relative: step, loop: false }] : [];
        if (loopAt.includes(kf.index)) edges.push({ from: 0, relative: truth(kf.index), loop: true });
        if (kf.index === wrongAt) edges.push({ from: 1, relative: { R: truth(0).R, t: [0.05 * (wrongAt - 1) + 0.3, 0, 0] }, loop: true });
        return { pose: rigidToMatrix(pose), tracking: { status: 'tracked' as const, inliers: 100 }, edges };
      },
      correct(corrections: ReadonlyMap<number, Rigid>) {
        source.corrected++;
        pose = composeRigid(corrections.get(Math.max(...corrections.keys()))!, pose);
      },
      reset() {},
    };
    return source;
  }
  const noModel = { inputSize: () => ({ width: 64, height: 48 }), estimate: () => Promise.reject(new Error('depth comes with the frames')) };
  async function capture(source: PoseSource, keyframes: number) {
    const corrections: MapCorrection[] = [];
    const pipeline = new KeyframePipeline(nearestOps, noModel, source, { onGeometry: () => {}, onMapCorrected: (c) => corrections.push(c), onError: () => {} });
    const depth = { width: 64, height: 48, depth: new Float32Array(64 * 48).fill(2), intrinsics: K };
    for (let i = 0; i < keyframes; i++) pipeline.push(frame(i * 5), { sourceFrame: i, timestampMs: i * 100, forceKeyframe: true }, depth);
    await pipeline.idle();
    return { pipeline, corrections };
  }

  it('closes a loop: the path, the tracker and the map move back towards the truth, and the view gets the whole map', async () => {
    const source = driftingTracker([29]);
    const { pipeline, corrections } = await capture(source, 30);
    expect(corrections).toHaveLength(1);
    const c = corrections[0]!;
    expect(c.stats).toMatchObject({ keyframe: 29, loopTo: 0, nodes: 30 });
    expect(c.stats.disagreement.moved).toBeCloseTo(0.145, 3);
    // The last keyframe was 14.5 cm off; the loop brings it back (the chain's steps are spread, not dropped).
    expect(pipeline.stored[29]!.pose[12]).toBeCloseTo(truth(29).t[0], 2);
    expect(c.poses).toHaveLength(30);
    expect(source.corrected).toBe(1);
    // The wall the last keyframe saw moved with it: the map's points end where the truth puts them.
    const xs = c.points.filter((_, i) => i % 3 === 0);
    expect(Math.max(...xs)).toBeLessThan(truth(29).t[0] + (32 / 60) * 2 + 0.05);
    expect(c.points.length / 3).toBe(pipeline.map.size);
  });

  it('drops a loop the rest of the graph contradicts, leaving the poses as they were', async () => {
    const { pipeline, corrections } = await capture(driftingTracker([28], 29), 30);
    expect(corrections.map((c) => c.stats.keyframe)).toEqual([28]);
    expect(pipeline.rejectedLoops).toBe(1);
    expect(pipeline.stored[28]!.pose[12]).toBeCloseTo(truth(28).t[0], 2);
  });

  it('closes nothing with loop closure off', async () => {
    const off = new KeyframePipeline(nearestOps, noModel, driftingTracker([29]), { onGeometry: () => {}, onError: () => {} }, { loopClosure: false });
    const depth = { width: 64, height: 48, depth: new Float32Array(64 * 48).fill(2), intrinsics: K };
    for (let i = 0; i < 30; i++) off.push(frame(i * 5), { sourceFrame: i, timestampMs: i * 100, forceKeyframe: true }, depth);
    await off.idle();
    expect(off.loopClosures).toEqual([]);
    expect(off.stored[29]!.pose[12]).toBeCloseTo(0.055 * 29, 4);
  });
});

describe('keyframe store', () => {
  it('shrinks depth with matching intrinsics', async () => {
    const { shrinkDepth } = await import('./keyframeStore');
    const depth = new Float32Array(640 * 480).map((_, i) => (i % 640) / 100);
    const small = shrinkDepth({ width: 640, height: 480, depth, confidence: depth, intrinsics: { fx: 500, fy: 500, cx: 320, cy: 240 } });
    expect([small.width, small.height]).toEqual([128, 96]);
    expect(small.intrinsics).toEqual({ fx: 100, fy: 100, cx: 64, cy: 48 });
    // Pixel 10 of a row covers source columns 50..54: nearest is column 52.
    expect(small.data[10]).toBeCloseTo(0.52, 5);
  });
});
