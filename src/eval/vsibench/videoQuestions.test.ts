import { describe, expect, it } from 'vitest';
import type { MetaBox, MetaScene } from './metaScene';
import { appearanceOrderQuestions, routePlanQuestions } from './videoQuestions';

const box = (x: number, y: number): MetaBox => ({
  centroid: [x, y, 0.4],
  axesLengths: [0.5, 0.5, 0.8],
  normalizedAxes: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  min: [x - 0.25, y - 0.25, 0],
  max: [x + 0.25, y + 0.25, 0.8],
});

describe('appearanceOrderQuestions', () => {
  it('asks for the order in which categories first appear, with the true order as the marked option', () => {
    const first = new Map([
      ['sofa', 0.5],
      ['tv', 3],
      ['lamp', 7.2],
      ['plant', 12],
      ['chair', 12.4],
    ]);
    const qs = appearanceOrderQuestions('s', 'd', first, { seed: 1 });
    expect(qs.length).toBeGreaterThan(0);
    for (const q of qs) {
      // chair and plant appear 0.4 s apart: never asked together.
      expect(q.categories.includes('chair') && q.categories.includes('plant')).toBe(false);
      const marked = q.options!.find((o) => o.startsWith(`${q.groundTruth}. `))!.slice(3);
      const times = marked.split(', ').map((c) => first.get(c)!);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(q.options!.map((o) => o.slice(3))).size).toBe(4);
      expect(q.question).toContain('What will be the first-time appearance order of the following categories in the video:');
    }
  });
});

describe('routePlanQuestions', () => {
  it('fills the turn with the side the next object is on, seen from above (z up)', () => {
    // A walk along +x from the bed to the sofa, then the tv straight "up" in +y: a left turn (counter-clockwise from
    // above with z up). The desk is far off, so it is a start or facing object only in some questions.
    const meta: MetaScene = {
      room_size: 30,
      object_counts: { bed: 1, sofa: 1, tv: 1, desk: 1 },
      object_bbox: { bed: [box(0, 0)], sofa: [box(3, 0)], tv: [box(3, 3)], desk: [box(-3, 2)] },
    };
    const qs = routePlanQuestions('s', 'd', meta, { seed: 2, perScene: 50 });
    expect(qs.length).toBeGreaterThan(0);
    const bedSofaTv = qs.filter((q) => q.categories[0] === 'bed' && q.categories[2] === 'sofa' && q.categories[3] === 'tv');
    for (const q of bedSofaTv) expect(q.answerText).toBe('turn left');
    const tvSofaBed = qs.filter((q) => q.categories[0] === 'tv' && q.categories[2] === 'sofa' && q.categories[3] === 'bed');
    for (const q of tvSofaBed) expect(q.answerText).toBe('turn right');
    for (const q of qs) {
      expect(q.question).toContain('[please fill in]');
      expect(q.options).toContain(`${q.groundTruth}. ${q.answerText}`);
    }
    expect(bedSofaTv.length + tvSofaBed.length).toBeGreaterThan(0);
  });
});
