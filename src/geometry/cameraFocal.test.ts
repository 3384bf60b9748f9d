import { describe, expect, it } from 'vitest';
import { CameraFocal, FIRST_ESTIMATES } from './cameraFocal';

describe('CameraFocal', () => {
  it('fixes the focal length at the median of the first estimates, whatever the image size, and keeps refining it', () => {
    const camera = new CameraFocal();
    // Estimates of a 0.8-width focal, a few % off each way, one wild; made on 518- and 640-wide images.
    const relative = [0.82, 0.79, 1.4, 0.8, 0.78];
    relative.forEach((f, i) => {
      expect(camera.fxFor(640)).toBeUndefined();
      camera.add(f * (i % 2 ? 518 : 640), i % 2 ? 518 : 640);
    });
    expect(camera.count).toBe(FIRST_ESTIMATES);
    expect(camera.fxFor(640)).toBeCloseTo(0.8 * 640, 6);
    expect(camera.fxFor(320)).toBeCloseTo(0.8 * 320, 6);
    camera.add(0.81 * 640, 640);
    expect(camera.fxFor(100)).toBeCloseTo(80.5, 6); // median of six
    camera.add(Number.NaN, 640);
    camera.add(-3, 640);
    expect(camera.count).toBe(6);
    camera.reset();
    expect(camera.fxFor(640)).toBeUndefined();
  });
});
