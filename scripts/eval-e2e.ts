// `npm run eval:e2e -- --rooms N [--seed S] [--depth given|mono] [--detections oracle|simulated] [--frames N]
// [--question-seed Q] [--json out.json]`: the whole pipeline on synthetic rooms with full ground truth, from frames to
// answers (scripts/e2eRoom.ts). Rooms S … S+N−1 are rendered once into .synth/. Prints, per benchmark task, the score
// of the app's pipeline and beside it the score with one stage replaced by its ground truth: poses (frames placed at
// their true poses), depth (the rendered depth instead of the monocular degradation; with --depth given the depth is
// already the sensor's and there is no oracle column), instances (the true objects instead of detections merged by
// the object map).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LATER_QUESTIONS } from '../src/eval/router/laterQuestions.ts';
import { routerAccuracy } from '../src/eval/router/routerAccuracy.ts';
import { type E2eOptions, evaluateRoom, type RoomResult, SETTINGS, type Setting } from './e2eRoom.ts';

const { values } = parseArgs({
  options: {
    rooms: { type: 'string', default: '20' },
    seed: { type: 'string', default: '0' },
    depth: { type: 'string', default: 'given' },
    detections: { type: 'string', default: 'simulated' },
    frames: { type: 'string' },
    'question-seed': { type: 'string', default: '0' },
    json: { type: 'string' },
  },
});
const rooms = Number(values.rooms);
const first = Number(values.seed);
const maxFrames = values.frames === undefined ? undefined : Number(values.frames);
if (
  !Number.isInteger(rooms) ||
  rooms < 1 ||
  !Number.isInteger(first) ||
  first < 0 ||
  !['given', 'mono'].includes(values.depth!) ||
  !['oracle', 'simulated'].includes(values.detections!) ||
  (maxFrames !== undefined && !(Number.isInteger(maxFrames) && maxFrames >= 10))
) {
  console.error(
    'usage: npm run eval:e2e -- --rooms N [--seed S] [--depth given|mono] [--detections oracle|simulated] [--frames N ≥ 10] [--question-seed Q] [--json out.json]',
  );
  process.exit(2);
}
const options: E2eOptions = {
  depth: values.depth as E2eOptions['depth'],
  detections: values.detections as E2eOptions['detections'],
  questionSeed: Number(values['question-seed']),
  maxFrames,
};

const results: RoomResult[] = [];
const started = performance.now();
for (let seed = first; seed < first + rooms; seed++) {
  const t0 = performance.now();
  const r = await evaluateRoom(seed, options);
  results.push(r);
  console.log(
    `room ${seed}: ${r.kind}, ${r.area.toFixed(1)} m², ${r.frames} frames, ${r.objectsSeen} objects seen; tracked ${(100 * r.trackedShare).toFixed(0)} %, ATE ${(100 * r.ateRmse).toFixed(1)} cm; ${r.questions.length} questions; ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
}

// The benchmarks' tasks: VSI-Bench's eight (relative direction is the mean of its three sub-types) and VSTI-Bench's.
const TASKS: { name: string; types: string[]; target: string }[] = [
  { name: 'Count', types: ['object_counting'], target: 'VSI' },
  { name: 'AbsDist', types: ['object_abs_distance'], target: 'VSI' },
  { name: 'Size', types: ['object_size_estimation'], target: 'VSI' },
  { name: 'Room', types: ['room_size_estimation'], target: 'VSI' },
  { name: 'RelDist', types: ['object_rel_distance'], target: 'VSI' },
  { name: 'RelDir', types: ['object_rel_direction_easy', 'object_rel_direction_medium', 'object_rel_direction_hard'], target: 'VSI' },
  { name: 'Route', types: ['route_planning'], target: 'VSI' },
  { name: 'Order', types: ['obj_appearance_order'], target: 'VSI' },
  { name: 'CamDisp', types: ['camera_displacement'], target: 'VSTI' },
  { name: 'CamDir', types: ['camera_movement_direction'], target: 'VSTI' },
  { name: 'CamObjDist', types: ['camera_obj_abs_dist'], target: 'VSTI' },
  { name: 'CamObjRel', types: ['camera_obj_rel_dist'], target: 'VSTI' },
  { name: 'ObjObjPos', types: ['obj_obj_relative_pos'], target: 'VSTI' },
];
const questions = results.flatMap((r) => r.questions);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const scoreOf = (types: string[], setting: Setting): { score: number; n: number } => {
  // Sub-types averaged with equal weight, as the benchmark does for relative direction.
  const perType = types.map((t) => questions.filter((q) => q.questionType === t && q.answers[setting]).map((q) => q.answers[setting]!.score));
  const present = perType.filter((s) => s.length > 0);
  return { score: present.length ? mean(present.map(mean)) : Number.NaN, n: perType.reduce((a, s) => a + s.length, 0) };
};
const table = TASKS.map((task) => ({
  task: task.name,
  benchmark: task.target,
  ...Object.fromEntries(SETTINGS.map((s) => [s, scoreOf(task.types, s)])),
})) as ({
  task: string;
  benchmark: string;
} & Record<Setting, { score: number; n: number }>)[];
const counting = questions.filter((q) => q.questionType === 'object_counting');
const countExact = SETTINGS.map((s) => mean(counting.filter((q) => q.answers[s]).map((q) => (q.answers[s]!.score === 1 ? 1 : 0))));
const unrouted = questions.filter((q) => q.answers.pipeline && q.answers.pipeline.routedAs === null).length;

const f3 = (x: number) => (Number.isNaN(x) ? '—' : x.toFixed(3));
const header = ['task', 'pipeline', 'oracle poses', 'oracle depth', 'oracle instances', 'questions'];
const rows = table.map((t) => [
  `${t.task} (${t.benchmark})`,
  // '—': the setting does not apply; 'none': no question of the type fits these rooms.
  ...SETTINGS.map((s) => (t[s].n ? f3(t[s].score) : t.pipeline.n ? '—' : 'none')),
  String(t.pipeline.n),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]! + 2)).join('');
console.log(
  `\neval:e2e — rooms ${first}–${first + rooms - 1}, ${options.depth} depth, ${options.detections} detections${maxFrames ? `, first ${maxFrames} frames` : ''}; ${questions.length} questions; ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(line(['count exact', ...countExact.map(f3), String(counting.length)]));
if (unrouted) console.log(`not routed to a solver (the VLM would get them): ${unrouted}`);
// The stage that loses most: per task, the oracle that gains most over the pipeline.
for (const t of table) {
  if (!t.pipeline.n) continue;
  const gains = SETTINGS.slice(1)
    .filter((s) => t[s].n)
    .map((s) => ({ s, gain: t[s].score - t.pipeline.score }))
    .sort((a, b) => b.gain - a.gain);
  if (gains[0] && gains[0].gain > 0.02)
    console.log(`  ${t.task}: most lost to ${gains[0].s.replace('oracle', '').toLowerCase()} (+${gains[0].gain.toFixed(3)} with the truth)`);
}
// The router on people's words (src/eval/router/): the hand-written set, and the phrasings written after its rules.
const router = routerAccuracy();
const later = routerAccuracy(LATER_QUESTIONS);
const pct = (a: { correct: number; total: number }) => `${a.correct}/${a.total} (${((100 * a.correct) / a.total).toFixed(1)} %)`;
console.log(`router on people's words: ${pct(router)} (target ≥ 95 %); on phrasings written after its rules: ${pct(later)}`);
for (const f of [...router.failures, ...later.failures])
  console.log(`  routed wrong: "${f.question}" → ${f.got?.type ?? 'the VLM'} (expected ${f.expected.type ?? 'the VLM'})`);
if (values.json) {
  writeFileSync(
    values.json,
    JSON.stringify({ options, rooms: results.map(({ questions: _, ...r }) => r), table, countExact, router: { people: router, later }, questions }, null, 1),
  );
}
