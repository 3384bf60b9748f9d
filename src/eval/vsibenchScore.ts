// How VSI-Bench scores one answer (thinking-in-space lmms_eval/tasks/vsibench/utils.py): the prediction's
// first word, with trailing "." removed (fuzzy_matching), is compared case-insensitively with the option
// letter for multiple choice (exact_match), or read as a number and scored by Mean Relative Accuracy for
// numeric answers; a prediction that is not a number scores 0.
import { meanRelativeAccuracy } from './mra';

/** fuzzy_matching: `pred.split(' ')[0].rstrip('.').strip()`. */
export function firstWord(prediction: string): string {
  return prediction.split(' ')[0]!.replace(/\.+$/, '').trim();
}

/** Python's float() on a string: decimal or exponent notation, optional sign, "inf"/"nan", underscores between digits. */
export function pythonFloat(text: string): number | null {
  const s = text.trim();
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return Number.NaN;
  const digits = '\\d(?:_?\\d)*';
  const re = new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`);
  return re.test(s) ? Number(s.replace(/_/g, '')) : null;
}

/** exact_match on the fuzzy-matched prediction: 1 or 0. */
export function scoreChoice(prediction: string, letter: string): number {
  return firstWord(prediction).toLowerCase() === letter.toLowerCase() ? 1 : 0;
}

/** MRA of the fuzzy-matched prediction read as a number; 0 when it is not one. */
export function scoreNumeric(prediction: string, groundTruth: number): number {
  const value = pythonFloat(firstWord(prediction));
  return value === null ? 0 : meanRelativeAccuracy(value, groundTruth);
}

/** One answer's score: by the letter when the ground truth is a letter, else by MRA. */
export function scoreVsiAnswer(prediction: string, groundTruth: number | string): number {
  return typeof groundTruth === 'number' ? scoreNumeric(prediction, groundTruth) : scoreChoice(prediction, groundTruth);
}
