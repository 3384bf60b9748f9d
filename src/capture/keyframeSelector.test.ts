import { describe, expect, it } from 'vitest';
import { KeyframeSelector, meanAbsDiff, toGrey } from './keyframeSelector';

const flat = (v: number, n = 768) => new Uint8Array(n).fill(v);

describe('KeyframeSelector', () => {
  it('takes the first frame, then frames that moved, never two too close in time', () => {
    const s = new KeyframeSelector({ minIntervalMs: 100, maxIntervalMs: 1000, motionThreshold: 6 });
    expect(s.consider(0, flat(100)).reason).toBe('first');
    expect(s.consider(50, flat(200)).reason).toBe('too-soon');
    expect(s.consider(150, flat(102)).reason).toBe('still');
    const moved = s.consider(200, flat(120));
    expect(moved).toMatchObject({ keyframe: true, reason: 'motion', motion: 20 });
  });

  it('takes a keyframe after the maximum interval even when the view is still', () => {
    const s = new KeyframeSelector({ minIntervalMs: 100, maxIntervalMs: 1000, motionThreshold: 6 });
    s.consider(0, flat(100));
    expect(s.consider(900, flat(100)).keyframe).toBe(false);
    expect(s.consider(1000, flat(100)).reason).toBe('interval');
  });

  it('compares with the last keyframe, so slow drift still triggers one', () => {
    const s = new KeyframeSelector({ minIntervalMs: 10, maxIntervalMs: 10_000, motionThreshold: 6 });
    s.consider(0, flat(100));
    const picks = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => s.consider(i * 20, flat(100 + i * 2)).keyframe);
    expect(picks).toEqual([false, false, true, false, false, true, false, false]);
  });

  it('follows a source whose clock starts again (a resumed recording) instead of waiting for the old clock', () => {
    const s = new KeyframeSelector({ minIntervalMs: 100, maxIntervalMs: 1000, motionThreshold: 6 });
    s.consider(0, flat(100));
    s.consider(60_000, flat(120));
    expect(s.consider(0, flat(100)).keyframe).toBe(true); // the clock went back: the view moved, so a keyframe
    expect(s.consider(50, flat(150)).reason).toBe('too-soon');
    expect(s.consider(200, flat(180)).reason).toBe('motion');
  });

  it('restarts after reset', () => {
    const s = new KeyframeSelector();
    s.consider(0, flat(1));
    s.reset();
    expect(s.consider(1, flat(1)).reason).toBe('first');
  });
});

describe('grey thumbnails', () => {
  it('weights channels like luma and measures mean absolute difference', () => {
    expect(Array.from(toGrey([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255], 3))).toEqual([76, 149, 28]);
    expect(meanAbsDiff(Uint8Array.of(0, 10), Uint8Array.of(4, 0))).toBe(7);
    expect(meanAbsDiff(Uint8Array.of(0), Uint8Array.of(0, 0))).toBe(255);
  });
});
