import { describe, expect, it } from 'vitest';
import { nextCamera } from './cameraSource';

describe('nextCamera', () => {
  it('goes round the cameras, and offers none with a single camera', () => {
    expect(nextCamera(['rear', 'front'], 'rear')).toBe('front');
    expect(nextCamera(['rear', 'front'], 'front')).toBe('rear');
    expect(nextCamera(['a', 'b', 'c'], 'c')).toBe('a');
    expect(nextCamera(['rear', 'front'], undefined)).toBe('rear');
    expect(nextCamera(['rear', 'front'], 'unplugged')).toBe('rear');
    expect(nextCamera(['only'], 'only')).toBeUndefined();
    expect(nextCamera([], undefined)).toBeUndefined();
  });
});
