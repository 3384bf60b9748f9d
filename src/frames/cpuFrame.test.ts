import { describe, expect, it } from 'vitest';
import { uprightSize } from './cpuFrame';

describe('uprightSize', () => {
  it('turns the size for quarter turns and scales the long side down, never up', () => {
    expect(uprightSize(1920, 1080, 0, 1280)).toEqual({ width: 1280, height: 720 });
    expect(uprightSize(1920, 1080, 90, 1280)).toEqual({ width: 720, height: 1280 });
    expect(uprightSize(1920, 1080, 270, 1280)).toEqual({ width: 720, height: 1280 });
    expect(uprightSize(640, 480, 180, 1280)).toEqual({ width: 640, height: 480 });
    expect(uprightSize(480, 640, 90, 1280)).toEqual({ width: 640, height: 480 });
  });
});
