// `npm run bench:geometry`: tracking + fusion frames per second at 640x480 in one Node thread (the depth
// network excluded: the RGB-D folder's own depth is used), min / median / max over runs, through the app's
// own KeyframePipeline; and the map's memory after 100 and after 1,000 keyframes (the sequence looped).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadRgbdFolder, processFrame, rgbdPipeline } from './rgbdFolder.ts';

const { values } = parseArgs({
  options: { data: { type: 'string', default: resolve('..', 'shared', 'data', 'redkitchen-7scenes') }, runs: { type: 'string', default: '3' } },
});
const frames = loadRgbdFolder(values.data!);

async function run(passes: number) {
  let lost = 0;
  const pipeline = rgbdPipeline((g) => (lost += g.tracking.status === 'lost' ? 1 : 0));
  const memory: number[] = [];
  let ms = 0;
  let n = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (const f of frames) ms += await processFrame(pipeline, f, n++);
    memory.push(pipeline.map.bytes);
  }
  return { fps: n / (ms / 1000), memory, voxels: pipeline.map.size, lost, n };
}

const fps: number[] = [];
for (let i = 0; i < Number(values.runs); i++) fps.push((await run(1)).fps);
fps.sort((a, b) => a - b);
const looped = await run(10);
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
console.log(`bench:geometry — ${values.data} (${frames[0]!.image.width}x${frames[0]!.image.height}, given depth, one Node thread)`);
console.log(
  `  tracking + fusion fps         min ${fps[0]!.toFixed(1)} / median ${fps[Math.floor(fps.length / 2)]!.toFixed(1)} / max ${fps[fps.length - 1]!.toFixed(1)} over ${fps.length} runs of ${frames.length} keyframes (target ≥ 20)`,
);
console.log(
  `  map memory                    ${mib(looped.memory[0]!)} after ${frames.length} keyframes, ${mib(looped.memory[looped.memory.length - 1]!)} after ${looped.n} (sequence looped; ${looped.voxels} voxels, ${looped.lost} keyframes lost)`,
);
