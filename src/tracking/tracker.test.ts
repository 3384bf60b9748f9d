import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { MonoDepthSim } from '../eval/monoDepthSim';
import { trajectoryMetrics } from '../eval/trajectoryMetrics';
import { matrixToRigid, type Rigid } from '../geometry/rigid';
import type { GivenDepth, Intrinsics } from '../geometry/types';
import { decodeDepthPng, groupRgbdFiles, parseIntrinsics, parsePose } from '../rgbd/sevenScenes';
import { seededRandom } from '../util/random';
import { rgbaToGrey } from './orb';
import { Tracker, type TrackerFrame } from './tracker';

const DATA = resolve(__dirname, '../../../shared/data/redkitchen-7scenes');

type RgbdFile = ReturnType<typeof groupRgbdFiles>[number];
const folderFiles = (n: number) => groupRgbdFiles(readdirSync(DATA)).slice(0, n);
const folderIntrinsics = () => parseIntrinsics(readFileSync(join(DATA, 'camera-intrinsics.txt'), 'utf8'));
const truth = (f: RgbdFile) => matrixToRigid(parsePose(readFileSync(join(DATA, f.pose!), 'utf8'))!);

/** A folder frame as the tracker takes it; `degrade` replaces the recorded depth (a model's errors). */
function loadFrame(f: RgbdFile, k: Intrinsics, degrade?: (given: GivenDepth) => GivenDepth): TrackerFrame {
  const rgb = jpeg.decode(readFileSync(join(DATA, f.color)), { useTArray: true });
  const d = decodeDepthPng(readFileSync(join(DATA, f.depth!)));
  const recorded: GivenDepth = { width: d.width, height: d.height, depth: d.depth, intrinsics: k, source: 'sensor' };
  const given = degrade ? degrade(recorded) : recorded;
  return { grey: rgbaToGrey(rgb.data, rgb.width, rgb.height), depth: given.depth, intrinsics: given.intrinsics, depthSource: given.source };
}

describe.skipIf(!existsSync(DATA))('Tracker on real RGB-D frames (redkitchen, 7-Scenes)', () => {
  it('tracks the first 20 frames with centimetre accuracy against the ground truth', () => {
    const k = folderIntrinsics();
    const tracker = new Tracker();
    const est: Rigid[] = [];
    const gt: Rigid[] = [];
    for (const f of folderFiles(20)) {
      const r = tracker.track(loadFrame(f, k));
      expect(r.pose, `${f.id}: ${r.reason}`).not.toBeNull();
      est.push(r.pose!);
      gt.push(truth(f));
    }
    const m = trajectoryMetrics(est, gt);
    expect(m.ateRmse).toBeLessThan(0.06);
    expect(m.scaleRatio).toBeGreaterThan(0.9);
    expect(m.scaleRatio).toBeLessThan(1.1);
  });

  it('tracks 40 frames of model-like depth (a wandering scale, smooth shape errors) to a few centimetres in shape', () => {
    const k = folderIntrinsics();
    const sim = new MonoDepthSim({ seed: 3, focalErrorStd: 0 });
    const tracker = new Tracker();
    const est: Rigid[] = [];
    const gt: Rigid[] = [];
    for (const f of folderFiles(40)) {
      const r = tracker.track(loadFrame(f, k, (given) => sim.degrade(given)));
      if (!r.pose) continue;
      est.push(r.pose);
      gt.push(truth(f));
    }
    expect(est.length).toBeGreaterThanOrEqual(38);
    expect(trajectoryMetrics(est, gt).ateSimilarityRmse).toBeLessThan(0.05);
  });

  it('relocalises frames shown out of order against a map of known keyframes, matching only the few retrieval proposes', () => {
    const k = folderIntrinsics();
    const files = folderFiles(40);
    const tracker = new Tracker();
    // Every other frame is in the map; the queries are the frames between, in an order no motion model follows.
    for (let i = 0; i < files.length; i += 2) tracker.addKnownKeyframe(loadFrame(files[i]!, k), truth(files[i]!));
    for (const i of [31, 5, 23, 13, 37]) {
      const r = tracker.track(loadFrame(files[i]!, k));
      expect(r.pose, `${files[i]!.id}: ${r.reason}`).not.toBeNull();
      const gt = truth(files[i]!).t;
      expect(Math.hypot(r.pose!.t[0] - gt[0], r.pose!.t[1] - gt[1], r.pose!.t[2] - gt[2])).toBeLessThan(0.1);
    }
  });

  it('relocalises frames whose depth a model made a few % too small or too large, as a model does from frame to frame', () => {
    const k = folderIntrinsics();
    const files = folderFiles(40);
    const tracker = new Tracker();
    for (let i = 0; i < files.length; i += 2) tracker.addKnownKeyframe(loadFrame(files[i]!, k), truth(files[i]!));
    // A scale error reads, to a rigid fit, as a move along the view: 7 % at 2.5 m is 17 cm.
    const scaledBy =
      (s: number) =>
      (given: GivenDepth): GivenDepth => ({ ...given, depth: given.depth.map((z) => z * s), source: 'model' });
    for (const [i, s] of [
      [31, 0.93],
      [5, 1.07],
      [23, 0.93],
      [13, 1.07],
      [37, 0.93],
    ] as const) {
      const r = tracker.track(loadFrame(files[i]!, k, scaledBy(s)));
      expect(r.pose, `${files[i]!.id}: ${r.reason}`).not.toBeNull();
      const gt = truth(files[i]!).t;
      expect(Math.hypot(r.pose!.t[0] - gt[0], r.pose!.t[1] - gt[1], r.pose!.t[2] - gt[2])).toBeLessThan(0.05);
    }
  });

  it('gives the same poses after a reset as a fresh tracker: nothing of an earlier capture carries over', () => {
    const k = folderIntrinsics();
    const frames = folderFiles(6).map((f) => loadFrame(f, k));
    const run = (tracker: Tracker) => frames.map((f) => tracker.track(f).pose);
    const reused = new Tracker();
    run(reused);
    reused.reset();
    expect(run(reused)).toEqual(run(new Tracker()));
  });
});

describe('Tracker on frames it cannot use', () => {
  const k = { fx: 500, fy: 500, cx: 160, cy: 120 };
  const blank = { grey: { width: 320, height: 240, data: new Uint8Array(320 * 240).fill(128) }, depth: new Float32Array(320 * 240).fill(2), intrinsics: k };

  it('says a blank wall has too little texture, and keeps no map from it', () => {
    const t = new Tracker();
    const r = t.track(blank);
    expect(r).toMatchObject({ status: 'lost', pose: null });
    expect(r.reason).toMatch(/texture/);
    expect(t.keyframeCount).toBe(0);
  });

  it('says so when a textured frame has no depth', () => {
    // Random 5x5 blocks: plenty of corners.
    const rand = seededRandom(5);
    const blocks = Array.from({ length: 64 * 48 }, () => Math.floor(rand() * 256));
    const data = new Uint8Array(320 * 240);
    for (let i = 0; i < data.length; i++) data[i] = blocks[Math.floor(i / 320 / 5) * 64 + Math.floor((i % 320) / 5)]!;
    const r = new Tracker().track({ ...blank, grey: { ...blank.grey, data }, depth: new Float32Array(320 * 240) });
    expect(r.status).toBe('lost');
    expect(r.reason).toMatch(/depth/);
  });
});
