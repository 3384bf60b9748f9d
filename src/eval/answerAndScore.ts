// One benchmark question put to the app's spatial answering (the chat's router and solvers) and scored as the
// benchmark scores a model's reply: the evaluations over the benchmark's metadata, a recording and the synthetic rooms
// all go through here.
import { answerSpatialQuestion } from '../spatial/answer';
import type { SceneMemory } from '../spatial/types';
import { scoreVsiAnswer } from './vsibenchScore';

export interface ScoredAnswer {
  /** What the benchmark reads: the answer's value ('' when none). */
  prediction: string;
  score: number;
  /** The chat's reply, or why there is none. */
  reply: string;
  /** The solver the router chose (null: not routed, the VLM would get it). */
  routedAs: string | null;
}

export function answerAndScore(question: string, groundTruth: number | string, memory: SceneMemory): ScoredAnswer {
  try {
    const answer = answerSpatialQuestion(question, memory);
    if (!answer) return { prediction: '', score: 0, reply: '(not routed: the VLM would get it)', routedAs: null };
    const prediction = answer.value === null ? '' : String(answer.value);
    return { prediction, score: scoreVsiAnswer(prediction, groundTruth), reply: answer.text, routedAs: answer.type };
  } catch (err) {
    return { prediction: '', score: 0, reply: `(threw: ${err instanceof Error ? err.message : String(err)})`, routedAs: null };
  }
}
