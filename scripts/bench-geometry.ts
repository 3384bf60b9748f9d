// `npm run bench:geometry`: tracking + fusion frames per second at 640x480 in one Node thread (the depth
// network excluded: the RGB-D folder's own depth is used), min / median / max over runs, through the app's
// own KeyframePipeline; and the map's memory after 100 and after 1,000 keyframes (the sequence looped).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import jpeg from 'jpeg-js';
import { KeyframePipeline, type FrameOps } from '../src/geometry/keyframePipeline.ts';
import type { GivenDepth, RgbaImage } from '../src/geometry/types.ts';
import { decodeDepthPng, groupRgbdFiles, parseIntrinsics } from '../src/rgbd/sevenScenes.ts';
import { TrackedPose } from '../src/tracking/trackedPose.ts';

const { values } = parseArgs({ options: { data: { type: 'string', default: resolve('..', 'shared', 'data', 'redkitchen-7scenes') }, runs: { type: 'string', default: '3' } } });
const dir = values.data!;
const intrinsics = parseIntrinsics(readFileSync(join(dir, 'camera-intrinsics.txt'), 'utf8'));
const frames = groupRgbdFiles(readdirSync(dir)).map((f) => {
  const rgb = jpeg.decode(readFileSync(join(dir, f.color)), { useTArray: true });
  const d = decodeDepthPng(readFileSync(join(dir, f.depth!)));
  const image: RgbaImage = { width: rgb.width, height: rgb.height, data: new Uint8ClampedArray(rgb.data.buffer) };
  const given: GivenDepth = { width: d.width, height: d.height, depth: d.depth, intrinsics };
  return { image, given };
});

/** Frames are already RGBA at the depth's size here; the worker's canvas ops do the same job on VideoFrames. */
const ops: FrameOps<RgbaImage> = {
  size: (f) => ({ width: f.width, height: f.height }),
  toRgba: (f, width, height) => (width === f.width && height === f.height ? f : { width, height, data: new Uint8ClampedArray(width * height * 4) }),
  close: () => {},
};
const noModel = { inputSize: () => ({ width: 0, height: 0 }), estimate: () => Promise.reject(new Error('no depth model in this benchmark')) };

function makePipeline() {
  let lost = 0;
  const pipeline = new KeyframePipeline(ops, noModel, new TrackedPose(), {
    onGeometry: (g) => (lost += g.tracking.status === 'lost' ? 1 : 0),
    onError: (e) => console.error(e.message),
  }, { maxQueue: 100_000 });
  return { pipeline, lost: () => lost };
}

async function run(passes: number) {
  const { pipeline, lost } = makePipeline();
  const memory: number[] = [];
  const t0 = performance.now();
  let n = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (const f of frames) {
      pipeline.push(f.image, { sourceFrame: n, timestampMs: n * 100, forceKeyframe: true }, f.given);
      n++;
      await pipeline.idle();
    }
    memory.push(pipeline.map.bytes);
  }
  return { fps: n / ((performance.now() - t0) / 1000), memory, voxels: pipeline.map.size, lost: lost(), n };
}

const fps: number[] = [];
for (let i = 0; i < Number(values.runs); i++) fps.push((await run(1)).fps);
fps.sort((a, b) => a - b);
const looped = await run(10);
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
console.log(`bench:geometry — ${dir} (${frames[0]!.image.width}x${frames[0]!.image.height}, given depth, one Node thread)`);
console.log(`  tracking + fusion fps         min ${fps[0]!.toFixed(1)} / median ${fps[Math.floor(fps.length / 2)]!.toFixed(1)} / max ${fps[fps.length - 1]!.toFixed(1)} over ${fps.length} runs of ${frames.length} keyframes (target ≥ 20)`);
console.log(`  map memory                    ${mib(looped.memory[0]!)} after ${frames.length} keyframes, ${mib(looped.memory[looped.memory.length - 1]!)} after ${looped.n} (sequence looped; ${looped.voxels} voxels, ${looped.lost} keyframes lost)`);
