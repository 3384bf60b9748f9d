// `npm run eval:vsti -- [--data <folder>] [--every N] [--seed S] [--json out.json]`: VSTI-Bench's camera
// questions on an RGB-D folder (7-Scenes layout). Runs the app's tracking + fusion on the frames with the
// folder's depth (as eval:tracking does), builds the scene memory from the tracked poses in the map's gravity
// frame, generates camera displacement and camera movement direction questions from the GROUND-TRUTH poses
// (src/eval/vsti/questions.ts; rules in docs/vsti-rules.md), answers them with answerSpatialQuestion, and
// prints displacement MRA and movement-direction accuracy. The same questions answered from a memory built
// on the ground-truth track are printed beside them: that checks the wording and the solvers, apart from
// tracking error.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { answerAndScore } from '../src/eval/answerAndScore.ts';
import { generateCameraQuestions, type VstiQuestion } from '../src/eval/vsti/questions.ts';
import { identity } from '../src/geometry/mat4.ts';
import { groupRgbdFiles, parsePose } from '../src/rgbd/sevenScenes.ts';
import { buildSceneMemory } from '../src/spatial/sceneMemory.ts';
import type { SceneMemory } from '../src/spatial/types.ts';
import { runRgbdFolder, type RgbdRun } from './rgbdRun.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/redkitchen-7scenes' },
    every: { type: 'string', default: '1' },
    seed: { type: 'string', default: '0' },
    json: { type: 'string' },
  },
});
const dir = values.data!;
const every = Math.max(1, Number(values.every));
const seed = Number(values.seed);

/** Ground-truth camera-to-world of every frame in the folder (column-major), null where missing or NaN. */
function groundTruthPoses(folder: string): (Float32Array | null)[] {
  return groupRgbdFiles(readdirSync(folder)).map((f) => (f.pose ? parsePose(readFileSync(join(folder, f.pose), 'utf8')) : null));
}

/** The app's scene memory from a run: tracked keyframes in the map's gravity frame; frames renumbered to the folder's. */
function trackedMemory(run: RgbdRun): SceneMemory {
  return buildSceneMemory({
    stored: run.pipeline.stored.map((kf) => ({ index: kf.index, sourceFrame: kf.sourceFrame * run.every, timestampMs: kf.timestampMs, pose: kf.pose })),
    lostFrames: run.pipeline.lostFrames.map((f) => f * run.every),
    toGravity: run.world.toGravity,
    floorSeen: run.world.gravitySource === 'floor',
    mapPoints: null,
    objects: null,
    sourceFrameCount: run.folderFrameCount,
  });
}

/** A memory whose camera track is the ground truth itself (world frame as given): the upper bound. */
function groundTruthMemory(poses: (Float32Array | null)[]): SceneMemory {
  const stored = poses.flatMap((pose, i) => (pose ? [{ index: i, sourceFrame: i, timestampMs: i * 100, pose }] : []));
  return buildSceneMemory({ stored, lostFrames: [], toGravity: identity(), floorSeen: false, mapPoints: null, objects: null, sourceFrameCount: poses.length });
}

interface Scored {
  prediction: number | string | null;
  score: number;
  text: string;
}

function score(q: VstiQuestion, memory: SceneMemory): Scored {
  const a = answerAndScore(q.question, q.groundTruth, memory);
  const wrongType = a.routedAs && a.routedAs !== q.questionType ? ` [routed as ${a.routedAs}]` : '';
  const prediction = a.prediction === '' ? null : q.questionType === 'camera_displacement' ? Number(a.prediction) : a.prediction;
  return { prediction, score: a.score, text: a.reply + wrongType };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN);

const run = await runRgbdFolder(dir, every);
const gtPoses = groundTruthPoses(dir);
const memory = trackedMemory(run);
const oracle = groundTruthMemory(gtPoses);
const questions = generateCameraQuestions(gtPoses, { sceneId: basename(dir), seed, sourceFrameCount: run.folderFrameCount });
const results = questions.map((q) => ({ q, tracked: score(q, memory), groundTruthTrack: score(q, oracle) }));

const of = (type: VstiQuestion['questionType'], variant?: string) => results.filter((r) => r.q.questionType === type && (!variant || r.q.variant === variant));
const displacement = of('camera_displacement');
const direction = of('camera_movement_direction');
const summary = {
  displacementMra: mean(displacement.map((r) => r.tracked.score)),
  displacementQuestions: displacement.length,
  directionAccuracy: mean(direction.map((r) => r.tracked.score)),
  directionQuestions: direction.length,
  directionByVariant: Object.fromEntries(
    (['v1', 'v2', 'v3'] as const).map((v) => [
      v,
      { accuracy: mean(of('camera_movement_direction', v).map((r) => r.tracked.score)), questions: of('camera_movement_direction', v).length },
    ]),
  ),
  groundTruthTrack: {
    displacementMra: mean(displacement.map((r) => r.groundTruthTrack.score)),
    directionAccuracy: mean(direction.map((r) => r.groundTruthTrack.score)),
  },
  unanswered: results.filter((r) => r.tracked.prediction === null).length,
};
const tracked = run.tracked.filter((t) => t.status !== 'lost').length;

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
console.log(
  `eval:vsti — ${dir} (every ${every}: ${run.frames.length} of ${run.folderFrameCount} frames, ${tracked} tracked, given depth; gravity from the ${run.world.gravitySource}; seed ${seed})`,
);
console.log(`  questions from the ground-truth poses over ${Math.min(32, gtPoses.length)} sampled frames, named in source frames 1–${run.folderFrameCount}`);
console.log(
  `  camera displacement MRA     ${f3(summary.displacementMra)} over ${summary.displacementQuestions} questions   (target ≥ 0.85; ground-truth track ${f3(summary.groundTruthTrack.displacementMra)})`,
);
const byVariant = Object.entries(summary.directionByVariant)
  .map(([v, x]) => `${v} ${f3(x.accuracy)}/${x.questions}`)
  .join(', ');
console.log(
  `  camera movement direction   ${f3(summary.directionAccuracy)} over ${summary.directionQuestions} questions (${byVariant})   (target ≥ 0.85; ground-truth track ${f3(summary.groundTruthTrack.directionAccuracy)})`,
);
if (summary.unanswered) console.log(`  unanswered                  ${summary.unanswered} (see --json for why)`);
if (process.env.VERBOSE) {
  for (const r of results.filter((x) => x.tracked.score < 1)) {
    console.log(
      `  ${r.q.id}: frames ${r.q.frames.join('→')}, truth ${r.q.groundTruth}${r.q.answerText ? ` (${r.q.answerText})` : ''}, got ${r.tracked.prediction} (${r.tracked.score.toFixed(2)}): ${r.tracked.text}`,
    );
  }
}
if (values.json) {
  const out = {
    data: dir,
    every,
    seed,
    frames: run.frames.length,
    folderFrames: run.folderFrameCount,
    trackedFrames: tracked,
    statuses: run.statuses,
    gravitySource: run.world.gravitySource,
    ...summary,
    questions: results.map(({ q, tracked: t, groundTruthTrack: g }) => ({
      id: q.id,
      questionType: q.questionType,
      variant: q.variant,
      question: q.question,
      groundTruth: q.groundTruth,
      answerText: q.answerText,
      frames: q.frames,
      sampledRanks: q.sampledRanks,
      measured: q.measured,
      prediction: t.prediction,
      score: t.score,
      text: t.text,
      groundTruthTrack: g,
    })),
  };
  writeFileSync(values.json, JSON.stringify(out, null, 2));
}
