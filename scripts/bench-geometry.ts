// `npm run bench:geometry`: tracking + fusion frames per second at 640x480 in one Node thread (the depth
// network excluded: the RGB-D folder's own depth is used), min / median / max over runs, through the app's
// own KeyframePipeline; the same on a sequence with tracking losses (the walk, a jump ahead the motion model cannot
// follow, then back to a part already seen), with the per-frame cost of frames placed by features, by dense odometry
// and by relocalisation, and of frames after which a loop was closed; the cost of relocalising against, and of closing
// a loop over, 100 and 1,000 distinct keyframes (scripts/bench-loop.ts); and the map's memory after 100 and after
// 1,000 keyframes (the sequence looped).
// `--depth-model` adds the depth network's own cost per keyframe (scripts/bench-depth.ts: the shape-true MoGe-2
// stand-in at `--tokens a,b,c`, in Node and in Chromium on WASM and WebGPU), beside tracking + fusion; `--depth-only`
// measures that alone. Also `--depth-runs N`, `--depth-targets node,node-wasm,chrome-wasm,chrome-gpu`, `--depth-timeout S`.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { matrixToRigid } from '../src/geometry/rigid.ts';
import { rgbaToGrey, type GreyImage } from '../src/tracking/orb.ts';
import { Tracker, type TrackerFrame } from '../src/tracking/tracker.ts';
import { benchDepthModel, depthHeader, depthTable, parseDepthOptions } from './bench-depth.ts';
import { loopClosureCost } from './bench-loop.ts';
import { loadRgbdFolder, processFrame, rgbdPipeline, type RgbdFrame } from './rgbdFolder.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve('..', 'shared', 'data', 'redkitchen-7scenes') },
    runs: { type: 'string', default: '3' },
    'depth-model': { type: 'boolean', default: false },
    'depth-only': { type: 'boolean', default: false },
    tokens: { type: 'string' },
    'depth-runs': { type: 'string' },
    'depth-targets': { type: 'string' },
    'depth-timeout': { type: 'string' },
  },
});
/** The depth model's table, with tracking + fusion's ms per keyframe beside it when measured. */
async function depthModel(trackingMs: number | null): Promise<void> {
  const options = parseDepthOptions({ ...values, data: values.data! });
  const { results, model } = await benchDepthModel(options);
  console.log(`bench:geometry --depth-model — the depth network per keyframe (${values.data})`);
  console.log(depthHeader(model, options));
  for (const line of depthTable(results, trackingMs)) console.log(line);
}
if (values['depth-only']) {
  await depthModel(null);
  process.exit(0);
}
const frames = loadRgbdFolder(values.data!);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** Runs the pipeline over `sequence`; per frame, its cost and how it was placed. */
async function run(sequence: RgbdFrame[]) {
  let current = { status: '', odometry: false };
  const pipeline = rgbdPipeline((g) => {
    current = { status: g.tracking.status, odometry: !!g.tracking.odometry };
  });
  const perFrame: { ms: number; placed: string }[] = [];
  for (const [n, f] of sequence.entries()) {
    const loops = pipeline.loopClosures.length;
    const ms = await processFrame(pipeline, f, n);
    const placed = current.odometry ? 'odometry' : current.status;
    perFrame.push({ ms, placed: pipeline.loopClosures.length > loops ? `${placed}, then closing a loop` : placed });
  }
  const ms = perFrame.reduce((s, f) => s + f.ms, 0);
  return { fps: sequence.length / (ms / 1000), perFrame, pipeline };
}

const fps: number[] = [];
for (let i = 0; i < Number(values.runs); i++) fps.push((await run(frames)).fps);
fps.sort((a, b) => a - b);

// The walk to the middle, a jump of 30 frames (about 3 s of walking at this sampling), then back to the start.
const half = Math.floor(frames.length / 2);
const jump = Math.min(frames.length - 1, half + Math.floor(frames.length * 0.3));
const lossSequence = [...frames.slice(0, half), ...frames.slice(jump), ...frames.slice(Math.floor(frames.length / 5), half)];
const lossFps: number[] = [];
let losses = await run(lossSequence);
for (let i = 0; i < Number(values.runs); i++) {
  const r = await run(lossSequence);
  lossFps.push(r.fps);
  if (i === 0) losses = r;
}
lossFps.sort((a, b) => a - b);
const byPlacement = new Map<string, number[]>();
for (const f of losses.perFrame) byPlacement.set(f.placed, [...(byPlacement.get(f.placed) ?? []), f.ms]);

// Relocalisation: a map of N distinct keyframes (the recording's frames and variants of them that look unlike any
// other: mirrored, upside down, shifted, inverted), then frames of the recording in an order the motion model cannot
// predict: each is placed by matching against the few keyframes retrieval proposes.
function variant(f: RgbdFrame, v: number): TrackerFrame {
  const grey = rgbaToGrey(f.image.data, f.image.width, f.image.height);
  const { width: w, height: h } = grey;
  const out: GreyImage = { width: w, height: h, data: new Uint8Array(w * h) };
  const depth = new Float32Array(w * h);
  const mirrorX = v % 2 === 1;
  const mirrorY = Math.floor(v / 2) % 2 === 1;
  const shift = v >= 8 ? w / 4 : 0;
  const invert = v % 5 === 4 || v === 9;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = (((mirrorX ? w - 1 - x : x) + shift) % w) | 0;
      const sy = mirrorY ? h - 1 - y : y;
      const g = grey.data[sy * w + sx]!;
      out.data[y * w + x] = invert ? 255 - g : g;
      depth[y * w + x] = f.given.depth[sy * w + sx]!;
    }
  }
  return { grey: out, depth, intrinsics: f.given.intrinsics };
}

async function relocalisation(keyframes: number) {
  const tracker = new Tracker({ maxKeyframes: keyframes + 1 });
  for (let i = 0; i < keyframes; i++) {
    const f = frames[i % frames.length]!;
    const v = Math.floor(i / frames.length);
    tracker.addKnownKeyframe(
      v === 0 ? { grey: rgbaToGrey(f.image.data, f.image.width, f.image.height), depth: f.given.depth, intrinsics: f.given.intrinsics } : variant(f, v),
      matrixToRigid(f.gtPose!),
    );
  }
  const heapBefore = process.memoryUsage().heapUsed;
  const ms: number[] = [];
  let placed = 0;
  let within = 0;
  // Every 7th frame, in a stride that jumps across the recording.
  for (let q = 0; q < 20; q++) {
    const f = frames[(q * 37) % frames.length]!;
    const t0 = performance.now();
    const r = tracker.track({ grey: rgbaToGrey(f.image.data, f.image.width, f.image.height), depth: f.given.depth, intrinsics: f.given.intrinsics });
    ms.push(performance.now() - t0);
    if (r.pose) {
      placed++;
      const gt = matrixToRigid(f.gtPose!).t;
      if (Math.hypot(r.pose.t[0] - gt[0], r.pose.t[1] - gt[1], r.pose.t[2] - gt[2]) < 0.1) within++;
    }
  }
  return { ms, placed, within, queries: ms.length, bytes: tracker.bytes, heapDelta: process.memoryUsage().heapUsed - heapBefore, tracker };
}
const reloc100 = await relocalisation(100);
const reloc1000 = await relocalisation(1000);

const looped = await (async () => {
  const pipeline = rgbdPipeline(() => {});
  const memory: number[] = [];
  let n = 0;
  for (let pass = 0; pass < 10; pass++) {
    for (const f of frames) await processFrame(pipeline, f, n++);
    memory.push(pipeline.map.bytes);
  }
  return { memory, voxels: pipeline.map.size, n, map: pipeline.map };
})();

// Closing a loop over 100 and 1,000 distinct keyframes: the optimisation, then the relocalisation benchmark's tracker
// (that many keyframes) and a voxel map built from that many keyframes moved by the corrections.
const loop100 = loopClosureCost(frames, 100, reloc100.tracker, (await run(frames)).pipeline.map);
const loop1000 = loopClosureCost(frames, 1000, reloc1000.tracker, looped.map);

const line = (xs: number[]) => `min ${xs[0]!.toFixed(1)} / median ${xs[Math.floor(xs.length / 2)]!.toFixed(1)} / max ${xs[xs.length - 1]!.toFixed(1)}`;
console.log(`bench:geometry — ${values.data} (${frames[0]!.image.width}x${frames[0]!.image.height}, given depth, one Node thread)`);
console.log(`  tracking + fusion fps         ${line(fps)} over ${fps.length} runs of ${frames.length} keyframes (target ≥ 20)`);
console.log(
  `  with tracking losses, fps     ${line(lossFps)} over ${lossFps.length} runs of ${lossSequence.length} keyframes (frames 0–${half - 1}, ${jump}–${frames.length - 1}, then ${Math.floor(frames.length / 5)}–${half - 1} again; target ≥ 20)`,
);
for (const [placed, ms] of byPlacement)
  console.log(`    ${placed.padEnd(27)} ${ms.length} frames, median ${median(ms).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms`);
for (const [n, r] of [
  [100, reloc100],
  [1000, reloc1000],
] as const) {
  console.log(
    `  relocalisation, ${String(n).padStart(4)} keyframes median ${median(r.ms).toFixed(1)} ms, max ${Math.max(...r.ms).toFixed(1)} ms per frame (target ≤ 50); ${r.placed}/${r.queries} placed, ${r.within} within 10 cm of the truth; keyframes hold ${mib(r.bytes)}`,
  );
}
for (const c of [loop100, loop1000]) {
  console.log(
    `  loop closure, ${String(c.keyframes).padStart(4)} keyframes   optimise ${c.optimiseMs.toFixed(0)} ms (${c.edges} edges), move the tracker's keyframes ${c.trackerMs.toFixed(0)} ms, the map ${c.mapMs.toFixed(0)} ms (${c.voxels} voxels); once per loop, after the keyframe`,
  );
}
console.log(
  `  map memory                    ${mib(looped.memory[0]!)} after ${frames.length} keyframes, ${mib(looped.memory[looped.memory.length - 1]!)} after ${looped.n} (sequence looped; ${looped.voxels} voxels)`,
);
if (values['depth-model']) await depthModel(1000 / fps[Math.floor(fps.length / 2)]!);
