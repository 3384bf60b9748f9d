import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { identity } from '../geometry/mat4';
import type { KeyframeInfo } from '../geometry/types';
import { deleteSession, eachPointChunk, listSessions, loadChat, loadSession, openSessionsDb, renameSession, saveChat, type SessionsDb } from './db';
import { exportChat, exportPly, exportTum, importSession } from './exchange';
import { readPly } from './ply';
import { restoreSession } from './restore';
import { SessionWriter, type WriterEvents } from './sessionWriter';
import { readTum } from './tum';

function info(index: number, lost = false): KeyframeInfo {
  const pose = identity();
  pose[12] = index * 0.5;
  const world = { toGravity: identity(), gravitySource: 'cameras' as const, voxels: 0, extent: null };
  world.toGravity[13] = 1; // gravity frame: 1 m above the tracking frame
  return {
    index,
    sourceFrame: index * 10,
    timestampMs: index * 1000,
    pose,
    world,
    tracking: lost ? { status: 'lost', reason: 'too few matches', inliers: 0 } : { status: 'tracked', inliers: 50 },
    intrinsics: { fx: 500, fy: 500, cx: 320, cy: 240 },
    width: 640,
    height: 480,
    timings: { inferenceMs: 1, postMs: 1 },
    pointCount: lost ? 0 : 2,
    bounds: null,
  };
}

const jpeg = () => Promise.resolve(new Blob([new Uint8Array(100)], { type: 'image/jpeg' }));

async function record(
  db: SessionsDb,
  keyframes: number,
  events: WriterEvents = { onPaused: () => {}, onResumed: () => {} },
  retryMs?: number,
): Promise<SessionWriter> {
  const writer = new SessionWriter(db, `s${Math.random()}`, 'kitchen.webm', events, 20, retryMs);
  for (let i = 0; i < keyframes; i++) {
    writer.addKeyframe({ index: i, info: info(i), stored: null }, jpeg());
    writer.addPoints(i, new Float32Array([i, 0, 0, i, 1, 0]), new Uint8Array([255, 0, 0, 0, 255, 0]));
  }
  return writer;
}

describe('sessions in IndexedDB', () => {
  it('saves within the flush interval, unasked, and reads back what was saved', async () => {
    const db = await openSessionsDb();
    const writer = await record(db, 3);
    writer.addDetections({
      seq: 0,
      keyframe: 1,
      width: 640,
      height: 480,
      detections: [{ label: 'chair', score: 0.8, box: { xmin: 1, ymin: 2, xmax: 30, ymax: 40 } }],
    });
    await new Promise((r) => setTimeout(r, 100)); // no flush() call: the timer writes
    const meta = (await listSessions(db)).find((s) => s.id === writer.id)!;
    expect(meta).toMatchObject({ name: 'kitchen.webm', state: 'recording', keyframes: 3, points: 6 });
    expect(meta.bytes).toBeGreaterThan(300);
    const loaded = await loadSession(db, writer.id);
    expect(loaded.keyframes.map((k) => k.index)).toEqual([0, 1, 2]);
    expect(loaded.keyframes[1]!.image?.size).toBe(100);
    expect(loaded.keyframes[2]!.info.pose[12]).toBeCloseTo(1);
    expect(loaded.detections[0]!.detections[0]!.label).toBe('chair');
    const chunks: number[] = [];
    await eachPointChunk(db, writer.id, (c) => chunks.push(c.points[0]!));
    expect(chunks).toEqual([0, 1, 2]);
    await writer.setState('saved');
    expect((await loadSession(db, writer.id)).meta.state).toBe('saved');
  });

  it('a loop closure rewrites the saved poses and replaces the saved points, before the keyframes that come after it', async () => {
    const db = await openSessionsDb();
    const writer = await record(db, 3);
    await writer.flush();
    // Keyframe 3 is still queued when the loop is closed: it takes its corrected pose before it is ever written.
    writer.addKeyframe({ index: 3, info: info(3), stored: null }, jpeg());
    writer.addPoints(3, new Float32Array([3, 0, 0]), new Uint8Array(3));
    const moved = (i: number) => {
      const pose = info(i).pose;
      pose[14] = 0.1 * i;
      return { index: i, pose };
    };
    const world = { ...info(0).world, gravitySource: 'floor' as const };
    writer.correct({ poses: [0, 1, 2, 3].map(moved), world, points: new Float32Array([9, 9, 9, 8, 8, 8, 7, 7, 7]), colors: new Uint8Array(9) });
    writer.addKeyframe({ index: 4, info: info(4), stored: null }, jpeg());
    writer.addPoints(4, new Float32Array([4, 0, 0]), new Uint8Array(3));
    await writer.flush();
    const loaded = await loadSession(db, writer.id);
    expect(loaded.keyframes.map((k) => k.info.pose[14])).toEqual([0, 0.1, 0.2, 0.3, 0].map((v) => expect.closeTo(v, 6)));
    expect(loaded.keyframes[2]!.info.world.gravitySource).toBe('floor');
    const chunks: number[][] = [];
    await eachPointChunk(db, writer.id, (c) => chunks.push(Array.from(c.points)));
    expect(chunks).toEqual([
      [9, 9, 9, 8, 8, 8, 7, 7, 7],
      [4, 0, 0],
    ]);
    expect(loaded.meta).toMatchObject({ keyframes: 5, points: 4 });
    // Reopened, the view gets every point once, where the correction put it.
    const drawn: number[] = [];
    const restored = await restoreSession(db, writer.id, (g) => drawn.push(...g.points));
    expect(drawn).toEqual([9, 9, 9, 8, 8, 8, 7, 7, 7, 4, 0, 0]);
    expect(restored.stored.map((k) => k.pose[14])).toEqual([0, 0.1, 0.2, 0.3, 0].map((v) => expect.closeTo(v, 6)));
  });

  it('renames, keeps the name when more is saved, saves the chat and deletes everything of one session only', async () => {
    const db = await openSessionsDb();
    const a = await record(db, 2);
    const b = await record(db, 1);
    await Promise.all([a.flush(), b.flush()]);
    await renameSession(db, a.id, 'Kitchen, morning');
    a.addKeyframe({ index: 2, info: info(2), stored: null }, jpeg());
    await a.flush();
    expect((await loadSession(db, a.id)).meta).toMatchObject({ name: 'Kitchen, morning', keyframes: 3 });
    await saveChat(db, a.id, [
      { role: 'user', text: 'How big is the room?' },
      { role: 'assistant', text: '12 m²', measured: 'room_size' },
    ]);
    expect((await loadChat(db, a.id))[1]).toMatchObject({ text: '12 m²', measured: 'room_size' });
    await deleteSession(db, a.id);
    await expect(loadSession(db, a.id)).rejects.toThrow(/no longer exists/);
    let left = 0;
    await eachPointChunk(db, a.id, () => left++);
    expect(left).toBe(0);
    expect(await loadChat(db, a.id)).toEqual([]);
    expect((await loadSession(db, b.id)).keyframes).toHaveLength(1);
  });

  it('a discarded writer never writes again, so a deleted session stays deleted', async () => {
    const db = await openSessionsDb();
    const writer = await record(db, 2);
    await writer.flush();
    writer.addKeyframe({ index: 2, info: info(2), stored: null }, jpeg()); // queued, its timer pending
    const late = { seq: 0, keyframe: 1, width: 640, height: 480, detections: [] };
    await writer.discard();
    await deleteSession(db, writer.id);
    writer.addDetections(late); // the detector's findings for the last keyframes arrive late
    await writer.setState('saved'); // what reset() does after a delete
    await new Promise((r) => setTimeout(r, 60)); // past the flush interval
    expect((await listSessions(db)).some((m) => m.id === writer.id)).toBe(false);
    // Without discard, such a late write brings the deleted session back (what a stress run showed once in three).
    const other = await record(db, 1);
    await other.flush();
    await deleteSession(db, other.id);
    other.addDetections(late);
    await other.setState('saved');
    expect((await listSessions(db)).some((m) => m.id === other.id)).toBe(true);
  });

  it('storage full: pauses, says so, keeps what was saved and the queued records, and resumes', async () => {
    const real = await openSessionsDb();
    let full = false;
    /** Transactions that still fit while full. */
    let room = 0;
    // IndexedDB itself refusing writes, as a browser over quota does; the writer under test is the real one.
    const db = new Proxy(real, {
      get(target, prop) {
        if (prop === 'transaction') {
          return (...args: Parameters<SessionsDb['transaction']>) => {
            if (full && args[1] === 'readwrite' && room-- <= 0) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
            return (target.transaction as (...a: unknown[]) => unknown)(...args);
          };
        }
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as SessionsDb;
    const paused: [boolean, string][] = [];
    let resumed = 0;
    const writer = await record(db, 2, { onPaused: (f, m) => paused.push([f, m]), onResumed: () => resumed++ }, 60_000);
    await writer.flush();
    full = true;
    writer.addKeyframe({ index: 2, info: info(2, true), stored: null }, jpeg());
    await writer.flush();
    expect(writer.isPaused).toBe(true);
    expect(paused).toHaveLength(1);
    expect(paused[0]![0]).toBe(true);
    expect(paused[0]![1]).toMatch(/Storage is full.*Delete old sessions/);
    // Already saved: intact. While paused, more records queue without writes.
    expect((await loadSession(real, writer.id)).meta.keyframes).toBe(2);
    for (let i = 3; i < 12; i++) {
      writer.addKeyframe({ index: i, info: info(i), stored: null }, jpeg());
      writer.addPoints(i, new Float32Array([i, 0, 0]), new Uint8Array(3));
    }
    // Some room again: the backlog is saved as far as it fits (two transactions of 8 records), then pauses again.
    room = 2;
    await writer.resume();
    expect(writer.isPaused).toBe(true);
    expect(resumed).toBe(0);
    const part = (await loadSession(real, writer.id)).keyframes.map((k) => k.index);
    expect(part.length).toBeGreaterThan(2);
    expect(part.length).toBeLessThan(12);
    expect(part).toEqual([...Array(part.length).keys()]); // in order, nothing skipped
    full = false;
    await writer.resume();
    expect(writer.isPaused).toBe(false);
    expect(resumed).toBe(1);
    const loaded = await loadSession(real, writer.id);
    expect(loaded.keyframes.map((k) => k.index)).toEqual([...Array(12).keys()]);
    expect(loaded.keyframes[2]!.image?.size).toBe(100);
  });

  it('storage full: retried on its own while records keep coming, since freed space may be credited later', async () => {
    const real = await openSessionsDb();
    let full = true;
    const db = new Proxy(real, {
      get(target, prop) {
        const v = Reflect.get(target, prop) as unknown;
        if (prop === 'transaction' && full)
          return () => {
            throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          };
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as SessionsDb;
    let resumed = 0;
    const writer = await record(db, 1, { onPaused: () => {}, onResumed: () => resumed++ }, 50);
    await writer.flush();
    expect(writer.isPaused).toBe(true);
    full = false;
    writer.addKeyframe({ index: 1, info: info(1), stored: null }, jpeg()); // too soon: still paused
    expect(writer.isPaused).toBe(true);
    await new Promise((r) => setTimeout(r, 60));
    writer.addKeyframe({ index: 2, info: info(2), stored: null }, jpeg());
    await writer.flush();
    expect(writer.isPaused).toBe(false);
    expect(resumed).toBe(1);
    expect((await loadSession(real, writer.id)).keyframes.map((k) => k.index)).toEqual([0, 1, 2]);
  });

  it('exports PLY and TUM in the gravity frame that parse back, and imports them as a new session', async () => {
    const db = await openSessionsDb();
    const writer = await record(db, 3);
    writer.addKeyframe({ index: 3, info: info(3, true), stored: null }, jpeg());
    await writer.flush();
    await saveChat(db, writer.id, [{ role: 'user', text: 'hi' }]);
    const ply = await (await exportPly(db, writer.id)).arrayBuffer();
    const cloud = readPly(ply);
    expect(cloud.points.length / 3).toBe(6);
    expect([...cloud.points.slice(3, 6)]).toEqual([0, 2, 0]); // (0, 1, 0) lifted 1 m by the gravity frame
    expect([...cloud.colors.slice(0, 6)]).toEqual([255, 0, 0, 0, 255, 0]);
    const tum = await exportTum(db, writer.id);
    const poses = readTum(tum);
    expect(poses.map((p) => p.timestamp)).toEqual([0, 1, 2]); // the lost keyframe has no pose to export
    expect(poses[2]!.pose[12]).toBeCloseTo(1);
    expect(poses[2]!.pose[13]).toBeCloseTo(1);
    expect(JSON.parse(await exportChat(db, writer.id))).toMatchObject({ session: 'kitchen.webm', messages: [{ role: 'user', text: 'hi' }] });

    const { id, notes } = await importSession(db, 'imported', ply, tum);
    expect(notes).toEqual([]);
    const back = await loadSession(db, id);
    expect(back.meta).toMatchObject({ state: 'imported', keyframes: 3, points: 6 });
    expect(back.keyframes[0]!.info.pointCount).toBe(6);
    // Export of the import gives the same files (it is stored in the gravity frame already).
    expect(readPly(await (await exportPly(db, id)).arrayBuffer())).toEqual(cloud);
    expect(readTum(await exportTum(db, id)).map((p) => [p.timestamp, ...p.pose])).toEqual(poses.map((p) => [p.timestamp, ...p.pose]));
  });

  it('restores a session: keyframes with their points in order, stored keyframes, lost frames, images, gravity frame', async () => {
    const db = await openSessionsDb();
    const writer = await record(db, 2);
    const stored = {
      index: 1,
      sourceFrame: 10,
      timestampMs: 1000,
      pose: identity(),
      intrinsics: { fx: 100, fy: 100, cx: 64, cy: 48 },
      depth: { width: 2, height: 1, data: new Float32Array([1.5, 2]) },
    };
    writer.addKeyframe({ index: 2, info: info(2, true), stored: null }, Promise.resolve(null));
    writer.addKeyframe({ index: 3, info: info(3), stored: { ...stored, index: 3 } }, jpeg());
    writer.addPoints(3, new Float32Array([9, 9, 9]), new Uint8Array([1, 2, 3]));
    writer.setFramesSeen(42);
    await writer.setState('saved');
    const seen: [number, number][] = [];
    const r = await restoreSession(db, writer.id, (g) => seen.push([g.index, g.points.length / 3]));
    expect(seen).toEqual([
      [0, 2],
      [1, 2],
      [2, 0],
      [3, 1],
    ]);
    expect(r.meta).toMatchObject({ framesSeen: 42, keyframes: 4, points: 5, state: 'saved' });
    expect(r.infos.map((i) => i.tracking.status)).toEqual(['tracked', 'tracked', 'lost', 'tracked']);
    expect(r.lostFrames).toEqual([20]);
    expect(r.stored.map((s) => [s.index, s.depth.data.length])).toEqual([
      [0, 0],
      [1, 0],
      [3, 2],
    ]);
    expect(r.images).toHaveLength(3);
    expect(r.toGravity[13]).toBe(1);
    expect(r.mapPoints?.length).toBe(15);
  });
});
