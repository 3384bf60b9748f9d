import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { MonoDepthSim } from '../eval/monoDepthSim';
import { trajectoryMetrics } from '../eval/trajectoryMetrics';
import { matrixToRigid, type Rigid } from '../geometry/rigid';
import { decodeDepthPng, groupRgbdFiles, parseIntrinsics, parsePose } from '../rgbd/sevenScenes';
import { seededRandom } from '../util/random';
import { rgbaToGrey } from './orb';
import { Tracker } from './tracker';

const DATA = resolve(__dirname, '../../../shared/data/redkitchen-7scenes');

describe.skipIf(!existsSync(DATA))('Tracker on real RGB-D frames (redkitchen, 7-Scenes)', () => {
  it('tracks the first 20 frames with centimetre accuracy against the ground truth', () => {
    const k = parseIntrinsics(readFileSync(join(DATA, 'camera-intrinsics.txt'), 'utf8'));
    const frames = groupRgbdFiles(readdirSync(DATA)).slice(0, 20);
    const tracker = new Tracker();
    const est: Rigid[] = [];
    const gt: Rigid[] = [];
    for (const f of frames) {
      const rgb = jpeg.decode(readFileSync(join(DATA, f.color)), { useTArray: true });
      const depth = decodeDepthPng(readFileSync(join(DATA, f.depth!)));
      const r = tracker.track({ grey: rgbaToGrey(rgb.data, rgb.width, rgb.height), depth: depth.depth, intrinsics: k });
      expect(r.pose, `${f.id}: ${r.reason}`).not.toBeNull();
      est.push(r.pose!);
      gt.push(matrixToRigid(parsePose(readFileSync(join(DATA, f.pose!), 'utf8'))!));
    }
    const m = trajectoryMetrics(est, gt);
    expect(m.ateRmse).toBeLessThan(0.06);
    expect(m.scaleRatio).toBeGreaterThan(0.9);
    expect(m.scaleRatio).toBeLessThan(1.1);
  });

  it('tracks 40 frames of model-like depth (a wandering scale, smooth shape errors) to a few centimetres in shape', () => {
    const k = parseIntrinsics(readFileSync(join(DATA, 'camera-intrinsics.txt'), 'utf8'));
    const frames = groupRgbdFiles(readdirSync(DATA)).slice(0, 40);
    const sim = new MonoDepthSim({ seed: 3, focalErrorStd: 0 });
    const tracker = new Tracker();
    const est: Rigid[] = [];
    const gt: Rigid[] = [];
    for (const f of frames) {
      const rgb = jpeg.decode(readFileSync(join(DATA, f.color)), { useTArray: true });
      const d = decodeDepthPng(readFileSync(join(DATA, f.depth!)));
      const model = sim.degrade({ width: d.width, height: d.height, depth: d.depth, intrinsics: k });
      const r = tracker.track({ grey: rgbaToGrey(rgb.data, rgb.width, rgb.height), depth: model.depth, intrinsics: model.intrinsics });
      if (!r.pose) continue;
      est.push(r.pose);
      gt.push(matrixToRigid(parsePose(readFileSync(join(DATA, f.pose!), 'utf8'))!));
    }
    expect(est.length).toBeGreaterThanOrEqual(38);
    expect(trajectoryMetrics(est, gt).ateSimilarityRmse).toBeLessThan(0.05);
  });

  it('relocalises frames shown out of order against a map of known keyframes, matching only the few retrieval proposes', () => {
    const k = parseIntrinsics(readFileSync(join(DATA, 'camera-intrinsics.txt'), 'utf8'));
    const files = groupRgbdFiles(readdirSync(DATA)).slice(0, 40);
    const load = (f: (typeof files)[number]) => {
      const rgb = jpeg.decode(readFileSync(join(DATA, f.color)), { useTArray: true });
      return { grey: rgbaToGrey(rgb.data, rgb.width, rgb.height), depth: decodeDepthPng(readFileSync(join(DATA, f.depth!))).depth, intrinsics: k };
    };
    const truth = (f: (typeof files)[number]) => matrixToRigid(parsePose(readFileSync(join(DATA, f.pose!), 'utf8'))!);
    const tracker = new Tracker();
    // Every other frame is in the map; the queries are the frames between, in an order no motion model follows.
    for (let i = 0; i < files.length; i += 2) tracker.addKnownKeyframe(load(files[i]!), truth(files[i]!));
    for (const i of [31, 5, 23, 13, 37]) {
      const r = tracker.track(load(files[i]!));
      expect(r.pose, `${files[i]!.id}: ${r.reason}`).not.toBeNull();
      const gt = truth(files[i]!).t;
      expect(Math.hypot(r.pose!.t[0] - gt[0], r.pose!.t[1] - gt[1], r.pose!.t[2] - gt[2])).toBeLessThan(0.1);
    }
  });

  it('gives the same poses after a reset as a fresh tracker: nothing of an earlier capture carries over', () => {
    const k = parseIntrinsics(readFileSync(join(DATA, 'camera-intrinsics.txt'), 'utf8'));
    const frames = groupRgbdFiles(readdirSync(DATA))
      .slice(0, 6)
      .map((f) => {
        const rgb = jpeg.decode(readFileSync(join(DATA, f.color)), { useTArray: true });
        return { grey: rgbaToGrey(rgb.data, rgb.width, rgb.height), depth: decodeDepthPng(readFileSync(join(DATA, f.depth!))).depth, intrinsics: k };
      });
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
