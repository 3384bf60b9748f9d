// npm run synth -- --seed N --out <folder> [--frames N] [--width 640 --height 480] [--no-depth-noise] [--no-video]
// Renders one synthetic room (src/synth/) to an RGB-D folder with instance masks and meta.json (scripts/synthRoom.ts),
// and its frames as video.webm (scripts/synthVideo.ts; needs Chromium).
import { parseArgs } from 'node:util';
import { writeSynthRoom } from './synthRoom.ts';
import { writeSynthVideo } from './synthVideo.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '0' },
    out: { type: 'string' },
    frames: { type: 'string' },
    width: { type: 'string', default: '640' },
    height: { type: 'string', default: '480' },
    'no-depth-noise': { type: 'boolean', default: false },
    'no-video': { type: 'boolean', default: false },
  },
});

const integer = (name: string, text: string | undefined, min: number, max: number): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be an integer from ${min} to ${max} (got ${text})`);
    process.exit(2);
  }
  return n;
};

if (!values.out) {
  console.error('usage: npm run synth -- --seed N --out <folder> [--frames N] [--width W --height H] [--no-depth-noise] [--no-video]');
  process.exit(2);
}
const seed = integer('seed', values.seed, 0, 2 ** 31 - 1)!;
const t0 = performance.now();
const meta = writeSynthRoom(
  values.out,
  {
    seed,
    width: integer('width', values.width, 16, 4096),
    height: integer('height', values.height, 16, 4096),
    maxFrames: integer('frames', values.frames, 1, 100_000),
    depthNoise: !values['no-depth-noise'],
  },
  (i, n) => process.stdout.write(`\rframe ${i + 1}/${n}`),
);
const counts = Object.entries(meta.object_counts)
  .map(([label, n]) => `${n} ${label}`)
  .join(', ');
console.log(
  `\nroom ${seed}: ${meta.room_kind}, ${meta.room_size.toFixed(1)} m², ${meta.frames} frames (${(meta.frames / meta.fps).toFixed(1)} s); ${counts}; ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
if (!values['no-video']) {
  const video = await writeSynthVideo(values.out, meta.fps);
  console.log(`video.webm: ${video.frames} frames, ${(video.bytes / 1e6).toFixed(1)} MB`);
}
