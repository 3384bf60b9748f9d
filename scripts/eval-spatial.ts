// `npm run eval:spatial -- [--meta <dir>] [--json out.json] [--limit N] [--verbose] [--per-scene N|all]
// [--seed S] [--wording vsibench|vlm3r]`: VSI-Bench with oracle perception. For each of the 288 validation
// scenes, the metadata's boxes become the scene memory, the benchmark's questions are generated from the
// same metadata (src/eval/vsibench/questions.ts, rules in docs/benchmark-rules.md), each is answered by
// answerSpatialQuestion on the full prompt text and scored as the benchmark scores a model's reply (first
// word; MRA for numbers, the option letter for choices). Room size, route planning and appearance order
// need a floor outline, a video or a simulator the metadata lacks: they are covered by unit tests instead.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { answerAndScore } from '../src/eval/answerAndScore.ts';
import { DEFAULT_META_DIR, listVsiScenes, metaSceneToMemory } from '../src/eval/vsibench/metaScene.ts';
import { generateSceneQuestions, OBJECT_QUESTION_TYPES, type VsiQuestion, type VsiQuestionType, type Wording } from '../src/eval/vsibench/questions.ts';

const { values } = parseArgs({
  options: {
    meta: { type: 'string', default: DEFAULT_META_DIR },
    json: { type: 'string' },
    limit: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'per-scene': { type: 'string', default: '6' },
    seed: { type: 'string', default: '0' },
    wording: { type: 'string', default: 'vsibench' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    'usage: npm run eval:spatial -- [--meta <dir>] [--json out.json] [--limit N] [--verbose] [--per-scene N|all] [--seed S] [--wording vsibench|vlm3r]',
  );
  process.exit(0);
}
const perScene = values['per-scene'] === 'all' ? Infinity : Number(values['per-scene']);
const seed = Number(values.seed);
const wording = values.wording as Wording;
if (!(perScene > 0) || !Number.isFinite(seed) || !['vsibench', 'vlm3r'].includes(wording)) {
  console.error('bad --per-scene, --seed or --wording');
  process.exit(2);
}

interface Result {
  id: string;
  sceneId: string;
  dataset: string;
  questionType: VsiQuestionType;
  question: string;
  groundTruth: number | string;
  answerText?: string;
  /** What a model would have replied: the answer's value as text ("" when it gave none). */
  prediction: string;
  score: number;
  /** The solver's own sentence, or why there was none. */
  reply: string;
}

let scenes = listVsiScenes(values.meta);
if (values.limit) scenes = scenes.slice(0, Number(values.limit));

const results: Result[] = [];
const started = performance.now();
let answerMs = 0;
for (const scene of scenes) {
  const memory = metaSceneToMemory(scene.meta);
  const questions: VsiQuestion[] = generateSceneQuestions(scene.sceneId, scene.dataset, scene.meta, { seed, perScene, wording, types: OBJECT_QUESTION_TYPES });
  for (const q of questions) {
    const t0 = performance.now();
    const { prediction, score, reply } = answerAndScore(q.question, q.groundTruth, memory);
    answerMs += performance.now() - t0;
    const { id, sceneId, dataset, questionType, question, groundTruth, answerText } = q;
    results.push({
      id,
      sceneId,
      dataset,
      questionType,
      question,
      groundTruth,
      ...(answerText ? { answerText } : {}),
      prediction,
      score,
      reply,
    });
  }
}

// ---- Report ----
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const ofType = (t: VsiQuestionType) => results.filter((r) => r.questionType === t).map((r) => r.score);
const sub = { easy: ofType('object_rel_direction_easy'), medium: ofType('object_rel_direction_medium'), hard: ofType('object_rel_direction_hard') };
const tasks = {
  Count: { score: mean(ofType('object_counting')), n: ofType('object_counting').length },
  AbsDist: { score: mean(ofType('object_abs_distance')), n: ofType('object_abs_distance').length },
  Size: { score: mean(ofType('object_size_estimation')), n: ofType('object_size_estimation').length },
  RelDist: { score: mean(ofType('object_rel_distance')), n: ofType('object_rel_distance').length },
  // The benchmark's relative direction: the mean of its three sub-types.
  RelDir: { score: (mean(sub.easy) + mean(sub.medium) + mean(sub.hard)) / 3, n: sub.easy.length + sub.medium.length + sub.hard.length },
};
const scored = Object.values(tasks);
const avg = mean(scored.map((t) => t.score));
const NA = 'n/a (unit tests)';
const fmt = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
const columns: [string, string, string][] = [
  ['Avg', fmt(avg), String(results.length)],
  ['Count', fmt(tasks.Count.score), String(tasks.Count.n)],
  ['AbsDist', fmt(tasks.AbsDist.score), String(tasks.AbsDist.n)],
  ['Size', fmt(tasks.Size.score), String(tasks.Size.n)],
  ['Room', NA, '-'],
  ['RelDist', fmt(tasks.RelDist.score), String(tasks.RelDist.n)],
  ['RelDir', fmt(tasks.RelDir.score), String(tasks.RelDir.n)],
  ['Route', NA, '-'],
  ['Order', NA, '-'],
];
const widths = columns.map((c) => Math.max(...c.map((s) => s.length)));
const row = (label: string, k: number) => `${label.padEnd(10)}${columns.map((c, i) => c[k]!.padEnd(widths[i]! + 2)).join('')}`;

const seconds = (performance.now() - started) / 1000;
if (values.verbose) {
  const failures = results.filter((r) => r.score < 1);
  console.log(`\n${failures.length} answers below full marks:`);
  for (const r of failures) {
    console.log(
      `\n[${r.questionType}] ${r.id}  score ${r.score.toFixed(2)}  truth ${r.groundTruth}${r.answerText ? ` (${r.answerText})` : ''}  predicted "${r.prediction}"`,
    );
    console.log(`  ${r.question.split('\n').slice(1, -1).join(' | ')}`);
    console.log(`  → ${r.reply}`);
  }
  console.log('');
}
console.log(
  `VSI-Bench, oracle perception: ${scenes.length} scenes, ${results.length} questions (≤ ${perScene} per type and scene, seed ${seed}, ${wording} wording), ${seconds.toFixed(1)} s (answering ${(answerMs / 1000).toFixed(1)} s)`,
);
console.log(row('', 0));
console.log(row('score', 1));
console.log(row('questions', 2));
console.log(
  `RelDir sub-types: easy ${fmt(mean(sub.easy))} (${sub.easy.length}), medium ${fmt(mean(sub.medium))} (${sub.medium.length}), hard ${fmt(mean(sub.hard))} (${sub.hard.length})`,
);
const below = Object.entries(tasks).filter(([, t]) => !(t.score >= 0.98));
console.log(below.length ? `below the 0.98 target: ${below.map(([k, t]) => `${k} ${fmt(t.score)}`).join(', ')}` : 'every task at or above the 0.98 target');

if (values.json) {
  const summary = {
    scenes: scenes.length,
    questions: results.length,
    perScene: Number.isFinite(perScene) ? perScene : 'all',
    seed,
    wording,
    avg,
    tasks: { ...tasks, Room: NA, Route: NA, Order: NA },
    relDirSubtypes: { easy: mean(sub.easy), medium: mean(sub.medium), hard: mean(sub.hard) },
  };
  writeFileSync(values.json, JSON.stringify({ summary, results }, null, 1));
  console.log(`wrote ${values.json}`);
}
