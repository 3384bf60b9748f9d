// What every solver shares: finding objects by label, the plain "not seen" answer, number wording,
// and reading a chosen option.
import type { AnswerHighlight, OrientedBox, QuestionUnit, SceneMemory, SceneObject, SpatialAnswer, SpatialQuestionType } from '../types';

export interface Option {
  letter: string;
  text: string;
}

export const emptyHighlight = (): AnswerHighlight => ({ boxes: [], segments: [] });

export function objectsLabelled(memory: SceneMemory, label: string): SceneObject[] {
  return memory.objects.filter((o) => o.label === label);
}

export const boxHighlight = (o: SceneObject): { box: OrientedBox; label: string } => ({ box: o.box, label: o.id });

/** An answer that says plainly why the map cannot answer. */
export function cannotAnswer(type: SpatialQuestionType, text: string, objects: string[] = [], highlight = emptyHighlight()): SpatialAnswer {
  return { type, value: null, text, figures: {}, objects, highlight };
}

export function notSeen(type: SpatialQuestionType, labels: string[]): SpatialAnswer {
  const list = labels.map((l) => `${article(l)} ${l}`);
  const what = list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : list[0];
  return cannotAnswer(type, `Not seen: I haven't seen ${what} in this capture, so I can't measure it. Film it and ask again.`);
}

export function article(label: string): string {
  return /^[aeiou]/i.test(label) ? 'an' : 'a';
}

/** Metres with sensible precision: 2 decimals under 10 m, 1 above. */
export function metres(v: number): string {
  return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} m`;
}

export type LengthUnit = 'm' | 'cm' | 'ft' | 'in';

const METRES_PER: Record<LengthUnit, number> = { m: 1, cm: 0.01, ft: 0.3048, in: 0.0254 };
export const SQUARE_METRES_PER_SQUARE_FOOT = 0.3048 * 0.3048;

/** The length unit a question asked for (metres when it asked none, or an area). */
export function lengthUnit(unit: QuestionUnit | undefined): LengthUnit {
  return unit === 'cm' || unit === 'ft' || unit === 'in' ? unit : 'm';
}

/** A length in metres, in a unit. */
export function inUnit(metresValue: number, unit: LengthUnit): number {
  if (unit === 'm') return metresValue;
  if (unit === 'cm') return metresValue * 100;
  return metresValue / METRES_PER[unit];
}

/** A length (given in metres) written in a unit: "2.41 m", "241 cm", "7.9 ft", "34 in". */
export function lengthText(metresValue: number, unit: LengthUnit = 'm'): string {
  if (unit === 'm') return metres(metresValue);
  const v = inUnit(metresValue, unit);
  if (unit === 'cm') return `${Math.round(v)} cm`;
  return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ${unit}`;
}

/** The same, with the metric figure beside feet and inches: "7.9 ft (2.41 m)". */
export function lengthPhrase(metresValue: number, unit: LengthUnit = 'm'): string {
  return unit === 'ft' || unit === 'in' ? `${lengthText(metresValue, unit)} (${metres(metresValue)})` : lengthText(metresValue, unit);
}

/** The options' letters and texts, from "A. text" lines. */
export function optionByText(options: Option[], matches: (text: string) => boolean): Option | undefined {
  return options.find((o) => matches(o.text));
}

export const normaliseWords = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** Choose the option whose text equals `answer` (word-wise), or whose words are the answer's words in order. */
export function pickOption(options: Option[], answer: string): Option | undefined {
  const want = normaliseWords(answer);
  return options.find((o) => normaliseWords(o.text) === want);
}

export function choiceAnswer(
  type: SpatialQuestionType,
  options: Option[],
  answer: string,
  how: string,
  rest: Omit<SpatialAnswer, 'type' | 'value' | 'text' | 'choiceText'>,
): SpatialAnswer {
  const option = options.length ? pickOption(options, answer) : undefined;
  if (options.length && !option) {
    return { type, value: null, text: `By the map the answer is "${answer}", which is none of the options. ${how}`, ...rest };
  }
  const lead = option ? `${option.letter}. ${option.text}` : answer;
  return { type, value: option ? option.letter : answer, choiceText: option?.text ?? answer, text: `${capitalise(lead)}. ${how}`, ...rest };
}

export const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
