import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';
import { afterAll, describe, expect, it } from 'vitest';
import { metaSceneToMemory } from '../src/eval/vsibench/metaScene.ts';
import type { SynthMeta } from '../src/synth/groundTruth.ts';
import { loadRgbdFolder } from './rgbdFolder.ts';
import { writeSynthRoom } from './synthRoom.ts';
import { writeSynthVideo } from './synthVideo.ts';

describe('writeSynthRoom', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a folder the app and the evaluations read, with masks and the ground truth', () => {
    const meta = writeSynthRoom(dir, { seed: 5, width: 96, height: 72, maxFrames: 6 });
    const frames = loadRgbdFolder(dir);
    expect(frames.map((f) => f.id)).toEqual(['frame-000000', 'frame-000001', 'frame-000002', 'frame-000003', 'frame-000004', 'frame-000005']);
    expect(frames[0]!.given.width).toBe(96);
    expect(frames[0]!.given.intrinsics.fx).toBeCloseTo(meta.intrinsics.fx, 6);
    // Poses round-trip (camera at eye height), depth is there for most pixels.
    for (const f of frames) {
      expect(f.gtPose![13]).toBeGreaterThan(1.25);
      expect(f.given.depth.filter((z) => z > 0).length).toBeGreaterThan(0.8 * 96 * 72);
    }
    const mask = decode(readFileSync(join(dir, 'frame-000000.instance.png')));
    expect(mask.depth).toBe(16);
    expect(mask.width).toBe(96);
    const written = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as SynthMeta;
    expect(written.frames).toBe(6);
    expect(written.camera_track).toHaveLength(6);
    expect(Object.values(written.object_counts).reduce((a, b) => a + b, 0)).toBe(written.instances.length);
    // The instances first seen in frame 0 are exactly the ones its mask shows enough of.
    const seenFirst = written.instances.filter((i) => i.first_frame === 0).map((i) => i.instance_id);
    const counts = new Map<number, number>();
    for (const id of mask.data) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(seenFirst.sort()).toEqual(
      [...counts]
        .filter(([id, n]) => id > 0 && n >= 0.002 * 96 * 72)
        .map(([id]) => id)
        .sort(),
    );
    // meta.json is a VSI-Bench metadata row: the benchmark's reader makes one object per instance of it.
    expect(metaSceneToMemory(written).objects).toHaveLength(written.instances.length);
    expect(readdirSync(dir)).toContain('gravity-direction.txt');
  });

  it('encodes the frames as a video the app can open: one frame per file, in order, every one a key frame', async () => {
    await writeSynthVideo(dir, 10);
    const input = new Input({ formats: ALL_FORMATS, source: new BufferSource(readFileSync(join(dir, 'video.webm'))) });
    const track = (await input.getPrimaryVideoTrack())!;
    expect([track.codec, track.displayWidth, track.displayHeight]).toEqual(['vp9', 96, 72]);
    const packets: { timestamp: number; type: string }[] = [];
    for await (const p of new EncodedPacketSink(track).packets()) packets.push({ timestamp: p.timestamp, type: p.type });
    expect(packets.map((p) => p.timestamp)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(packets.every((p) => p.type === 'key')).toBe(true);
  });
});
