// The cost of closing a loop at a map's size, for `npm run bench:geometry`: a pose graph of N distinct keyframes (a
// walk made of the recording's own steps, each a little off as tracking would measure it, with a revisit every 50
// keyframes and one back to the start), optimised; then the tracker's keyframes and a voxel map of that many
// keyframes moved by the corrections, as the pipeline does after a closure.
import type { VoxelMap } from '../src/fusion/voxelMap.ts';
import { PoseGraph } from '../src/geometry/poseGraph.ts';
import { composeRigid, invertRigid, matrixToRigid, rotationFromVector, type Rigid } from '../src/geometry/rigid.ts';
import type { Tracker } from '../src/tracking/tracker.ts';
import { seededRandom } from '../src/util/random.ts';
import type { RgbdFrame } from './rgbdFolder.ts';

export interface LoopClosureCost {
  keyframes: number;
  edges: number;
  optimiseMs: number;
  /** Moving the tracker's keyframes and points, and the voxel map. */
  trackerMs: number;
  mapMs: number;
  voxels: number;
}

/** A walk of `n` keyframes from the recording's steps (cycled, every other pass backwards, so the path wanders). */
function walk(frames: RgbdFrame[], n: number): Rigid[] {
  const poses = frames.map((f) => matrixToRigid(f.gtPose!));
  const steps = poses.slice(1).map((p, i) => composeRigid(invertRigid(poses[i]!), p));
  const out: Rigid[] = [poses[0]!];
  for (let i = 1; i < n; i++) {
    const pass = Math.floor((i - 1) / steps.length);
    const k = (i - 1) % steps.length;
    const step = pass % 2 === 0 ? steps[k]! : invertRigid(steps[steps.length - 1 - k]!);
    out.push(composeRigid(out[i - 1]!, step));
  }
  return out;
}

export function loopClosureCost(frames: RgbdFrame[], keyframes: number, tracker: Tracker, map: VoxelMap): LoopClosureCost {
  const truth = walk(frames, keyframes);
  const rand = seededRandom(7);
  const noise = (s: number) => (rand() - 0.5) * 2 * s;
  const graph = new PoseGraph();
  // Tracked: each step measured with a small error, the poses chained from those measurements (drift).
  let pose = truth[0]!;
  graph.addNode(0, pose);
  for (let i = 1; i < keyframes; i++) {
    const step = composeRigid(invertRigid(truth[i - 1]!), truth[i]!);
    const measured = composeRigid(step, { R: rotationFromVector(noise(0.003), noise(0.003), noise(0.003)), t: [noise(0.005), noise(0.005), noise(0.005)] });
    pose = composeRigid(pose, measured);
    graph.addNode(i, pose);
    graph.addEdge(i - 1, i, measured);
  }
  // Revisits: every 50 keyframes one 20–60 back, and the last to the first, measured exactly.
  const loop = (from: number, to: number) => graph.addEdge(from, to, composeRigid(invertRigid(truth[from]!), truth[to]!));
  for (let i = 50; i < keyframes; i += 50) loop(Math.max(0, i - 20 - Math.floor(rand() * 40)), i);
  loop(0, keyframes - 1);
  const t0 = performance.now();
  const { corrections } = graph.optimise();
  const t1 = performance.now();
  tracker.correct(corrections);
  const t2 = performance.now();
  map.correct((anchor) => corrections.get(anchor));
  const t3 = performance.now();
  return { keyframes, edges: graph.edgeCount, optimiseMs: t1 - t0, trackerMs: t2 - t1, mapMs: t3 - t2, voxels: map.size };
}
