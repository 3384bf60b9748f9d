import { describe, expect, it } from 'vitest';
import { completeness } from './mapCompare';

describe('completeness', () => {
  it('counts the reference points with a map point within the radius', () => {
    const reference = Float32Array.of(0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0);
    // Near the first two (4 cm, 4.9 cm away), 6 cm from the third, nothing near the fourth.
    const candidate = Float32Array.of(0.04, 0, 0, 1, 0.03, -0.039, 2, 0.06, 0);
    expect(completeness(reference, candidate, 0.05)).toBe(0.5);
    expect(completeness(reference, candidate, 0.07)).toBe(0.75);
    expect(completeness(reference, new Float32Array(0), 0.05)).toBe(0);
  });
});
