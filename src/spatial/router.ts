// Reads a question and decides which solver answers it, with what: the objects it names (in the
// order of their roles), the frames, the options of a multiple-choice question, the unit the answer is
// asked in, and the details a solver needs. Covers the benchmarks' phrasings and the ways people type in a
// chat (lower case, shorthand, a typo in a word, "closest to me", "if I stand by the stove facing the
// sink", "in feet"); anything else returns null and goes to the VLM.
//
// The rules are general: the question is first normalised (contractions and chat shorthand spelt out, a
// word one slip from a word the router reads corrected), then objects are found by name, and each route is
// recognised by what the question measures (a distance, a count, a side, an order) and from where (an
// object, the camera at a frame, the camera now).
import { labelPhrases, normaliseLabel } from '../perception/vocabulary';
import type { QuestionUnit, SpatialQuestionType } from './types';
import type { Option } from './solvers/common';
import type { Dimension } from './solvers/objects';
import type { DirectionVariant, RoutePlan } from './solvers/directions';
import type { RelationAxis } from './solvers/camera';

export interface RoutedQuestion {
  type: SpatialQuestionType;
  /** Object labels by role (see each type's solver for the order). */
  labels: string[];
  /**
   * Frame numbers named in the question (1-based), in order. None for a question about the camera (its
   * distance to an object, the object closest to it): it means the camera's latest position.
   */
  frames: number[];
  options: Option[];
  /** The dimension asked for; for room_size_estimation, 'height' asks for the ceiling height. */
  dimension?: Dimension;
  variant?: DirectionVariant;
  axis?: RelationAxis;
  route?: RoutePlan;
  threshold?: { op: 'more' | 'less'; metres: number };
  /** The unit the question asks the answer in ("in feet", "how many square feet"), where it names one. */
  unit?: QuestionUnit;
}

interface Mention {
  label: string;
  start: number;
  end: number;
}

/** Words a determiner phrase may start with that are never objects (they are what is measured, or where). */
const NOT_OBJECTS = new Set(
  `closest nearest farthest furthest point points distance direct length width height depth dimension dimensions longest size area room space
   camera person video frame frames following objects object categories category order way floor plan route robot destination
   left right back front middle quadrant quadrants center centre end start beginning positive x y z axis cartesian plane same
   total whole air my me it them this that these those one ones number amount meters metres centimeters centimetres
   meter metre centimeter centimetre m cm mm ft feet foot inch inches in yard yards sq square m2 ft2 footage
   rooms bedroom bedrooms kitchen living office hallway hall garage studio apartment flat house home place ceiling
   count counts sum steps step people persons thing things stuff item items line straight times time years days kind kinds type types sort style colour color`.split(
    /\s+/,
  ),
);

/** Words that end a determiner phrase. */
const PHRASE_END =
  /^(and|or|from|to|of|in|at|on|is|are|was|were|by|with|the|a|an|if|when|than|between|measured|facing|closest|nearest|do|does|did|i|you|it|which|what|how|as|for|into|while)$/;

/** Objects named in a text: known labels anywhere, plus unknown nouns after a determiner. */
export function findMentions(text: string, knownLabels: Iterable<string>): Mention[] {
  const lower = text.toLowerCase();
  const found: Mention[] = [];
  const phrases: { phrase: string; label: string }[] = [];
  for (const label of new Set(knownLabels)) for (const phrase of labelPhrases(label)) phrases.push({ phrase, label });
  phrases.sort((a, b) => b.phrase.length - a.phrase.length);
  const taken = new Uint8Array(lower.length);
  for (const { phrase, label } of phrases) {
    const re = new RegExp(`\\b${escapeRegExp(phrase)}(?:\\(s\\)|\\(es\\))?(?![a-z])`, 'g');
    for (let m = re.exec(lower); m; m = re.exec(lower)) {
      const end = m.index + m[0].length;
      if (taken.subarray(m.index, end).some((t) => t)) continue;
      taken.fill(1, m.index, end);
      found.push({ label, start: m.index, end });
    }
  }
  // Unknown objects: "the piano", "a giraffe", "how many bicycles" (one or two words after a determiner, not a
  // measurement word). A phrase that runs into a known object is that object with a qualifier ("the kitchen
  // cabinets" are cabinets): it is left to the known one.
  const det = /\b(?:the|a|an|any|my|many)\s+([a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)/g;
  for (let m = det.exec(lower); m; m = det.exec(lower)) {
    const start = m.index + m[0].length - m[1]!.length;
    if (taken[start]) continue;
    const words = m[1]!.split(/\s+/).filter((w, i, all) => !PHRASE_END.test(w) && all.slice(0, i).every((x) => !PHRASE_END.test(x)));
    if (!words.length || NOT_OBJECTS.has(words[0]!) || NOT_OBJECTS.has(words[words.length - 1]!)) continue;
    const phrase = words.join(' ');
    if (taken.subarray(start, start + phrase.length).some((t) => t)) continue;
    found.push({ label: normaliseLabel(phrase), start, end: start + phrase.length });
    taken.fill(1, start, start + phrase.length);
  }
  return found.sort((a, b) => a.start - b.start);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Benchmark prompt lines that frame the question but ask nothing ("These are frames of a video."). */
const PROMPT_BOILERPLATE =
  /^\s*(these are frames of a video\.?|please answer the question using a single word or phrase\.?|answer with the option's letter from the given choices directly\.?|options\s*:?)\s*$/i;

/** Splits "A. text" option lines (or "(A) text") and prompt boilerplate off the question. */
export function splitOptions(question: string): { stem: string; options: Option[] } {
  const options: Option[] = [];
  const stem: string[] = [];
  for (const line of question.split(/\r?\n/)) {
    const m = /^\s*\(?([A-H])[.)]\s*(.+?)\s*$/.exec(line);
    if (m) options.push({ letter: m[1]!, text: m[2]! });
    else if (!PROMPT_BOILERPLATE.test(line)) stem.push(line);
  }
  return { stem: stem.join(' ').replace(/\s+/g, ' ').trim(), options };
}

// ---- Normalising what people type ----

/** Chat shorthand and contractions, spelt out. */
const SHORTHAND: Record<string, string> = {
  hw: 'how',
  r: 'are',
  u: 'you',
  ur: 'your',
  teh: 'the',
  whats: 'what is',
  wheres: 'where is',
  hows: 'how is',
  thats: 'that is',
  im: 'i am',
  ive: 'i have',
  wat: 'what',
};

/**
 * Words the routes read, which a one-letter slip may garble ("meny", "distnace", "frist", "wlak"): a word
 * not known to the router that is one slip from one of these is read as it.
 */
const FUZZY_KEYWORDS = `how what which many far distance tall first walk walked closest nearest between height width length depth camera frame frames
   feet foot inches square appear appeared order behind count number meters metres centimeters`.split(/\s+/);

/** Other words the routes read (never corrected). */
const ROUTER_WORDS = `a an the and or of to from in on at by is are was were am be do does did i me my you your we us it this that these
  those there here now right left front back up down above below over under near far close closer nearer farther further closest
  nearest farthest furthest big bigger large wide long high deep tall size area room space floor much see saw seen ago before after last
  earlier later side turn get go went walk reach face facing look looking stand standing sit sitting than then when if where which
  what who how long apart away gap ft cm m in inch sq yard yards meter metre centimetre centimetres`.split(/\s+/);

/**
 * Common words one slip from a word the router reads, which must stay what they are ("with" is not "width",
 * "fist" is not "first", "plan" is not "plant").
 */
const PROTECTED = new Set(
  `able afar all along any bridge blocks border cables caps casket char chains choirs cinch clamp closed closes counted county court
   create crater dept disk dressed eight fair fame fames fare farm fear feat fee finch firs fist flame flames fleet fright bright light
   night might sight tight fight hair hairs hat header heated heather hoes hone howl inks itches lock locks lumber lump man may mount
   niches odder odor odors older ouch painter pant pants pinch plan plans planet planets plane printed rate scream self settle shone
   show sins squire stable stall stores tale tales talked talks tally tell till toll tool tools towers wade walker walled walls waked
   washed weight wheat whit widow widows winch with witch balked shells creates headers pointer pointers chars clicks panes stables tablet
   tablets planes spans rates death appeal cock slink blanked muse settles vowels pains touches ridge bridges clamps fringe donor houses
   shores neater sofia healer nettle nettles mandy chow stubs`.split(/\s+/),
);

const VOWELS = /^[aeiou]$/;

/**
 * How a typed word differs from a target by one slip: a letter missing, one extra, two swapped, or one
 * replaced (with the two letters); null if it is further.
 */
function oneSlip(typed: string, target: string): { kind: 'missing' | 'extra' | 'swap' } | { kind: 'replaced'; a: string; b: string } | null {
  if (typed === target) return null;
  const lt = typed.length;
  const lg = target.length;
  if (lt === lg) {
    const diff: number[] = [];
    for (let i = 0; i < lt && diff.length <= 2; i++) if (typed[i] !== target[i]) diff.push(i);
    if (diff.length === 1) return { kind: 'replaced', a: typed[diff[0]!]!, b: target[diff[0]!]! };
    if (diff.length === 2 && diff[1] === diff[0]! + 1 && typed[diff[0]!] === target[diff[1]!] && typed[diff[1]!] === target[diff[0]!]) return { kind: 'swap' };
    return null;
  }
  const [short, long] = lt < lg ? [typed, target] : [target, typed];
  if (long.length - short.length !== 1) return null;
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  if (short.slice(i) !== long.slice(i + 1)) return null;
  return { kind: lt < lg ? 'missing' : 'extra' };
}

/**
 * Whether a slip is one a typist makes rather than another word: in a keyword, any slip in a word of 3+
 * letters except a replaced letter (5+ letters, or a vowel for a vowel in 4); in an object's name (4+
 * letters), a missing, extra or swapped letter, or a replaced one from 6 letters.
 */
function plausibleSlip(typed: string, target: string, isLabel: boolean): boolean {
  const slip = oneSlip(typed, target);
  if (!slip) return false;
  const n = Math.min(typed.length, target.length);
  if (isLabel) {
    if (target.length < 4 || typed.length < 4) return false;
    return slip.kind !== 'replaced' || n >= 6;
  }
  if (typed.length < 3) return false;
  if (slip.kind === 'extra' && typed.length < 4) return false;
  if (slip.kind !== 'replaced') return true;
  return n >= 5 || (n === 4 && VOWELS.test(slip.a) && VOWELS.test(slip.b));
}

/**
 * The question as the routes read it: lower case, curly quotes straightened, contractions and shorthand spelt
 * out ("what's" → "what is", "hw" → "how"), and a word one slip from a keyword or an object's name corrected
 * ("meny" → "many", "chiars" → "chairs"). Known words, numbers and common words near a keyword are kept.
 */
export function normaliseQuestion(text: string, knownLabels: Iterable<string>): string {
  const s = text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\b(what|where|how|who|that|it|there)'s\b/g, '$1 is')
    .replace(/\bi'm\b/g, 'i am')
    .replace(/\bi've\b/g, 'i have');
  const known = new Set<string>(ROUTER_WORDS);
  for (const w of FUZZY_KEYWORDS) known.add(w);
  const labelWords: string[] = [];
  for (const label of new Set(knownLabels))
    for (const phrase of labelPhrases(label)) {
      const words = phrase.split(/[\s-]+/);
      for (const w of words) known.add(w);
      if (words.length === 1) labelWords.push(phrase);
    }
  return s.replace(/[a-z]+/g, (word) => {
    if (Object.hasOwn(SHORTHAND, word)) return SHORTHAND[word]!;
    if (known.has(word) || PROTECTED.has(word)) return word;
    const keyword = FUZZY_KEYWORDS.find((k) => plausibleSlip(word, k, false));
    if (keyword) return keyword;
    return labelWords.find((l) => plausibleSlip(word, l, true)) ?? word;
  });
}

// ---- Units ----

const NUMBER = String.raw`\d+(?:\.\d+)?`;
const FEET = 'feet|foot|ft';
const INCHES = 'inches|inch|in';
const CENTIMETRES = 'centimet(?:er|re)s?|cm';
const METRES = 'met(?:er|re)s?|m';

/** Metres in one of a unit named after a number ("3 m", "10 feet"). */
function metresPer(unit: string): number {
  if (new RegExp(`^(?:${FEET})$`).test(unit)) return 0.3048;
  if (new RegExp(`^(?:${INCHES})$`).test(unit)) return 0.0254;
  if (new RegExp(`^(?:${CENTIMETRES})$`).test(unit)) return 0.01;
  if (/^(yards?|yd)$/.test(unit)) return 0.9144;
  return 1;
}

/**
 * The unit the question asks its answer in: an area unit ("square feet", "sq ft", "square footage", "m2"), or a
 * length unit named as the unit of the answer ("in feet", "how many inches", "(in meters)") — not a number's
 * unit ("more than 3 m" is a threshold). Bare "in" and "m" count only after "in" ("in in", "in m").
 */
export function askedUnit(s: string): QuestionUnit | undefined {
  const t = s.replace(new RegExp(`${NUMBER}\\s*(?:square |sq\\.? )?(?:${FEET}|${INCHES}|${CENTIMETRES}|${METRES}|yards?|yd)\\b[²2]?`, 'g'), ' ');
  const area: [QuestionUnit, RegExp][] = [
    ['ft2', new RegExp(String.raw`\b(?:square|sq\.?)\s*(?:${FEET})\b|\bsq\s*ft\b|\bsqft\b|\bft(?:2\b|²)|\bsquare footage\b`)],
    ['m2', new RegExp(String.raw`\b(?:square|sq\.?)\s*(?:${METRES})\b|\bsqm\b|\bm(?:2\b|²)`)],
  ];
  for (const [unit, re] of area) if (re.test(t)) return unit;
  const lengths: [QuestionUnit, RegExp][] = [
    ['ft', new RegExp(`\\b(?:${FEET})\\b`)],
    ['in', /\b(?:inches|inch)\b|\bin in\b/],
    ['cm', new RegExp(`\\b(?:${CENTIMETRES})\\b`)],
    ['m', /\bmet(?:er|re)s?\b|\bin m\b/],
  ];
  let best: { unit: QuestionUnit; at: number } | undefined;
  for (const [unit, re] of lengths) {
    const m = re.exec(t);
    if (m && (!best || m.index < best.at)) best = { unit, at: m.index };
  }
  return best?.unit;
}

/** The unit a route's answer takes: a length for lengths, an area for the floor, none for counts and choices. */
function unitFor(q: RoutedQuestion, unit: QuestionUnit | undefined): QuestionUnit | undefined {
  if (!unit) return undefined;
  const isArea = unit === 'm2' || unit === 'ft2';
  switch (q.type) {
    case 'room_size_estimation':
      if (q.dimension === 'height') return isArea ? undefined : unit;
      // "How big is the room in feet?" asks for square feet.
      return unit === 'ft' ? 'ft2' : unit === 'm' ? 'm2' : isArea ? unit : undefined;
    case 'object_abs_distance':
    case 'object_size_estimation':
    case 'camera_obj_abs_dist':
    case 'camera_displacement':
    case 'camera_path_length':
      return isArea ? undefined : unit;
    default:
      return undefined;
  }
}

// ---- Frames ----

/** "frame 12", "frame #12", "frames 5 and 40", "from frame 2 to 9", "the 20th frame". */
function parseFrames(s: string): number[] {
  const frames = [...s.matchAll(/\bframes?\s*(?:#|no\.?\s*|number\s*)?(\d+)|\b(\d+)(?:st|nd|rd|th)\s+frame\b/g)].map((m) => Number(m[1] ?? m[2]));
  // "between frame 3 and 20" names the second frame without the word.
  const more = /\bframes?\s*#?\s*\d+\s*(?:and|to|-|&)\s*(?:frame\s*)?#?\s*(\d+)/.exec(s);
  if (more && frames.length === 1) frames.push(Number(more[1]));
  return frames;
}

// ---- Cues ----

/** Where I stand: "standing by the", "i am at the", "sitting on the", "starting at the". */
const STANDPOINT_CUE =
  /\b(?:stand|stands|standing|stood|sit|sitting|sat|am|be|being|start|starting|started|positioned|placed|located|lying|lie)\s+(?:right\s+|just\s+)?(?:by|at|next to|beside|near|on|in front of|in)\s+(?:the\s+|my\s+)?$/;
/** "from the desk" is where I stand when the question also says what I face ("facing the tv from the couch"). */
const FROM_CUE = /\bfrom\s+(?:the\s+|my\s+)?$/;
/** What I face: "facing the", "look at the", "looking towards the". */
const FACING_CUE = /\b(?:facing|face|faces|faced|look(?:ing|s)?\s+(?:at|towards?|to)|turned\s+(?:to|towards?)|towards?)\s+(?:the\s+|my\s+)?$/;
/** The object another's side is compared with: "left of the sofa", "to the right of the tv". */
const REFERENCE_CUE = /\b(?:left|right)\s+(?:side\s+)?(?:of|from)\s+(?:the\s+)?$/;
/** "closest to the", "nearest the", "the closest thing to the", "nearer to the". */
/** "relative to the X": X is the reference of a relative position. */
const RELATIVE_TO_CUE = /\brelative to\s+(?:the\s+)?$/;
const CLOSEST_TO_CUE = /\b(?:closest|nearest|closer|nearer)\s+(?:(?:thing|object|item|one)s?\s+)?(?:to\s+|from\s+)?(?:the\s+|my\s+)?$/;
/** The camera as what things are closest to: "closest to the camera", "nearest thing to me", "what am i closest to". */
const CLOSEST_TO_CAMERA = [
  /\b(?:closest|nearest|closer|nearer)\s+(?:(?:thing|object|item|one)s?\s+)?(?:to\s+|from\s+)?(?:the\s+|my\s+)?(?:camera|me|us|myself|you|viewer|person filming|position|where i am)\b/,
  /\b(?:am i|are we|was i|were we|is the camera|was the camera|are you)\b[^.?!]*?\b(?:closest|nearest|closer|nearer)\b/,
];
/** The camera as a party to a distance: "how far am i from", "from me", "the camera". */
const CAMERA_WORD = /\b(?:camera|i|me|us|we|myself|viewer|person filming|from here)\b/;
/** A distance between two things. */
const DISTANCE_WORDS =
  /\b(?:distance|how far|far apart|apart|how close|how near|gap|far from|close to|near to|away from|far away)\b|\b(?:space|room|clearance)\b[^?]*\bbetween\b/;
const UNIT_WORD = `(?:${FEET}|${INCHES}|${CENTIMETRES}|${METRES}|yards?)`;
/** "how many feet between", "how many meters from the couch to the tv". */
const HOW_MANY_UNITS = new RegExp(String.raw`\bhow many ${UNIT_WORD}\b`);
/** A distance compared with a figure: "more than 2 meters from", "within 3 feet of". */
const DISTANCE_THAN = new RegExp(
  String.raw`\b(?:more|less|further|farther|closer|nearer|over|under|within)\s+(?:than\s+)?${NUMBER}\s*${UNIT_WORD}\s+(?:from|of|apart|away)\b`,
);
/** Seeing something in the video: what an appearance-order question is about. */
const SEEING =
  /\b(?:see|saw|seen|sees|spot|spotted|notice|noticed|appear|appeared|appears|show up|showed up|shows up|came|come|comes|film|filmed|record|recorded|capture|captured|in the video)\b/;
const ORDERING = /\b(?:first|earlier|earliest|before|after|last|later|sooner|order)\b/;
/** Walking: the path, not the straight line. */
const WALKING = /\b(?:walk|walks|walked|walking|travel|travels|travell?ed|travell?ing|path|cover|covered|stroll(?:ed)?)\b/;
const ROOM_WORDS = /\b(?:room|rooms|bedroom|bathroom|kitchen|living room|office|space|place|floor|apartment|flat|house|home|studio|hallway|garage)\b/;

const uniqueInOrder = (labels: string[]) => labels.filter((l, i) => labels.indexOf(l) === i);

/** The mention right after a cue (the cue ends where the mention starts). */
function mentionAfter(s: string, mentions: Mention[], cue: RegExp, skip: Mention[] = []): Mention | undefined {
  return mentions.find((m) => !skip.includes(m) && cue.test(s.slice(Math.max(0, m.start - 60), m.start)));
}

function relationAxis(s: string): RelationAxis | null {
  if (/\b(left|right)\b/.test(s)) return 'left-right';
  if (/\b(above|below|up|down|higher|lower)\b/.test(s)) return 'up-down';
  if (/\b(near|far|closer|farther|further|nearer)\b/.test(s)) return 'near-far';
  return null;
}

/** Routes a question; null when it is not one the map answers. */
export function routeQuestion(question: string, knownLabels: Iterable<string>): RoutedQuestion | null {
  const { stem, options } = splitOptions(question);
  const known = [...new Set(knownLabels)];
  const s = normaliseQuestion(stem, known);
  const routed = routeStem(s, options, known);
  if (!routed) return null;
  const unit = unitFor(routed, askedUnit(s) ?? routed.unit);
  const { unit: _said, ...rest } = routed;
  return unit ? { ...rest, unit } : rest;
}

function routeStem(s: string, options: Option[], known: string[]): RoutedQuestion | null {
  const frames = parseFrames(s);
  const mentions = findMentions(s, known);
  const labels = mentions.map((m) => m.label);
  const distinct = uniqueInOrder(labels);
  const optionLabels = options.map((o) => normaliseLabel(o.text));
  const base = { frames, options };
  const mentionsCamera = CAMERA_WORD.test(s);

  // Route planning: "You are a robot beginning at the A facing the B ... 1. Go forward until the C 2. [please fill in] ..."
  if (/\[please fill in\]|robot beginning at|navigate to/.test(s)) {
    const route = parseRoute(s, known);
    if (route) return { type: 'route_planning', labels: [route.start, route.facing, ...route.legs], route, ...base };
  }
  if (/appearance order|appear(ed|s)? first|first[- ]time appearance|order (in which|of appearance)/.test(s)) {
    const listed = /categories[^:]*:\s*(.+?)\??$/.exec(s);
    const cats = listed ? listed[1]!.split(/\s*,\s*|\s+and\s+/).map((c) => normaliseLabel(c.replace(/[?.]$/, ''))) : distinct;
    return { type: 'obj_appearance_order', labels: cats.filter(Boolean), ...base };
  }

  // From a standpoint: "standing by the A facing the B, is the C to my left?", "if I face the B from the A ...".
  const facing = mentionAfter(s, mentions, FACING_CUE);
  const standpoint = facing && (mentionAfter(s, mentions, STANDPOINT_CUE, [facing]) ?? mentionAfter(s, mentions, FROM_CUE, [facing]));
  if (facing && standpoint && standpoint.label !== facing.label) {
    // A route: "... I walk to the C, then which way do I turn to get to the D?"
    if (/\bturn/.test(s) && /\b(?:get to|reach|go to|going to|walk to|head to|navigate to|to get)\b/.test(s)) {
      const after = Math.max(standpoint.end, facing.end);
      const legs = mentions.filter((m) => m.start >= after);
      if (legs.length) {
        const route: RoutePlan = {
          start: standpoint.label,
          facing: facing.label,
          legs: legs.map((m) => m.label),
          turnBefore: legs.map((m, i) => /\bturn/.test(s.slice(i ? legs[i - 1]!.end : after, m.start))),
        };
        return { type: 'route_planning', labels: [route.start, route.facing, ...route.legs], route, ...base };
      }
    }
    const target = mentions.find((m) => m !== standpoint && m !== facing && m.label !== standpoint.label && m.label !== facing.label);
    if (target && /\b(left|right|behind|back|front|side|where|direction|which way)\b/.test(s)) {
      const texts = [s, ...options.map((o) => o.text.toLowerCase())];
      const variant: DirectionVariant = texts.some((t) => /\b(front|back)[- ]?(left|right)\b|quadrant/.test(t))
        ? 'hard'
        : texts.some((t) => /\b(back|behind)\b/.test(t))
          ? 'medium'
          : 'easy';
      // "is the lamp left of the sofa": the lamp's side compared with the sofa's, from the same standpoint.
      const reference = mentions.find(
        (m) => m.start > target.start && ![standpoint.label, facing.label, target.label].includes(m.label) && REFERENCE_CUE.test(s.slice(0, m.start)),
      );
      const roles = [standpoint.label, facing.label, target.label, ...(reference ? [reference.label] : [])];
      return { type: `object_rel_direction_${variant}`, labels: roles, variant, ...base };
    }
  }

  // Appearance order: "which did I see first, the bed or the lamp?", "did the fridge show up before the stove?"
  if (distinct.length >= 2 && ORDERING.test(s) && SEEING.test(s) && !/\b(how far|distance|how many|how long)\b/.test(s)) {
    return { type: 'obj_appearance_order', labels: distinct, ...base };
  }

  if (frames.length >= 2 && !/\b(how far|distance|how much|how many)\b/.test(s)) {
    const direction = /\bdirection|which way/.test(s);
    const namedDirection =
      distinct.length === 0 &&
      /\b(forwards?|backwards?|left|right|ahead|up|down)\b/.test(s) &&
      /\b(move|moves|moved|moving|go|goes|went|going|gone|head|headed|heading|turn|turned|camera|i|we)\b/.test(s);
    if (direction || namedDirection) return { type: 'camera_movement_direction', labels: [], ...base };
  }

  // Walking: "how far did I walk", "did I walk more than 3 m", "how far did the camera travel along its path".
  // "How far did I go in total" is the path too; steps are not measured.
  const walk =
    (WALKING.test(s) || (/\b(go|went|gone|moved?)\b/.test(s) && /\b(in total|altogether|overall|so far)\b/.test(s))) &&
    (mentionsCamera || /\b(total|distance|how far|how much|how long|how many)\b/.test(s)) &&
    !/\bsteps\b/.test(s);
  const threshold = new RegExp(
    String.raw`\b(more|further|farther|longer|less|fewer|shorter|over|under)\s+(?:than\s+)?(${NUMBER})\s*(${FEET}|${INCHES}|${CENTIMETRES}|${METRES}|yards?|yd)\b`,
  ).exec(s);
  // "between the start and the window": the path up to where the camera came closest to the window.
  if (walk && distinct.length <= 1) {
    const t = threshold
      ? {
          op: /more|further|farther|longer|over/.test(threshold[1]!) ? ('more' as const) : ('less' as const),
          metres: Number(threshold[2]) * metresPer(threshold[3]!),
        }
      : undefined;
    // "Did I walk more than 20 feet?" is answered in feet.
    const said = threshold ? askedUnit(threshold[3]!) : undefined;
    return {
      type: 'camera_path_length',
      labels: distinct.slice(0, 1),
      ...base,
      frames: frames.slice(0, 2),
      ...(t ? { threshold: t } : {}),
      ...(said ? { unit: said } : {}),
    };
  }
  // Frames are camera positions: "how far did the camera move between frame 1 and 20", "how far apart are frames 5 and 40".
  if (frames.length >= 2 && labels.length === 0 && /how far|distance|displace|how much|how many|move|moved|travel|apart|\bfar\b/.test(s)) {
    return { type: 'camera_displacement', labels: [], ...base };
  }

  // Closest to the camera: at a frame, or (no frame) where the camera is now. "Which object is closest to the
  // camera?", "what's the nearest thing to me", "which is closer to me, the door or the window?"
  if (CLOSEST_TO_CAMERA.some((re) => re.test(s))) {
    if (frames.length >= 1 && distinct.length >= 2 && /\bthan\b/.test(s)) {
      return { type: 'obj_obj_relative_pos', labels: labels.slice(0, 2), axis: 'near-far', ...base };
    }
    return { type: 'camera_obj_rel_dist', labels: optionLabels.length ? optionLabels : distinct, ...base, frames: frames.slice(0, 1) };
  }
  // The camera to an object: "how far was the camera from the tv at frame 15", "how far am i from the sofa".
  if (frames.length >= 1 && /\bcamera\b|\bperson filming\b|\bi\b/.test(s) && /how far|distance|how close/.test(s) && labels.length >= 1) {
    return { type: 'camera_obj_abs_dist', labels: labels.slice(0, 1), ...base };
  }
  if (
    frames.length <= 1 &&
    distinct.length === 1 &&
    mentionsCamera &&
    (DISTANCE_WORDS.test(s) || HOW_MANY_UNITS.test(s)) &&
    !/\bclosest point|nearest point/.test(s)
  ) {
    return { type: 'camera_obj_abs_dist', labels: distinct, ...base };
  }
  // Two objects in the camera's view at a frame: "at frame 1, is the lamp to the left of the plant?"
  if (frames.length >= 1 && labels.length >= 2) {
    const axis = relationAxis(s);
    // The object asked about first, the reference second: "relative to the sofa, is the lamp to the left?" names
    // the reference first (VSTI-Bench's own wording).
    const reference = mentionAfter(s, mentions, RELATIVE_TO_CUE);
    const ordered = reference
      ? [
          ...mentions
            .filter((m) => m !== reference)
            .map((m) => m.label)
            .slice(0, 1),
          reference.label,
        ]
      : labels.slice(0, 2);
    if (axis) return { type: 'obj_obj_relative_pos', labels: ordered, axis, ...base };
  }

  // Closest to an object: the benchmark's "which of these objects (a, b, c) is the closest to the X?" with options,
  // and "which is closer to the bed, the lamp or the desk?", "what is nearest to the door?" (every object).
  const relative = /(which|what)\b.*?\b(closest|nearest)\s+to\s+(?:the\s+)?([a-z][a-z ()-]*?)\s*(?:[?.]|$)/.exec(s);
  if (relative && optionLabels.length >= 2) {
    return { type: 'object_rel_distance', labels: [normaliseLabel(relative[3]!), ...optionLabels], ...base };
  }
  const reference = mentionAfter(s, mentions, CLOSEST_TO_CUE);
  if (reference) {
    const candidates = optionLabels.length
      ? optionLabels
      : uniqueInOrder(mentions.filter((m) => m !== reference && m.label !== reference.label).map((m) => m.label));
    return { type: 'object_rel_distance', labels: [reference.label, ...candidates], ...base };
  }

  if ((DISTANCE_WORDS.test(s) || DISTANCE_THAN.test(s) || (HOW_MANY_UNITS.test(s) && /\b(between|from|to|apart)\b/.test(s))) && labels.length >= 2) {
    return { type: 'object_abs_distance', labels: labels.slice(0, 2), ...base };
  }
  // A room named like an object ("the bathroom") is still the room when its size is asked.
  if (mentions.every((m) => ROOM_WORDS.test(s.slice(m.start, m.end)))) {
    // The ceiling's height; the floor's area.
    if (/\bceiling/.test(s) && /\b(how high|how tall|height|high|tall)\b/.test(s)) {
      return { type: 'room_size_estimation', labels: [], dimension: 'height', ...base };
    }
    const area = askedUnit(s) === 'm2' || askedUnit(s) === 'ft2';
    if (area || (/\b(area|square met|size|how big|how large|dimensions|footprint|how much (?:floor )?(?:space|room))\b/.test(s) && ROOM_WORDS.test(s))) {
      return { type: 'room_size_estimation', labels: [], ...base };
    }
  }
  // "how many inches wide is the monitor": a size, not a count.
  const unitSize = new RegExp(String.raw`\bhow many ${UNIT_WORD} (tall|high|wide|long|deep|big|across)\b`).exec(s);
  if (unitSize && labels.length >= 1) {
    const dimension = sizeDimension(`how ${unitSize[1]}`)!;
    return { type: 'object_size_estimation', labels: labels.slice(0, 1), dimension, ...base };
  }
  const counting =
    /\bhow many\b|\bnumber of\b|\bcount\b|\bhow much [a-z ]+ (?:are|is) there\b|\bare there (any|more|fewer|less|at least|over|under|only|\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b/.test(
      s,
    ) && !HOW_MANY_UNITS.test(s);
  if (counting && labels.length >= 1) {
    return { type: 'object_counting', labels: labels.slice(0, 1), ...base };
  }
  const dimension = sizeDimension(s) ?? (/\bwhat size\b/.test(s) || mentions.some((m) => /^\s+size\b/.test(s.slice(m.end))) ? 'longest' : null);
  if (dimension && labels.length >= 1) return { type: 'object_size_estimation', labels: labels.slice(0, 1), dimension, ...base };
  return null;
}

function sizeDimension(s: string): Dimension | null {
  if (/longest (dimension|side)|how big|how large|\bsize of\b|\bdimensions?\b/.test(s)) return 'longest';
  if (/how (tall|high)\b|\bheight\b/.test(s)) return 'height';
  if (/how wide\b|\bwidth\b/.test(s)) return 'width';
  if (/how long\b|\blength\b/.test(s)) return 'length';
  if (/how deep\b|\bdepth\b/.test(s)) return 'depth';
  return null;
}

/** "beginning at the A facing the B. ... navigate to the X ... 1. Go forward until the C 2. [please fill in] 3. ..." */
function parseRoute(stem: string, known: string[]): RoutePlan | null {
  const lower = stem.toLowerCase();
  const start = /beginning at (?:the )?(.+?)\s+(?:and\s+)?facing (?:the )?(.+?)[.,]/.exec(lower);
  if (!start) return null;
  const steps = lower
    .slice(start.index + start[0].length)
    .split(/\s\d+\.\s/)
    .slice(1);
  const legs: string[] = [];
  const turnBefore: boolean[] = [];
  let pendingTurn = false;
  for (const step of steps) {
    if (/please fill in/.test(step)) pendingTurn = true;
    const go = /go forward until (?:the )?(.+?)(?:[.,]|$| you have| \d)/.exec(step);
    if (go) {
      legs.push(labelOf(go[1]!, known));
      turnBefore.push(pendingTurn);
      pendingTurn = false;
    }
  }
  if (!legs.length) return null;
  return { start: labelOf(start[1]!, known), facing: labelOf(start[2]!, known), legs, turnBefore };
}

/** The known label a phrase names, else the phrase normalised. */
function labelOf(phrase: string, known: string[]): string {
  return findMentions(`the ${phrase}`, known)[0]?.label ?? normaliseLabel(phrase);
}
