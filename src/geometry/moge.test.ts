import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GEOMETRY_FILE, GEOMETRY_FIXTURE, writeGeometryFixture } from '../../scripts/fixtures/geometry.ts';
import { seededRandom } from '../../scripts/fixtures/onnxBuilder.ts';
import { MogeDepthModel, mogeInputSize, packImage, recoverFocalShift, type SessionLike, type TensorConstructor } from './moge';
import type { RgbaImage } from './types';

/**
 * A MoGe-style affine point map of a known scene: metric depth `depthAt(u, v)` seen with focal `focal` (relative
 * to half the diagonal), divided by `scale` and with `shift` subtracted from z.
 */
function syntheticPoints(width: number, height: number, focal: number, scale: number, shift: number, depthAt: (u: number, v: number) => number) {
  const halfDiag = Math.hypot(width, height) / 2;
  const points = new Float32Array(width * height * 3);
  const depth = new Float32Array(width * height);
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const i = v * width + u;
      const d = depthAt(u, v);
      depth[i] = d;
      points[3 * i] = (((u + 0.5 - width / 2) / halfDiag) * d) / focal / scale;
      points[3 * i + 1] = (((v + 0.5 - height / 2) / halfDiag) * d) / focal / scale;
      points[3 * i + 2] = d / scale - shift;
    }
  }
  return { points, depth };
}

// A tilted floor-like ramp with bumps: enough depth variation for focal and shift to be separable.
const room = (u: number, v: number) => 1.5 + 0.01 * v + 0.4 * Math.sin(u / 25) * Math.cos(v / 19);

describe('recoverFocalShift', () => {
  const W = 320;
  const H = 240;
  const truth = { focal: 1.3, scale: 1.7, shift: 0.4 };

  it('recovers focal and shift from an exact point map', () => {
    const { points } = syntheticPoints(W, H, truth.focal, truth.scale, truth.shift, room);
    const r = recoverFocalShift(points, null, W, H);
    expect(r.samples).toBe(64 * 64);
    expect(r.focal).toBeCloseTo(truth.focal, 4);
    expect(r.shift).toBeCloseTo(truth.shift, 4);
  });

  it('is accurate to about 1% with 1% noise on the points', () => {
    const { points } = syntheticPoints(W, H, truth.focal, truth.scale, truth.shift, room);
    const rand = seededRandom(7);
    for (let i = 0; i < points.length; i++) points[i] = points[i]! * (1 + 0.02 * (rand() - 0.5) * Math.sqrt(3));
    const r = recoverFocalShift(points, null, W, H);
    expect(Math.abs(r.focal / truth.focal - 1)).toBeLessThan(0.01);
    expect(Math.abs(r.shift - truth.shift)).toBeLessThan(0.01);
  });

  it('uses only masked pixels: garbage outside the mask does not matter', () => {
    const { points } = syntheticPoints(W, H, truth.focal, truth.scale, truth.shift, room);
    const mask = new Float32Array(W * H);
    for (let v = 0; v < H; v++) {
      for (let u = 0; u < W; u++) {
        const i = v * W + u;
        if (u < W * 0.4 || v > H * 0.8) {
          mask[i] = 0.9;
        } else {
          mask[i] = 0.1;
          points[3 * i + 2] = -3; // sky / invalid: would break the fit if used
        }
      }
    }
    const r = recoverFocalShift(points, mask, W, H);
    expect(r.samples).toBeLessThan(64 * 64 * 0.55);
    expect(r.focal).toBeCloseTo(truth.focal, 4);
    expect(r.shift).toBeCloseTo(truth.shift, 4);
  });

  it('solves only the shift when the focal is known', () => {
    const { points } = syntheticPoints(W, H, truth.focal, truth.scale, truth.shift, room);
    const r = recoverFocalShift(points, null, W, H, truth.focal);
    expect(r.focal).toBe(truth.focal);
    expect(r.shift).toBeCloseTo(truth.shift, 4);
  });

  it('handles a negative shift (affine z larger than depth)', () => {
    const { points } = syntheticPoints(W, H, 0.9, 0.8, -1.2, room);
    const r = recoverFocalShift(points, null, W, H);
    expect(r.focal).toBeCloseTo(0.9, 4);
    expect(r.shift).toBeCloseTo(-1.2, 4);
  });
});

describe('mogeInputSize', () => {
  it('keeps the aspect on a 14 px grid with about num_tokens patches', () => {
    expect(mogeInputSize(640, 480, 1200)).toEqual({ width: 40 * 14, height: 30 * 14 });
    const s = mogeInputSize(1920, 1080, 3600);
    expect(s.width % 14).toBe(0);
    expect(s.height % 14).toBe(0);
    expect(Math.abs((s.width / 14) * (s.height / 14) - 3600)).toBeLessThan(80);
    expect(s.width / s.height).toBeCloseTo(1920 / 1080, 1);
  });
});

/** Grey image: left half `left`, right half `right` (0..255), with a black (masked) square near the top-left. */
function twoToneImage(width: number, height: number, left: number, right: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const dark = u >= 40 && u < 100 && v >= 40 && v < 100;
      const g = dark ? 0 : u < width / 2 ? left : right;
      data.set([g, g, g, 255], 4 * (v * width + u));
    }
  }
  return { width, height, data };
}

const depthOf = (lum: number) => GEOMETRY_FIXTURE.near + GEOMETRY_FIXTURE.range * lum;

const runtimes: { name: string; create: (path: string) => Promise<SessionLike>; Tensor: TensorConstructor }[] = [
  { name: 'onnxruntime-node', create: (p) => ortNode.InferenceSession.create(p), Tensor: ortNode.Tensor },
  {
    name: 'onnxruntime-web (wasm)',
    create: (p) => {
      ortWeb.env.wasm.numThreads = 1;
      return ortWeb.InferenceSession.create(p, { executionProviders: ['wasm'] });
    },
    Tensor: ortWeb.Tensor,
  },
];

describe.each(runtimes)('MogeDepthModel on the fixture, $name', ({ create, Tensor }) => {
  let dir: string;
  let model: MogeDepthModel;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'room3r-moge-'));
    const { repo } = await writeGeometryFixture(dir);
    model = new MogeDepthModel(await create(join(dir, repo, GEOMETRY_FILE)), Tensor, { numTokens: 1200 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('recovers the fixture depth, mask and intrinsics from its affine output', async () => {
    const { width, height } = model.inputSize(640, 480);
    const r = await model.estimate(twoToneImage(width, height, 204, 51));
    expect([r.width, r.height]).toEqual([560, 420]);

    const at = (u: number, v: number) => r.depth[v * width + u]!;
    // Region interiors, away from the brightness edge the token grid blurs.
    expect(at(100, 300)).toBeCloseTo(depthOf(0.8), 3);
    expect(at(460, 200)).toBeCloseTo(depthOf(0.2), 3);
    // The black square is masked out.
    expect(at(70, 70)).toBe(0);
    expect(r.confidence[70 * width + 70]).toBe(0);
    expect(r.confidence[300 * width + 100]).toBeGreaterThan(0.99);

    const f = GEOMETRY_FIXTURE.focalOverDiagonal * Math.hypot(width, height);
    expect(r.intrinsics.fx / f).toBeCloseTo(1, 4);
    expect(r.intrinsics.fy).toBe(r.intrinsics.fx);
    expect([r.intrinsics.cx, r.intrinsics.cy]).toEqual([width / 2 - 0.5, height / 2 - 0.5]);
    expect(r.shift).toBeCloseTo(GEOMETRY_FIXTURE.zOffset, 4);
    expect(r.timings.inferenceMs).toBeGreaterThan(0);
  });

  it('gives different depth for a different image', async () => {
    const { width, height } = model.inputSize(640, 480);
    const a = await model.estimate(twoToneImage(width, height, 204, 51));
    const b = await model.estimate(twoToneImage(width, height, 51, 204));
    const i = 300 * width + 100;
    expect(a.depth[i]).toBeCloseTo(depthOf(0.8), 3);
    expect(b.depth[i]).toBeCloseTo(depthOf(0.2), 3);
  });

  it('keeps the given focal and still finds the shift', async () => {
    const { width, height } = model.inputSize(640, 480);
    const fx = GEOMETRY_FIXTURE.focalOverDiagonal * Math.hypot(width, height);
    const r = await model.estimate(twoToneImage(width, height, 204, 51), { fx });
    expect(r.intrinsics.fx).toBeCloseTo(fx, 3);
    expect(r.depth[300 * width + 100]).toBeCloseTo(depthOf(0.8), 3);
    // Given a focal 10 % off, it is used, and the image's own estimate is still reported (for the capture's median).
    const off = await model.estimate(twoToneImage(width, height, 204, 51), { fx: 1.1 * fx });
    expect(off.intrinsics.fx).toBeCloseTo(1.1 * fx, 3);
    expect(off.estimatedFx).toBeCloseTo(fx, 1);
  });
});

describe('packImage', () => {
  it('writes planar RGB in 0..1 and drops alpha', () => {
    const data = new Uint8ClampedArray([255, 0, 51, 7, 0, 102, 255, 9]);
    expect(Array.from(packImage({ width: 2, height: 1, data }))).toEqual([1, 0, 0, 0.4, 0.2, 1].map((x) => Math.fround(x)));
  });
});
