// The monocular-depth simulator: the errors it promises (dense, smooth, a sequence bias, a wandering correlated
// per-frame scale of the asked size, a smooth shape error, perturbed focal lengths), deterministic for a seed.
import { describe, expect, it } from 'vitest';
import type { GivenDepth } from '../geometry/types';
import { MonoDepthSim } from './monoDepthSim';

const intrinsics = { fx: 500, fy: 500, cx: 32, cy: 24 };

/** A tilted plane 1.5-3.5 m away with a hole, as a sensor gives it. */
function sensorDepth(width = 64, height = 48): GivenDepth {
  const depth = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) depth[y * width + x] = 1.5 + (2 * x) / width;
  for (let y = 10; y < 20; y++) for (let x = 30; x < 40; x++) depth[y * width + x] = 0;
  return { width, height, depth, intrinsics };
}

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a: number[]) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

describe('MonoDepthSim', () => {
  it('fills holes, keeps the depth smooth, and scales each frame by the sequence bias times its own scale', () => {
    const sim = new MonoDepthSim({ seed: 3, shapeErrorStd: 0 }); // the shape error is measured on its own below
    const given = sensorDepth();
    for (let f = 0; f < 5; f++) {
      const out = sim.degrade(given);
      expect(out.depth.every((d) => d > 0)).toBe(true);
      const ratios = Array.from(out.depth, (d, i) => (given.depth[i]! > 0 ? d / given.depth[i]! : Number.NaN)).filter(Number.isFinite);
      expect(Math.abs(median(ratios) / (sim.globalBias * sim.frameScales[f]!) - 1)).toBeLessThan(0.002);
      // Smooth: neighbouring pixels differ by little more than the plane's own slope (no per-pixel noise).
      for (let i = 1; i < out.width; i++) expect(Math.abs(out.depth[i]! - out.depth[i - 1]!)).toBeLessThan(0.06);
    }
    expect(new Set(sim.frameScales).size).toBe(5);
    expect(sim.globalBias).not.toBe(1);
    expect(sim.intrinsics(intrinsics)).toEqual({ fx: 500 * sim.focalFactor, fy: 500 * sim.focalFactor, cx: 32, cy: 24 });
  });

  it('the per-frame scale wanders with the asked spread and frame-to-frame correlation', () => {
    const sim = new MonoDepthSim({ seed: 11, frameScaleStd: 0.05, frameScaleCorrelation: 0.9 });
    const tiny = sensorDepth(8, 6);
    for (let f = 0; f < 3000; f++) sim.degrade(tiny);
    const logs = sim.frameScales.map(Math.log);
    expect(std(logs)).toBeGreaterThan(0.04);
    expect(std(logs)).toBeLessThan(0.06);
    const m = mean(logs);
    const lag1 = mean(logs.slice(1).map((v, i) => (v - m) * (logs[i]! - m))) / std(logs) ** 2;
    expect(lag1).toBeGreaterThan(0.85);
    expect(lag1).toBeLessThan(0.95);
  });

  it('bends each frame by a smooth shape error of about the asked size', () => {
    const sim = new MonoDepthSim({ seed: 5, shapeErrorStd: 0.03, frameScaleStd: 0, globalBiasStd: 0, smoothRadius: 0 });
    const flat: GivenDepth = { width: 64, height: 48, depth: new Float32Array(64 * 48).fill(2), intrinsics };
    const spreads: number[] = [];
    for (let f = 0; f < 40; f++) spreads.push(std(Array.from(sim.degrade(flat).depth, (d) => Math.log(d / 2))));
    expect(mean(spreads)).toBeGreaterThan(0.015);
    expect(mean(spreads)).toBeLessThan(0.045);
  });

  it('is the same for a seed and differs between seeds', () => {
    const a = new MonoDepthSim({ seed: 7 }).degrade(sensorDepth());
    const b = new MonoDepthSim({ seed: 7 }).degrade(sensorDepth());
    const c = new MonoDepthSim({ seed: 8 }).degrade(sensorDepth());
    expect(a).toEqual(b);
    expect(a.depth).not.toEqual(c.depth);
  });
});
