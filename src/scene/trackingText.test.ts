import { describe, expect, it } from 'vitest';
import { loopClosedNotice, trackingLostNotice, trackingStatusText } from './trackingText';

describe('tracking in words', () => {
  it('says how a keyframe was placed, or why it was not', () => {
    expect(trackingStatusText({ status: 'tracked', inliers: 412 })).toBe('ok, 412 matches');
    expect(trackingStatusText({ status: 'tracked', inliers: 9000, odometry: true })).toBe('ok, placed by its depth (too few features matched)');
    expect(trackingStatusText({ status: 'lost', reason: 'too little texture', inliers: 0 })).toBe('lost: too little texture');
    expect(trackingLostNotice({ status: 'lost', inliers: 0 })).toMatch(/^Tracking lost: reason unknown\. Point the camera back/);
  });

  it('says what a loop closure did, in centimetres', () => {
    const stats = { keyframe: 52, loopTo: 30, disagreement: { moved: 0.06, angle: 0.02 }, nodes: 53, edges: 80, iterations: 4, optimiseMs: 1, applyMs: 1 };
    expect(loopClosedNotice({ ...stats, largestMove: 0.062 })).toBe(
      'Recognised a place seen earlier (keyframe 30): the map and the camera path were corrected, by up to 6 cm.',
    );
    expect(loopClosedNotice({ ...stats, largestMove: 0.001 })).toContain('by up to 1 cm');
  });
});
