// `npm run eval:tracking -- --data <folder> [--every N] [--depth-sim mono [--seed N]] [--revisit N] [--no-loop-closure]
// [--frames] [--json out.json]`: runs the
// geometry pipeline (tracking + fusion) in Node on an RGB-D folder in the 7-Scenes layout, using the given depth
// (or, with `--depth-sim mono`, that depth degraded as a monocular model errs, with perturbed focal lengths:
// src/eval/monoDepthSim.ts), and prints keyframes,
// tracked fraction, ATE RMSE (every frame; a lost one at the pose the app showed), RPE, path-length scale ratio,
// camera-displacement MRA over keyframe pairs 0.2–10 m apart, gravity error where the folder has
// gravity-direction.txt, and tracking + fusion fps. With `--depth-sim mono` it also runs the given depth as the
// reference and prints the ATE after a similarity alignment, the map's scale error against the simulator's bias, the
// voxel count against the given-depth map's and completeness (the share of the given-depth map's voxels with a voxel
// within 5 cm, both maps carried into the ground truth's frame by their trajectories' alignments). Poses are scored as
// the map ends (after every loop closure), with the ATE of the poses as first shown beside. `--revisit N` appends the
// first N frames again after the last (the camera comes back to where it started) and prints the error of those frames;
// `--no-loop-closure` turns loop closure off, for the comparison; `--frames` lists every frame: how it was placed, its
// error and its step's error (where the error comes from: one wrong placement or drift).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MonoDepthSim } from '../src/eval/monoDepthSim.ts';
import { frameErrors, trajectoryMetrics } from '../src/eval/trajectoryMetrics.ts';
import { cameraUp, estimateGravity } from '../src/fusion/gravity.ts';
import { applyRigid, type Rigid, type Vec3 } from '../src/geometry/rigid.ts';
import { completeness } from '../src/eval/mapCompare.ts';
import { runRgbdFolder } from './rgbdRun.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    every: { type: 'string', default: '1' },
    'depth-sim': { type: 'string' },
    seed: { type: 'string', default: '1' },
    json: { type: 'string' },
    frames: { type: 'boolean', default: false },
    revisit: { type: 'string', default: '0' },
    'no-loop-closure': { type: 'boolean', default: false },
  },
});
if (!values.data || (values['depth-sim'] !== undefined && values['depth-sim'] !== 'mono')) {
  console.error(
    'usage: npm run eval:tracking -- --data <folder> [--every N] [--depth-sim mono [--seed N]] [--revisit N] [--no-loop-closure] [--frames] [--json out.json]',
  );
  process.exit(2);
}
const dir = values.data;
const every = Math.max(1, Number(values.every));
const sim = values['depth-sim'] === 'mono' ? new MonoDepthSim({ seed: Number(values.seed) }) : null;
const revisit = Math.max(0, Number(values.revisit));
const loopClosure = !values['no-loop-closure'];
const {
  frames,
  tracked: trackedFrames,
  paired,
  est,
  final,
  gt,
  statuses,
  odometry,
  pipeline,
  ms,
} = await runRgbdFolder(dir, every, {
  verbose: !!process.env.VERBOSE,
  ...(sim ? { depth: (given) => sim.degrade(given) } : {}),
  loopClosure,
  revisit,
});
const tracked = frames.length - (statuses.lost ?? 0);
const m = trajectoryMetrics(final, gt);
const asShown = trajectoryMetrics(est, gt);
// The revisited frames' error, in the whole trajectory's alignment: where the map meets its start again.
const revisitAte = revisit > 0 ? rmsePositions(final.slice(-revisit), gt.slice(-revisit), m.alignment) : null;
const loops = pipeline.loopClosures;
const reference = sim ? await referenceMap(dir, every, loopClosure) : null;
const mapInGt = mapPoints(pipeline.map.snapshot().points, m.similarity.scale, m.similarity.rigid);
const comparison = reference
  ? {
      referenceVoxels: reference.voxels,
      voxelRatio: pipeline.map.size / reference.voxels,
      completeness: completeness(reference.points, mapInGt, 0.05),
      // The map's size over the truth's against the simulator's sequence-wide bias: what the pipeline added.
      scaleError: m.mapScale / (sim?.globalBias ?? 1) - 1,
    }
  : null;

// Gravity: the map's up, carried into the ground truth's frame by the trajectory alignment.
let gravityErrorDeg: number | null = null;
const gravityFile = join(dir, 'gravity-direction.txt');
const gravity = estimateGravity(pipeline.map.snapshot(2).points, final.map(cameraUp));
if (existsSync(gravityFile)) {
  const down = readFileSync(gravityFile, 'utf8').trim().split(/\s+/).map(Number) as Vec3;
  const upGt = applyRigid({ R: m.alignment.R, t: [0, 0, 0] }, gravity.up);
  const cos = -(upGt[0] * down[0] + upGt[1] * down[1] + upGt[2] * down[2]) / Math.hypot(...down);
  gravityErrorDeg = (Math.acos(Math.min(1, Math.max(-1, cos))) * 180) / Math.PI;
}

const result = {
  data: dir,
  every,
  depth: sim
    ? { sim: 'mono', seed: Number(values.seed), globalBias: sim.globalBias, focalFactor: sim.focalFactor, frameScaleLogStd: logStd(sim.frameScales) }
    : 'given',
  keyframes: frames.length,
  trackedFraction: tracked / frames.length,
  statuses,
  odometry,
  ateRmse: m.ateRmse,
  ateRmseAsShown: asShown.ateRmse,
  ateSimilarityRmse: m.ateSimilarityRmse,
  loopClosure,
  revisit,
  revisitAte,
  loopClosures: loops.length,
  loopClosureMs: loops.map((l) => ({ optimise: Math.round(l.optimiseMs), apply: Math.round(l.applyMs), nodes: l.nodes })),
  mapScale: m.mapScale,
  ...comparison,
  rpeTranslation: m.rpeTranslation,
  rpeRotationDeg: m.rpeRotationDeg,
  scaleRatio: m.scaleRatio,
  displacementMra: m.displacementMra,
  displacementPairs: m.displacementPairs,
  gravitySource: gravity.source,
  gravityErrorDeg,
  mapVoxels: pipeline.map.size,
  fps: frames.length / (ms / 1000),
};
console.log(
  `eval:tracking — ${dir} (every ${every}: ${frames.length} keyframes, ${
    sim
      ? `monocular-like depth, seed ${values.seed}: bias x${sim.globalBias.toFixed(3)}, per-frame scale log-std ${logStd(sim.frameScales).toFixed(3)}, focal x${sim.focalFactor.toFixed(3)}`
      : 'given depth'
  })`,
);
console.log(
  `  tracked                     ${(100 * result.trackedFraction).toFixed(1)} %  ${JSON.stringify(statuses)}, ${odometry} placed by dense odometry   (target 100 % given depth, ≥ 98 % model-like)`,
);
console.log(`  ATE RMSE                    ${m.ateRmse.toFixed(4)} m   (target ≤ 0.03 given depth); as first shown ${asShown.ateRmse.toFixed(4)} m`);
console.log(`  ATE RMSE, similarity        ${m.ateSimilarityRmse.toFixed(4)} m   (target ≤ 0.04 model-like depth)`);
console.log(
  `  map scale                   x${m.mapScale.toFixed(3)} of the truth${comparison ? `, ${(100 * comparison.scaleError).toFixed(1)} % from the simulator's bias (target within ±2 %)` : ''}`,
);
console.log(`  RPE translation / rotation  ${m.rpeTranslation.toFixed(4)} m / ${m.rpeRotationDeg.toFixed(2)} deg`);
console.log(`  path-length scale ratio     ${m.scaleRatio.toFixed(3)}`);
console.log(`  displacement MRA            ${m.displacementMra.toFixed(3)} over ${m.displacementPairs} pairs 0.2–10 m   (target ≥ 0.95 given depth)`);
console.log(
  `  gravity                     from the ${gravity.source}${gravityErrorDeg === null ? '' : `, ${gravityErrorDeg.toFixed(1)} deg from the ground truth`}`,
);
console.log(`  map                         ${result.mapVoxels} voxels`);
console.log(
  `  loop closure                ${loopClosure ? `${loops.length} closed${loops.length ? ` (largest move ${Math.max(...loops.map((l) => l.largestMove)).toFixed(3)} m; ms each, optimising + moving the map: ${result.loopClosureMs.map((l) => `${l.optimise} + ${l.apply}`).join(', ')})` : ''}` : 'off'}`,
);
if (revisitAte !== null) console.log(`  revisit                     the first ${revisit} frames again: their ATE ${revisitAte.toFixed(4)} m`);
if (comparison) {
  console.log(`  map against given depth     x${comparison.voxelRatio.toFixed(2)} its ${comparison.referenceVoxels} voxels (target ≤ 1.3)`);
  console.log(`  completeness                ${(100 * comparison.completeness).toFixed(1)} % of its voxels within 5 cm (target ≥ 90 %)`);
}
const noGt = frames.filter((f) => !f.gtPose).length;
if (noGt) console.log(`  note                        ${noGt} frames have no usable ground-truth pose (missing, or NaN): left out of the metrics`);
console.log(`  tracking + fusion fps       ${result.fps.toFixed(1)} (one Node thread, decoding excluded)`);
if (values.frames) {
  // Where the error comes from: one line per frame, as the map ends (a wrong placement shows as a large step error).
  console.log('  frame  placed by              error   step error   (cm, in the similarity alignment)');
  frameErrors(final, gt, m.similarity).forEach((e, i) => {
    const f = trackedFrames[paired[i]!]!;
    const how = f.odometry ? 'dense odometry' : f.status;
    console.log(
      `  ${String(f.index).padStart(5)}  ${how.padEnd(20)} ${(100 * e.position).toFixed(1).padStart(6)}   ${(100 * e.step).toFixed(1).padStart(6)}${e.step > 0.08 ? '  <' : ''}`,
    );
  });
}
if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));

/** The map from the folder's own depth (loop closure on or off as for the run), in the ground truth's frame: what a
 * model-like depth's map is compared with. */
async function referenceMap(dir: string, every: number, loopClosure: boolean): Promise<{ points: Float32Array; voxels: number }> {
  const run = await runRgbdFolder(dir, every, { loopClosure });
  const align = trajectoryMetrics(run.est, run.gt).alignment;
  return { points: mapPoints(run.pipeline.map.snapshot().points, 1, align), voxels: run.pipeline.map.size };
}

/** Map points carried by a similarity (scale, then rigid) into the ground truth's frame. */
function mapPoints(points: Float32Array, scale: number, rigid: Rigid): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 3) out.set(applyRigid(rigid, [scale * points[i]!, scale * points[i + 1]!, scale * points[i + 2]!]), i);
  return out;
}

/** RMSE of positions, `est` carried into `gt`'s frame by `align`. */
function rmsePositions(est: Rigid[], gt: Rigid[], align: Rigid): number {
  const sq = est.map((e, i) => {
    const p = applyRigid(align, e.t);
    const q = gt[i]!.t;
    return (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2;
  });
  return Math.sqrt(sq.reduce((a, b) => a + b, 0) / Math.max(1, sq.length));
}

function logStd(values: number[]): number {
  const logs = values.map(Math.log);
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  return Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length);
}
