// `npm run eval:tracking -- --data <folder> [--every N] [--json out.json]`: runs camera tracking in Node on an
// RGB-D folder in the 7-Scenes layout, using the given depth, and prints keyframes, tracked fraction, ATE RMSE,
// RPE, path-length scale ratio, camera-displacement MRA and tracking frames per second.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import jpeg from 'jpeg-js';
import { trajectoryMetrics } from '../src/eval/trajectoryMetrics.ts';
import { matrixToRigid, type Rigid } from '../src/geometry/rigid.ts';
import { decodeDepthPng, groupRgbdFiles, parseIntrinsics, parsePose } from '../src/rgbd/sevenScenes.ts';
import { rgbaToGrey } from '../src/tracking/orb.ts';
import { Tracker } from '../src/tracking/tracker.ts';

const { values } = parseArgs({ options: { data: { type: 'string' }, every: { type: 'string', default: '1' }, json: { type: 'string' } } });
if (!values.data) {
  console.error('usage: npm run eval:tracking -- --data <folder> [--every N] [--json out.json]');
  process.exit(2);
}
const dir = values.data;
const every = Math.max(1, Number(values.every));
const intrinsics = parseIntrinsics(readFileSync(join(dir, 'camera-intrinsics.txt'), 'utf8'));
const frames = groupRgbdFiles(readdirSync(dir)).filter((_, i) => i % every === 0);

const tracker = new Tracker();
const est: Rigid[] = [];
const gt: Rigid[] = [];
let tracked = 0;
let trackMs = 0;
const statuses: Record<string, number> = {};
for (const f of frames) {
  const rgb = jpeg.decode(readFileSync(join(dir, f.color)), { useTArray: true });
  if (!f.depth) throw new Error(`${f.id} has no depth`);
  const depth = decodeDepthPng(readFileSync(join(dir, f.depth)));
  const t0 = performance.now();
  const r = tracker.track({ grey: rgbaToGrey(rgb.data, rgb.width, rgb.height), depth: depth.depth, intrinsics });
  trackMs += performance.now() - t0;
  statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  if (r.reason && process.env.VERBOSE) console.log(`  ${f.id}: ${r.status} — ${r.reason}`);
  const g = f.pose ? parsePose(readFileSync(join(dir, f.pose), 'utf8')) : null;
  if (r.pose) {
    tracked++;
    if (g) {
      est.push(r.pose);
      gt.push(matrixToRigid(g));
    }
  }
}
const m = trajectoryMetrics(est, gt);
const result = {
  data: dir,
  keyframes: tracker.keyframeCount,
  trackedFraction: tracked / frames.length,
  statuses,
  ...m,
  trackingFps: frames.length / (trackMs / 1000),
};
console.log(`eval:tracking — ${dir} (every ${every}: ${frames.length} frames, given depth)`);
console.log(`  keyframes in the map        ${result.keyframes}`);
console.log(`  tracked                     ${(100 * result.trackedFraction).toFixed(1)} %  ${JSON.stringify(statuses)}`);
console.log(`  ATE RMSE                    ${m.ateRmse.toFixed(4)} m`);
console.log(`  RPE translation / rotation  ${m.rpeTranslation.toFixed(4)} m / ${m.rpeRotationDeg.toFixed(2)} deg`);
console.log(`  path-length scale ratio     ${m.scaleRatio.toFixed(3)}`);
console.log(`  displacement MRA            ${m.displacementMra.toFixed(3)} over ${m.displacementPairs} pairs (0.2–10 m)`);
console.log(`  tracking frames per second  ${result.trackingFps.toFixed(1)} (one Node thread, decoding excluded)`);
if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
