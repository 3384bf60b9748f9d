// Writes a synthetic room (src/synth/) as an RGB-D folder in the layout the app and the evaluations read
// (7-Scenes: frame-NNNNNN.color.jpg / .depth.png / .pose.txt, camera-intrinsics.txt, gravity-direction.txt), plus
// frame-NNNNNN.instance.png (16-bit instance ids, 0 = the room itself) and meta.json (the ground truth, VSI-Bench's
// metadata format and more: src/synth/groundTruth.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { countInstances, type SynthOptions, synthCapture, synthFrames, synthMeta } from '../src/synth/generate.ts';
import type { SynthMeta } from '../src/synth/groundTruth.ts';

const JPEG_QUALITY = 92;

const name = (index: number, kind: string) => `frame-${String(index).padStart(6, '0')}.${kind}`;

/** Row-major 4x4 text from a column-major matrix, as 7-Scenes writes poses. */
function poseText(m: Float32Array): string {
  const rows: string[] = [];
  for (let r = 0; r < 4; r++) rows.push([0, 1, 2, 3].map((c) => m[c * 4 + r]!.toExponential(9)).join(' '));
  return `${rows.join('\n')}\n`;
}

export function writeSynthRoom(out: string, options: SynthOptions, onFrame?: (index: number, total: number) => void): SynthMeta {
  mkdirSync(out, { recursive: true });
  const capture = synthCapture(options);
  const { intrinsics: k, room } = capture;
  writeFileSync(join(out, 'camera-intrinsics.txt'), `${k.fx} 0 ${k.cx}\n0 ${k.fy} ${k.cy}\n0 0 1\n`);
  // Gravity points down the world's −y.
  writeFileSync(join(out, 'gravity-direction.txt'), '0\n-1\n0\n');
  const counts: Uint32Array[] = [];
  for (const frame of synthFrames(capture, options)) {
    const { width, height } = frame;
    writeFileSync(join(out, name(frame.index, 'color.jpg')), jpeg.encode({ width, height, data: frame.rgba }, JPEG_QUALITY).data);
    writeFileSync(join(out, name(frame.index, 'depth.png')), encodePng({ width, height, data: frame.depthMm, depth: 16, channels: 1 }));
    writeFileSync(join(out, name(frame.index, 'instance.png')), encodePng({ width, height, data: frame.instance, depth: 16, channels: 1 }));
    writeFileSync(join(out, name(frame.index, 'pose.txt')), poseText(frame.pose));
    counts.push(countInstances(frame.instance, room.objects.length));
    onFrame?.(frame.index, capture.camera.length);
  }
  const meta = synthMeta(capture, counts);
  writeFileSync(join(out, 'meta.json'), `${JSON.stringify(meta, null, 1)}\n`);
  return meta;
}
