import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random';
import type { GreyImage } from './orb';
import { mostSimilar, similarity, thumbnail } from './retrieval';

/** A 320x240 scene of random blocks, seen shifted by (dx, dy) pixels and brightened by `gain`. */
function view(seed: number, dx = 0, dy = 0, gain = 1): GreyImage {
  const rand = seededRandom(seed);
  const blocks = Array.from({ length: 20 * 15 }, () => rand() * 200);
  const data = new Uint8Array(320 * 240);
  for (let y = 0; y < 240; y++) {
    for (let x = 0; x < 320; x++) {
      const bx = Math.min(19, Math.max(0, Math.floor((x + dx) / 16)));
      const by = Math.min(14, Math.max(0, Math.floor((y + dy) / 16)));
      data[y * 320 + x] = Math.min(255, blocks[by * 20 + bx]! * gain);
    }
  }
  return { width: 320, height: 240, data };
}

describe('thumbnail retrieval', () => {
  it('scores a slightly moved, brighter view of a scene far above other scenes', () => {
    const here = thumbnail(view(1));
    expect(similarity(here, here)).toBeCloseTo(1, 5);
    const moved = similarity(here, thumbnail(view(1, 6, -4, 1.2)));
    const other = similarity(here, thumbnail(view(2)));
    expect(moved).toBeGreaterThan(0.8);
    expect(Math.abs(other)).toBeLessThan(0.3);
  });

  it('finds the view of the same scene among many others, best first', () => {
    const keyframes = Array.from({ length: 200 }, (_, i) => ({ id: i, thumb: thumbnail(view(100 + i)) }));
    const query = thumbnail(view(100 + 137, 5, 3, 0.9));
    const found = mostSimilar(query, keyframes, 3);
    expect(found).toHaveLength(3);
    expect(found[0]!.id).toBe(137);
    expect(mostSimilar(query, [], 3)).toEqual([]);
  });
});
