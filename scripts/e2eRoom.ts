// One synthetic room through the app's own pipeline in Node, from frames to answers (issue 14's eval:e2e): the room is
// rendered (src/synth/, cached under .synth/), its frames go through tracking and fusion with the rendered depth or
// that depth degraded as a monocular model errs, detections (simulated from the instance masks, or exact) are lifted
// and merged into instances by the app's ObjectMap, the scene memory is built as the geometry worker builds it, and
// the benchmark questions generated from the room's ground truth are answered by the chat's router and solvers.
// Each stage is also replaced by its ground truth on its own (poses, depth, instances), so the scores show where
// accuracy is lost.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { answerAndScore, type ScoredAnswer } from '../src/eval/answerAndScore.ts';
import { DEFAULT_DETECTION_SIM, ORACLE_DETECTIONS, type SimObject, simulateDetections } from '../src/eval/detectionSim.ts';
import { oracleObjects, visibleMeta, worldToTrackedMemory } from '../src/eval/e2e/groundTruthScene.ts';
import { MonoDepthSim } from '../src/eval/monoDepthSim.ts';
import { trajectoryMetrics } from '../src/eval/trajectoryMetrics.ts';
import { ALL_QUESTION_TYPES, generateSceneQuestions } from '../src/eval/vsibench/questions.ts';
import { metaBoxToOrientedBox } from '../src/eval/vsibench/metaScene.ts';
import { appearanceOrderQuestions, routePlanQuestions } from '../src/eval/vsibench/videoQuestions.ts';
import { type FrameView, generateObjectQuestions } from '../src/eval/vsti/objectQuestions.ts';
import { generateCameraQuestions, SAMPLED_FRAMES, sampleFrameIndices } from '../src/eval/vsti/questions.ts';
import { ObjectMap } from '../src/spatial/objectMap.ts';
import { buildSceneMemory } from '../src/spatial/sceneMemory.ts';
import type { SceneMemory } from '../src/spatial/types.ts';
import { SYNTH_VERSION } from '../src/synth/generate.ts';
import { MIN_VISIBLE_FRACTION, type SynthMeta } from '../src/synth/groundTruth.ts';
import { type RgbdRun, runRgbdFolder } from './rgbdRun.ts';
import { writeSynthRoom } from './synthRoom.ts';

export const SETTINGS = ['pipeline', 'oraclePoses', 'oracleDepth', 'oracleInstances'] as const;
export type Setting = (typeof SETTINGS)[number];

export interface E2eOptions {
  depth: 'given' | 'mono';
  detections: 'oracle' | 'simulated';
  /** Seeds the questions' sampling. */
  questionSeed?: number;
  width?: number;
  height?: number;
  /** Only the first N frames of each room (quick runs, tests). */
  maxFrames?: number;
  cacheDir?: string;
}

export interface E2eQuestion {
  id: string;
  questionType: string;
  question: string;
  groundTruth: number | string;
  /** Per setting; null where the setting does not apply (oracle depth with the rendered depth: it is the oracle). */
  answers: Record<Setting, ScoredAnswer | null>;
}

export interface RoomResult {
  seed: number;
  kind: string;
  area: number;
  frames: number;
  objectsSeen: number;
  trackedShare: number;
  ateRmse: number;
  questions: E2eQuestion[];
}

/** The frames VSTI-Bench samples, each with the instances its mask shows enough of (the others null). */
function frameViews(dir: string, run: RgbdRun, pixels: number): (FrameView | null)[] {
  const views: (FrameView | null)[] = run.frames.map(() => null);
  for (const source of sampleFrameIndices(run.frames.length, SAMPLED_FRAMES)) {
    const frame = run.frames[source]!;
    const mask = decode(readFileSync(join(dir, `${frame.id}.instance.png`))).data as Uint16Array;
    const counts = new Map<number, number>();
    for (const id of mask) if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    const visible = new Set([...counts].filter(([, n]) => n >= MIN_VISIBLE_FRACTION * pixels).map(([id]) => id));
    views[source] = { pose: frame.gtPose!, visible };
  }
  return views;
}

/** The room's folder, rendered once and cached (the folder name carries the generator's version). */
export function roomFolder(seed: number, options: Pick<E2eOptions, 'width' | 'height' | 'maxFrames' | 'cacheDir'>): string {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const frames = options.maxFrames ? `-${options.maxFrames}f` : '';
  const dir = join(options.cacheDir ?? '.synth', `v${SYNTH_VERSION}-room${seed}-${width}x${height}${frames}`);
  if (!existsSync(join(dir, 'meta.json'))) writeSynthRoom(dir, { seed, width, height, maxFrames: options.maxFrames });
  return dir;
}

export async function evaluateRoom(seed: number, options: E2eOptions): Promise<RoomResult> {
  const dir = roomFolder(seed, options);
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as SynthMeta;
  const { width, height } = meta.intrinsics;
  const sim = options.depth === 'mono' ? new MonoDepthSim({ seed }) : null;
  const degrade = sim ? { depth: sim.degrade.bind(sim) } : {};
  const detectionOptions = { seed, ...(options.detections === 'oracle' ? ORACLE_DETECTIONS : DEFAULT_DETECTION_SIM) };
  const objects: SimObject[] = Object.entries(meta.object_bbox).flatMap(([label, boxes]) =>
    boxes.map((b) => ({ instance: b.instance_id!, label, box: metaBoxToOrientedBox(b) })),
  );

  /** The scene memory the geometry worker would build from this run, detections merged by the app's ObjectMap. */
  const memoryOf = (run: RgbdRun): SceneMemory => {
    const map = new ObjectMap();
    for (const kf of run.pipeline.stored) {
      const frame = run.frames[kf.sourceFrame]!;
      const name = join(dir, `${frame.id}.instance.png`);
      const instance = decode(readFileSync(name)).data as Uint16Array;
      const detections = simulateDetections(
        { index: kf.sourceFrame, width, height, instance, pose: frame.gtPose!, intrinsics: meta.intrinsics },
        objects,
        detectionOptions,
      );
      map.add(kf, width, height, detections);
    }
    return buildSceneMemory({
      stored: run.pipeline.stored,
      lostFrames: run.pipeline.lostFrames,
      toGravity: run.world.toGravity,
      floorSeen: run.world.gravitySource === 'floor',
      mapPoints: run.pipeline.map.size > 0 ? run.pipeline.map.snapshot(2).points : null,
      objects: map,
      sourceFrameCount: run.folderFrameCount,
    });
  };

  const pipelineRun = await runRgbdFolder(dir, 1, degrade);
  const memories: Record<Setting, SceneMemory | null> = {
    pipeline: memoryOf(pipelineRun),
    oraclePoses: memoryOf(await runRgbdFolder(dir, 1, { ...degrade, groundTruthPoses: true })),
    oracleDepth: sim ? memoryOf(await runRgbdFolder(dir, 1)) : null,
    oracleInstances: null,
  };
  const trajectory = trajectoryMetrics(pipelineRun.final, pipelineRun.gt);
  memories.oracleInstances = {
    ...memories.pipeline!,
    objects: oracleObjects(meta, worldToTrackedMemory(trajectory.alignment, pipelineRun.world.toGravity)),
  };

  // Questions about what the video shows, by the benchmarks' rules, from the ground truth.
  const seen = visibleMeta(meta);
  const sceneId = `synth-${seed}`;
  const questionSeed = options.questionSeed ?? 0;
  const gtPoses = pipelineRun.frames.map((f) => f.gtPose);
  const firstSeconds = new Map<string, number>();
  for (const i of meta.instances) {
    if (i.first_frame === null) continue;
    firstSeconds.set(i.category, Math.min(firstSeconds.get(i.category) ?? Infinity, i.first_frame / meta.fps));
  }
  const questions = [
    ...generateSceneQuestions(sceneId, 'room3r-synth', seen, { seed: questionSeed, types: ALL_QUESTION_TYPES }),
    ...appearanceOrderQuestions(sceneId, 'room3r-synth', firstSeconds, { seed: questionSeed }),
    ...routePlanQuestions(sceneId, 'room3r-synth', seen, { seed: questionSeed }),
    ...generateCameraQuestions(gtPoses, { sceneId, seed: questionSeed, sourceFrameCount: pipelineRun.folderFrameCount }),
    ...generateObjectQuestions(frameViews(dir, pipelineRun, width * height), objects, {
      sceneId,
      seed: questionSeed,
      sourceFrameCount: pipelineRun.folderFrameCount,
    }),
  ];
  const tracked = pipelineRun.tracked.filter((t) => t.status !== 'lost').length;
  return {
    seed,
    kind: meta.room_kind,
    area: meta.room_size,
    frames: pipelineRun.frames.length,
    objectsSeen: Object.values(seen.object_counts).reduce((a, b) => a + b, 0),
    trackedShare: tracked / pipelineRun.frames.length,
    ateRmse: trajectory.ateRmse,
    questions: questions.map((q) => ({
      id: q.id,
      questionType: q.questionType,
      question: q.question,
      groundTruth: q.groundTruth,
      answers: Object.fromEntries(SETTINGS.map((s) => [s, memories[s] ? answerAndScore(q.question, q.groundTruth, memories[s]!) : null])) as Record<
        Setting,
        ScoredAnswer | null
      >,
    })),
  };
}
