// Object categories: the default indoor vocabulary the detector looks for on every keyframe (VSI-Bench's
// categories, which cover common furniture and fixtures), and how a word in a question or an option maps
// to a category: plurals, "(s)", and everyday synonyms ("couch" is a sofa). Benchmark categories are kept
// exactly as written ("trash bin" and "trash can" are different categories there).

export const INDOOR_VOCABULARY: readonly string[] = [
  'table',
  'chair',
  'door',
  'tv',
  'sofa',
  'bed',
  'trash bin',
  'window',
  'refrigerator',
  'stool',
  'toilet',
  'monitor',
  'pillow',
  'backpack',
  'ceiling light',
  'stove',
  'bathtub',
  'washer',
  'keyboard',
  'telephone',
  'heater',
  'bookshelf',
  'mirror',
  'fireplace',
  'lamp',
  'whiteboard',
  'trash can',
  'computer mouse',
  'microwave',
  'printer',
  'plant',
  'radiator',
  'counter',
  'towel',
  'nightstand',
  'cup',
  'clock',
  'dishwasher',
  'power strip',
  'computer tower',
  'laptop',
  'exhaust fan',
  'closet',
  'kettle',
  'blanket',
  'fan',
  'suitcase',
  'basket',
  'shoes',
  'cutting board',
  'coat hanger',
  'bucket',
  'crate',
  'pan',
  'headphones',
  'shoe rack',
  'bowl',
  'table lamp',
  'washing machine',
  'oven',
  'mattress',
  'guitar',
  'piano',
  'paper bag',
  'cushion',
  'sink',
  'cabinet',
  'desk',
  'shelf',
  'bench',
  'wardrobe',
  'dresser',
];

/** Everyday words for a category (lower case, singular). */
const SYNONYMS: Record<string, string> = {
  television: 'tv',
  'tv set': 'tv',
  couch: 'sofa',
  fridge: 'refrigerator',
  'rubbish bin': 'trash bin',
  'garbage can': 'trash can',
  bookcase: 'bookshelf',
  'book shelf': 'bookshelf',
  phone: 'telephone',
  'night stand': 'nightstand',
  'bedside table': 'nightstand',
  'house plant': 'plant',
  houseplant: 'plant',
  'potted plant': 'plant',
  bathroom: 'toilet',
  tub: 'bathtub',
  'bath tub': 'bathtub',
  armchair: 'chair',
  'dining table': 'table',
  'coffee table': 'table',
  screen: 'monitor',
  'washing-machine': 'washing machine',
  mouse: 'computer mouse',
  doorway: 'door',
  telly: 'tv',
  settee: 'sofa',
  loveseat: 'sofa',
  cupboard: 'cabinet',
};

const VOCABULARY_SET = new Set(INDOOR_VOCABULARY);

/** Plurals in -ves whose singular ends in -f / -fe (other -ves words just drop the "s": stoves, microwaves). */
const VES_TO_F = /(shel|hal|lea|wol|sca|loa|cal|el|thie)ves$/;
const VES_TO_FE = /(kni|wi|li)ves$/;
/** Plurals in -ies that are not -y words. */
const IES_KEEP = new Set(['movies', 'cookies', 'series', 'species', 'pies', 'ties']);

/**
 * Categories an open-vocabulary detector gives to the same object from one view to the next, because the objects
 * look alike (a stool and a chair, a TV and a monitor, a counter and a table top): a detection of one may be merged
 * into an instance of the other, where the instance's label is a vote. Not synonyms for questions: the benchmarks
 * count a stool and a chair apart.
 */
const LOOK_ALIKE_GROUPS: readonly (readonly string[])[] = [
  ['chair', 'stool', 'sofa'],
  ['sofa', 'bed'],
  ['table', 'nightstand', 'counter'],
  ['sink', 'counter'],
  ['tv', 'monitor'],
  ['trash can', 'trash bin'],
  ['closet', 'bookshelf', 'refrigerator'],
  ['stove', 'dishwasher', 'washer'],
  ['lamp', 'ceiling light'],
];

/** Whether a detector may call one object `a` in one view and `b` in another (LOOK_ALIKE_GROUPS). */
export function looksAlike(a: string, b: string): boolean {
  return a === b || LOOK_ALIKE_GROUPS.some((group) => group.includes(a) && group.includes(b));
}

/** Singular of an English noun phrase's last word (enough for furniture names). */
export function singular(phrase: string): string {
  const words = phrase.split(' ');
  const last = words[words.length - 1]!;
  let s = last;
  if (VOCABULARY_SET.has(last))
    s = last; // "shoes", "headphones" are categories as written
  else if (/(ch|sh|ss|x|zz)es$/.test(last)) s = last.slice(0, -2);
  else if (/[^aeiou]ies$/.test(last) && !IES_KEEP.has(last)) s = `${last.slice(0, -3)}y`;
  else if (VES_TO_F.test(last)) s = `${last.slice(0, -3)}f`;
  else if (VES_TO_FE.test(last)) s = `${last.slice(0, -3)}fe`;
  else if (/[^su]s$/.test(last)) s = last.slice(0, -1);
  words[words.length - 1] = s;
  return words.join(' ');
}

/** The category a phrase names: "Chairs" → "chair", "the couch" → "sofa", "TV(s)" → "tv". */
export function normaliseLabel(text: string): string {
  const phrase = text
    .toLowerCase()
    .replace(/\((s|es)\)/g, '')
    .replace(/[^a-z0-9 -]+/g, ' ')
    .replace(/^\s*(the|a|an|some|any|my)\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (VOCABULARY_SET.has(phrase)) return phrase;
  if (SYNONYMS[phrase]) return SYNONYMS[phrase]!;
  const one = singular(phrase);
  return SYNONYMS[one] ?? one;
}

/** The phrases that name a category in text: itself, its plural and its synonyms (with plurals). */
export function labelPhrases(label: string): string[] {
  const names = [label, ...Object.keys(SYNONYMS).filter((k) => SYNONYMS[k] === label)];
  return [...new Set(names.flatMap((n) => [n, plural(n)]))];
}

export function plural(phrase: string): string {
  if (/s$/.test(phrase) && VOCABULARY_SET.has(phrase)) return phrase; // "shoes", "headphones"
  if (/(s|x|ch|sh)$/.test(phrase)) return `${phrase}es`;
  if (/[^aeiou]y$/.test(phrase)) return `${phrase.slice(0, -1)}ies`;
  return `${phrase}s`;
}

/**
 * Clearer phrases for the detector where a benchmark category's name is terse or ambiguous to an open-vocabulary
 * detector ("tv" is a television, "washer" a washing machine, not a ring washer). Queries stay the category name
 * everywhere else.
 */
const DETECTOR_PHRASES: Record<string, string> = {
  tv: 'television',
  washer: 'washing machine',
  counter: 'kitchen counter',
  fan: 'electric fan',
  heater: 'space heater',
  pan: 'frying pan',
  plant: 'potted plant',
  monitor: 'computer monitor',
  keyboard: 'computer keyboard',
  'computer tower': 'desktop computer tower',
};

/**
 * The text query the detector gets for a category: "a photo of a <phrase>" (the form OWL-ViT's model cards use;
 * the category name alone also works), "an" before a vowel, no article for plural-only categories ("shoes").
 */
export function detectorPrompt(label: string): string {
  const key = normaliseLabel(label);
  const phrase = DETECTOR_PHRASES[key] ?? key;
  if (/s$/.test(phrase) && VOCABULARY_SET.has(phrase)) return `a photo of ${phrase}`;
  return `a photo of ${/^[aeiou]/.test(phrase) ? 'an' : 'a'} ${phrase}`;
}
