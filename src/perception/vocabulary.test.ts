import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectorPrompt, INDOOR_VOCABULARY, labelPhrases, normaliseLabel, plural, singular } from './vocabulary';

describe('normaliseLabel', () => {
  it('maps plurals, articles, case and "(s)" to the category', () => {
    expect(normaliseLabel('Chairs')).toBe('chair');
    expect(normaliseLabel('the table')).toBe('table');
    expect(normaliseLabel('TV(s)')).toBe('tv');
    expect(normaliseLabel('tvs')).toBe('tv');
    expect(normaliseLabel('  Trash  Bins ')).toBe('trash bin');
    expect(normaliseLabel('benches')).toBe('bench');
    expect(normaliseLabel('bookshelves')).toBe('bookshelf');
    expect(normaliseLabel('shelves')).toBe('shelf');
    expect(normaliseLabel('mattresses')).toBe('mattress');
    expect(normaliseLabel('boxes')).toBe('box');
  });

  it('does not break -ves words that are not -f plurals', () => {
    expect(normaliseLabel('microwaves')).toBe('microwave');
    expect(normaliseLabel('stoves')).toBe('stove');
    expect(normaliseLabel('knives')).toBe('knife');
  });

  it('keeps categories that end in s as written', () => {
    expect(normaliseLabel('shoes')).toBe('shoes');
    expect(normaliseLabel('headphones')).toBe('headphones');
    expect(normaliseLabel('glass')).toBe('glass');
  });

  it('maps everyday synonyms to the benchmark category', () => {
    expect(normaliseLabel('television')).toBe('tv');
    expect(normaliseLabel('couch')).toBe('sofa');
    expect(normaliseLabel('couches')).toBe('sofa');
    expect(normaliseLabel('fridge')).toBe('refrigerator');
    expect(normaliseLabel('Fridges')).toBe('refrigerator');
    expect(normaliseLabel('bedside tables')).toBe('nightstand');
    expect(normaliseLabel('houseplants')).toBe('plant');
  });

  it('leaves distinct benchmark categories distinct', () => {
    expect(normaliseLabel('trash can')).toBe('trash can');
    expect(normaliseLabel('trash bin')).toBe('trash bin');
    expect(normaliseLabel('table lamp')).toBe('table lamp');
  });

  it('every vocabulary entry is its own normal form', () => {
    for (const label of INDOOR_VOCABULARY) expect(normaliseLabel(label)).toBe(label);
  });
});

describe('labelPhrases / plural / singular', () => {
  it('lists the category, its plural and its synonyms', () => {
    const tv = labelPhrases('tv');
    for (const p of ['tv', 'tvs', 'television', 'televisions']) expect(tv).toContain(p);
    const sofa = labelPhrases('sofa');
    for (const p of ['sofa', 'sofas', 'couch', 'couches']) expect(sofa).toContain(p);
    expect(labelPhrases('refrigerator')).toContain('fridges');
  });

  it('every phrase of a category normalises back to it', () => {
    for (const label of INDOOR_VOCABULARY) for (const p of labelPhrases(label)) expect(normaliseLabel(p)).toBe(label);
  });

  it('plural and singular invert each other on the vocabulary', () => {
    for (const label of INDOOR_VOCABULARY) expect(singular(plural(label))).toBe(label);
  });
});

describe('detectorPrompt', () => {
  it('asks for a photo of the category, with clearer phrases for terse names', () => {
    expect(detectorPrompt('chair')).toBe('a photo of a chair');
    expect(detectorPrompt('tv')).toBe('a photo of a television');
    expect(detectorPrompt('TVs')).toBe('a photo of a television');
    expect(detectorPrompt('washer')).toBe('a photo of a washing machine');
    expect(detectorPrompt('oven')).toBe('a photo of an oven');
    expect(detectorPrompt('shoes')).toBe('a photo of shoes');
    expect(detectorPrompt('red mugs')).toBe('a photo of a red mug');
  });

  it('fits the 16-token text limit of OWL for every vocabulary entry (words + 2 special tokens)', () => {
    for (const label of INDOOR_VOCABULARY) expect(detectorPrompt(label).split(' ').length + 2).toBeLessThanOrEqual(16);
  });
});

const META = resolve(__dirname, '../../../shared/data/vsibench-meta');
describe.skipIf(!existsSync(META))('VSI-Bench categories (../shared/data/vsibench-meta)', () => {
  it('the vocabulary covers every object category of the benchmark', () => {
    const cats = new Set<string>();
    for (const f of ['arkitscenes_meta_info_val.json', 'scannet_meta_info_val.json', 'scannetpp_meta_info_val.json']) {
      const scenes = JSON.parse(readFileSync(resolve(META, f), 'utf8')) as Record<string, { object_counts?: Record<string, number> }>;
      for (const s of Object.values(scenes)) for (const c of Object.keys(s.object_counts ?? {})) cats.add(c);
    }
    expect(cats.size).toBeGreaterThan(50);
    for (const c of cats) expect(INDOOR_VOCABULARY).toContain(c);
  });
});
