import { describe, expect, it } from 'vitest';
import { orderImageFiles } from './imageFilesSource';

describe('orderImageFiles', () => {
  it('keeps colour frames in natural order and leaves depth maps and text out', () => {
    const files = ['frame-10.color.jpg', 'frame-2.color.jpg', 'frame-2.depth.png', 'pose.txt', 'frame-1.color.jpg'].map((name) => ({ name, type: '' }));
    expect(orderImageFiles(files).map((f) => f.name)).toEqual(['frame-1.color.jpg', 'frame-2.color.jpg', 'frame-10.color.jpg']);
  });
});
