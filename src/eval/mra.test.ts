import { describe, expect, it } from 'vitest';
import { meanRelativeAccuracy } from './mra';

describe('meanRelativeAccuracy', () => {
  it('counts the thresholds a relative error passes', () => {
    expect(meanRelativeAccuracy(2, 2)).toBe(1);
    expect(meanRelativeAccuracy(2.2, 2)).toBeCloseTo(0.9); // 10 % off: only θ = 0.95 fails
    expect(meanRelativeAccuracy(1.5, 2)).toBeCloseTo(0.6); // 25 % off: θ ≤ 0.75 pass
    expect(meanRelativeAccuracy(0.9, 2)).toBe(0); // 55 % off
  });

  it('scores 0 for what is not a number', () => {
    expect(meanRelativeAccuracy(Number.NaN, 2)).toBe(0);
    expect(meanRelativeAccuracy(1, 0)).toBe(0);
  });
});
