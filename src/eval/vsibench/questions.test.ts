import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { categoryDistance, pyRound, relativeDirectionGt } from './benchmarkGeometry';
import { listVsiScenes, type MetaBox, type MetaScene } from './metaScene';
import { ALL_QUESTION_TYPES, formatPrompt, generateSceneQuestions, placeAnswer, Rng, templates, unrankCombination, type VsiQuestion } from './questions';
import { hasDemoMeta, hasSharedMeta, SHARED_DEMO_META, SHARED_META_DIR } from './testData';

const box = (centroid: number[], axesLengths = [0.4, 0.4, 0.6]): MetaBox => ({
  centroid,
  axesLengths,
  normalizedAxes: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  min: [],
  max: [],
});

/** A made-up room: six single objects and two multi-instance categories. */
const SYNTHETIC: MetaScene = {
  room_size: 30,
  object_counts: { sofa: 1, tv: 1, stove: 1, chair: 3, table: 2, lamp: 1, fridge: 1, bed: 1 },
  object_bbox: {
    sofa: [box([0, 0, 0.4], [2, 0.9, 0.8])],
    tv: [box([0, 3, 1.2], [1.2, 0.1, 0.7])],
    stove: [box([3, 3, 0.45], [0.6, 0.6, 0.9])],
    chair: [box([1.5, 1, 0.45]), box([2.3, 1.1, 0.45]), box([-2, 2, 0.45])],
    table: [box([1.9, 1.8, 0.38], [1.2, 0.8, 0.75]), box([-3, -1, 0.38])],
    lamp: [box([-1.6, 0, 0.8], [0.3, 0.3, 1.6])],
    fridge: [box([4, 0, 0.9], [0.7, 0.7, 1.8])],
    bed: [box([-3, 4, 0.3], [2, 1.6, 0.6])],
  },
};

function check(meta: MetaScene, questions: VsiQuestion[], perScene: number) {
  const count = (c: string) => meta.object_counts[c]!;
  const byType = new Map<string, number>();
  for (const q of questions) {
    byType.set(q.questionType, (byType.get(q.questionType) ?? 0) + 1);
    expect(q.question.startsWith('These are frames of a video.\n')).toBe(true);
    if (q.options) {
      expect(typeof q.groundTruth).toBe('string');
      q.options.forEach((o, i) => expect(o.startsWith(`${'ABCD'[i]}. `)).toBe(true));
      expect(q.question).toContain(`\nOptions:\n${q.options.join('\n')}\nAnswer with the option's letter from the given choices directly.`);
      const chosen = q.options['ABCD'.indexOf(q.groundTruth as string)]!;
      expect(chosen.slice(3)).toBe(q.answerText);
    } else {
      expect(typeof q.groundTruth).toBe('number');
      expect(q.question.endsWith('\nPlease answer the question using a single word or phrase.')).toBe(true);
    }
    const [a, b, c] = q.categories as [string, string, string];
    switch (q.questionType) {
      case 'object_counting':
        expect(count(a)).toBeGreaterThan(1);
        expect(q.groundTruth).toBe(count(a));
        expect(q.stem).toBe(templates.counting(a));
        break;
      case 'object_size_estimation':
        expect(count(a)).toBe(1);
        expect(q.groundTruth).toBe(pyRound(Math.max(...meta.object_bbox[a]![0]!.axesLengths) * 100));
        expect(Number.isInteger(q.groundTruth)).toBe(true);
        break;
      case 'object_abs_distance': {
        expect([count(a), count(b)]).toEqual([1, 1]);
        const d = pyRound(categoryDistance(meta.object_bbox[a]!, meta.object_bbox[b]!), 1);
        expect(q.groundTruth).toBe(d);
        expect(d).toBeGreaterThanOrEqual(0.2);
        expect(q.stem).toBe(templates.absDistance(a, b));
        // a is later than b in object_counts order.
        const order = Object.keys(meta.object_counts);
        expect(order.indexOf(a)).toBeGreaterThan(order.indexOf(b));
        break;
      }
      case 'object_rel_distance': {
        const [ref, ...choices] = q.categories;
        expect(count(ref!)).toBe(1);
        expect(choices).toHaveLength(4);
        expect(new Set(choices).size).toBe(4);
        expect(choices).not.toContain(ref);
        expect(q.options!.map((o) => o.slice(3))).toEqual(choices);
        const d = choices.map((x) => categoryDistance(meta.object_bbox[x]!, meta.object_bbox[ref!]!));
        const min = Math.min(...d);
        expect(choices[d.indexOf(min)]).toBe(q.answerText);
        expect(min).toBeGreaterThanOrEqual(0.15);
        for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expect(Math.abs(d[i]! - d[j]!)).toBeGreaterThan(0.15);
        expect(q.stem).toBe(templates.relDistance(ref!, choices));
        break;
      }
      case 'object_rel_direction_easy':
      case 'object_rel_direction_medium':
      case 'object_rel_direction_hard': {
        const variant = q.questionType.replace('object_rel_direction_', '') as 'easy' | 'medium' | 'hard';
        expect([count(a), count(b), count(c)]).toEqual([1, 1, 1]);
        for (const [x, y] of [
          [a, b],
          [a, c],
          [b, c],
        ] as [string, string][]) {
          const d = categoryDistance(meta.object_bbox[x]!, meta.object_bbox[y]!);
          expect(d).toBeGreaterThanOrEqual(0.3);
          expect(d).toBeLessThanOrEqual(5);
        }
        const r = relativeDirectionGt(meta.object_bbox[a]![0]!, meta.object_bbox[b]![0]!, meta.object_bbox[c]![0]!, variant);
        expect(r).toMatchObject({ answer: q.answerText });
        const sets = { easy: ['left', 'right'], medium: ['back', 'left', 'right'], hard: ['back-left', 'back-right', 'front-left', 'front-right'] };
        expect(q.options!.map((o) => o.slice(3)).sort()).toEqual(sets[variant]);
        break;
      }
      case 'room_size_estimation':
        expect(q.groundTruth).toBe(pyRound(meta.room_size, 1));
        break;
    }
  }
  for (const [type, n] of byType) if (type !== 'room_size_estimation') expect(n, type).toBeLessThanOrEqual(perScene);
}

describe('question generation', () => {
  it('formats prompts as thinking-in-space does', () => {
    expect(formatPrompt('How many chair(s) are in this room?')).toBe(
      'These are frames of a video.\nHow many chair(s) are in this room?\nPlease answer the question using a single word or phrase.',
    );
    expect(formatPrompt('Q?', ['A. left', 'B. right'])).toBe(
      "These are frames of a video.\nQ?\nOptions:\nA. left\nB. right\nAnswer with the option's letter from the given choices directly.",
    );
  });

  it('enumerates combinations in itertools order', () => {
    const all = Array.from({ length: 10 }, (_, r) => unrankCombination(r, 5, 3).join(''));
    expect(all).toEqual(['012', '013', '014', '023', '024', '034', '123', '124', '134', '234']);
  });

  it('places the correct option on the least used letter', () => {
    const rng = new Rng(1);
    const counts = [0, 0, 0, 0];
    const letters: number[] = [];
    for (let i = 0; i < 8; i++) {
      const { ordered, index } = placeAnswer(['a', 'b', 'c', 'd'], 'c', counts, rng);
      expect(ordered[index]).toBe('c');
      expect([...ordered].sort()).toEqual(['a', 'b', 'c', 'd']);
      letters.push(index);
    }
    expect(counts).toEqual([2, 2, 2, 2]);
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const a = generateSceneQuestions('synthetic', 'test', SYNTHETIC, { types: ALL_QUESTION_TYPES });
    const b = generateSceneQuestions('synthetic', 'test', SYNTHETIC, { types: ALL_QUESTION_TYPES });
    expect(b).toEqual(a);
    const c = generateSceneQuestions('synthetic', 'test', SYNTHETIC, { types: ALL_QUESTION_TYPES, seed: 1 });
    expect(c.map((q) => q.question)).not.toEqual(a.map((q) => q.question));
  });

  it('follows the rules on a made-up room', () => {
    const all = generateSceneQuestions('synthetic', 'test', SYNTHETIC, { types: ALL_QUESTION_TYPES, perScene: Infinity });
    check(SYNTHETIC, all, Infinity);
    const types = new Set(all.map((q) => q.questionType));
    expect([...types].sort()).toEqual([...ALL_QUESTION_TYPES].sort());
    // Counting asks only about chair (3) and table (2).
    expect(
      all
        .filter((q) => q.questionType === 'object_counting')
        .map((q) => q.categories[0])
        .sort(),
    ).toEqual(['chair', 'table']);
    const capped = generateSceneQuestions('synthetic', 'test', SYNTHETIC, { perScene: 2 });
    check(SYNTHETIC, capped, 2);
  });

  it('uses the generator templates verbatim when asked', () => {
    expect(templates.absDistance('sofa', 'tv', 'vlm3r')).toBe(
      'Measuring from the closest point of each object, what is the direct distance between the sofa and the tv (in meters)?',
    );
    expect(templates.relDistance('tv', ['a', 'b', 'c', 'd'], 'vlm3r')).toBe(
      'Measuring from the closest point of each object, which of these objects (a, b, c, d) is the closest to the tv?\nIf there are multiple instances of an object category, measure to the closest.',
    );
  });
});

describe.skipIf(!hasDemoMeta)('arkitscenes-47334096 (../shared/data/arkitscenes-47334096/meta.json)', () => {
  const meta = hasDemoMeta ? (JSON.parse(readFileSync(SHARED_DEMO_META, 'utf8')) as Record<string, MetaScene>)['47334096']! : SYNTHETIC;
  const qs = generateSceneQuestions('47334096', 'arkitscenes', meta, { types: ALL_QUESTION_TYPES, perScene: Infinity });
  const of = (t: string) => qs.filter((q) => q.questionType === t);

  it('asks sensible questions', () => {
    check(meta, qs, Infinity);
    expect(of('object_counting').map((q) => [q.categories[0], q.groundTruth])).toEqual([
      ['table', 2],
      ['chair', 5],
    ]);
    // Sizes of the four single objects, in plausible centimetres.
    const sizes = Object.fromEntries(of('object_size_estimation').map((q) => [q.categories[0], q.groundTruth as number]));
    expect(Object.keys(sizes).sort()).toEqual(['sofa', 'stool', 'stove', 'tv']);
    expect(sizes.sofa).toBeGreaterThan(120);
    expect(sizes.sofa).toBeLessThan(350);
    expect(sizes.tv).toBeGreaterThan(40);
    expect(sizes.tv).toBeLessThan(200);
    // Distances: the single objects pairwise (6 pairs), all within a ~40 m² room.
    expect(of('object_abs_distance').length).toBeLessThanOrEqual(6);
    for (const q of of('object_abs_distance')) expect(q.groundTruth as number).toBeLessThan(9);
    expect(of('room_size_estimation')[0]!.groundTruth).toBe(39.3);
    for (const t of ['object_rel_distance', 'object_rel_direction_easy', 'object_rel_direction_medium', 'object_rel_direction_hard']) {
      expect(of(t).length, t).toBeGreaterThan(0);
    }
  });
});

describe.skipIf(!hasSharedMeta)('all 288 scenes', () => {
  it('follow the rules, ≤ 6 per type and scene', { timeout: 120_000 }, () => {
    const scenes = listVsiScenes(SHARED_META_DIR);
    const perType = new Map<string, number>();
    for (const s of scenes) {
      const qs = generateSceneQuestions(s.sceneId, s.dataset, s.meta, { types: ALL_QUESTION_TYPES });
      check(s.meta, qs, 6);
      for (const q of qs) perType.set(q.questionType, (perType.get(q.questionType) ?? 0) + 1);
    }
    // Of the order of the released benchmark's counts (counting 565, abs. distance 834, size 953, room 288).
    expect(perType.get('room_size_estimation')).toBe(288);
    expect(perType.get('object_counting')).toBeGreaterThan(400);
    expect(perType.get('object_abs_distance')).toBeGreaterThan(600);
    expect(perType.get('object_size_estimation')).toBeGreaterThan(600);
    for (const t of ['object_rel_distance', 'object_rel_direction_easy', 'object_rel_direction_medium', 'object_rel_direction_hard']) {
      expect(perType.get(t), t).toBeGreaterThan(150);
    }
  });
});
