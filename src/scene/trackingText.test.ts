import { describe, expect, it } from 'vitest';
import { trackingLostNotice, trackingStatusText } from './trackingText';

describe('tracking in words', () => {
  it('says how a keyframe was placed, or why it was not', () => {
    expect(trackingStatusText({ status: 'tracked', inliers: 412 })).toBe('ok, 412 matches');
    expect(trackingStatusText({ status: 'tracked', inliers: 9000, odometry: true })).toBe('ok, placed by its depth (too few features matched)');
    expect(trackingStatusText({ status: 'lost', reason: 'too little texture', inliers: 0 })).toBe('lost: too little texture');
    expect(trackingLostNotice({ status: 'lost', inliers: 0 })).toMatch(/^Tracking lost: reason unknown\. Point the camera back/);
  });
});
