import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { metaSceneToMemory } from '../eval/vsibench/metaScene';
import type { OrientedBox, Vec3 } from '../spatial/types';
import { FPS, generateCameraPath } from './cameraPath';
import { countInstances, synthCapture, synthFrames, synthMeta } from './generate';
import { distanceToOutline, footprintCorners, generateLayout, insidePolygon, MAX_AREA, MIN_AREA, polygonArea } from './layout';
import { renderView } from './raycast';
import type { SynthRoom } from './types';

const SEEDS = Array.from({ length: 20 }, (_, i) => i);

function insideBox(box: OrientedBox, p: Vec3, margin: number): boolean {
  const d = [p[0] - box.center[0], p[1] - box.center[1], p[2] - box.center[2]];
  return box.axes.every((a, k) => Math.abs(a[0] * d[0]! + a[1] * d[1]! + a[2] * d[2]!) <= box.size[k]! / 2 + margin);
}

describe('synthetic room layout', () => {
  const rooms = SEEDS.map(generateLayout);

  it('gives rooms of 8–40 m², rectangles and L-shapes, of every kind', () => {
    for (const room of rooms) {
      expect(room.area).toBeGreaterThanOrEqual(MIN_AREA);
      expect(room.area).toBeLessThanOrEqual(MAX_AREA);
      expect(polygonArea(room.footprint)).toBeCloseTo(room.area, 6);
    }
    expect(new Set(rooms.map((r) => r.footprint.length))).toEqual(new Set([4, 6]));
    expect(new Set(rooms.map((r) => r.kind)).size).toBeGreaterThanOrEqual(3);
  });

  it('places furniture inside the room, apart, with several of a category in most rooms', () => {
    let roomsWithRepeats = 0;
    for (const room of rooms) {
      expect(room.objects.length).toBeGreaterThanOrEqual(5);
      const counts = new Map<string, number>();
      for (const o of room.objects) {
        counts.set(o.label, (counts.get(o.label) ?? 0) + 1);
        for (const [x, z] of footprintCorners(o.position[0], o.position[2], o.yaw, o.size[0], o.size[2]))
          expect(insidePolygon(room.footprint, x, z)).toBe(true);
        expect(o.elevation + o.size[1]).toBeLessThan(room.height);
      }
      // Parts never poke out of their object's box (the ground truth boxes are tight around what is drawn).
      const memory = metaSceneToMemory(synthMeta({ room, camera: [], intrinsics: { width: 1, height: 1, fx: 1, fy: 1, cx: 0, cy: 0 } }, []));
      for (const part of room.parts) {
        const o = room.objects[part.instance - 1]!;
        const box = memory.objects.find((m) => m.label === o.label && insideBox(m.box, [o.position[0], o.elevation + o.size[1] / 2, o.position[2]], 1e-6))!.box;
        const c = Math.cos(part.yaw);
        const s = Math.sin(part.yaw);
        for (let corner = 0; corner < 8; corner++) {
          const lx = corner & 1 ? part.half[0] : -part.half[0];
          const ly = corner & 2 ? part.half[1] : -part.half[1];
          const lz = corner & 4 ? part.half[2] : -part.half[2];
          expect(insideBox(box, [part.center[0] + c * lx + s * lz, part.center[1] + ly, part.center[2] - s * lx + c * lz], 1e-6)).toBe(true);
        }
      }
      if ([...counts.values()].some((n) => n > 1)) roomsWithRepeats++;
    }
    expect(roomsWithRepeats).toBeGreaterThanOrEqual(15);
  });
});

describe('synthetic camera path', () => {
  it('walks like a person filming: 10–30 s at 10 fps, eye height, inside the room, smooth', () => {
    for (const seed of SEEDS.slice(0, 8)) {
      const room = generateLayout(seed);
      const path = generateCameraPath(room, seed);
      expect(path.length).toBeGreaterThanOrEqual(10 * FPS);
      expect(path.length).toBeLessThanOrEqual(30 * FPS);
      let maxStep = 0;
      let maxTurn = 0;
      let total = 0;
      let lookedBack = false;
      path.forEach((frame, i) => {
        const [x, y, z] = frame.position;
        expect(y).toBeGreaterThan(1.28);
        expect(y).toBeLessThan(1.72);
        expect(insidePolygon(room.footprint, x, z)).toBe(true);
        expect(distanceToOutline(room.footprint, x, z)).toBeGreaterThan(0.2);
        // Looking back: at some point the view is more than 120° from the way they walked the last second.
        const before = path[Math.max(0, i - FPS)]!.position;
        const walked = Math.hypot(x - before[0], z - before[2]);
        if (
          walked > 0.1 &&
          ((x - before[0]) * frame.pose[8]! + (z - before[2]) * frame.pose[10]!) / walked / Math.hypot(frame.pose[8]!, frame.pose[10]!) <
            Math.cos((120 * Math.PI) / 180)
        )
          lookedBack = true;
        if (i === 0) return;
        const prev = path[i - 1]!;
        const step = Math.hypot(x - prev.position[0], y - prev.position[1], z - prev.position[2]);
        maxStep = Math.max(maxStep, step);
        total += step;
        const cos = prev.pose[8]! * frame.pose[8]! + prev.pose[9]! * frame.pose[9]! + prev.pose[10]! * frame.pose[10]!;
        maxTurn = Math.max(maxTurn, (Math.acos(Math.min(1, cos)) * 180) / Math.PI);
      });
      expect(maxStep).toBeLessThan(0.08);
      expect(maxTurn).toBeLessThan(7.5);
      // Walking the whole time: every second of the capture moves the camera (no standing still at the end).
      for (let i = FPS; i < path.length; i += FPS) {
        let walked = 0;
        for (let j = i - FPS + 1; j <= i; j++)
          walked += Math.hypot(path[j]!.position[0] - path[j - 1]!.position[0], path[j]!.position[2] - path[j - 1]!.position[2]);
        expect(walked).toBeGreaterThan(0.2);
      }
      expect(total).toBeGreaterThan(1);
      expect(lookedBack).toBe(true);
    }
  });
});

describe('synthetic rendering', () => {
  it('gives each pixel the depth along the view of the surface it shows', () => {
    // A camera at the room's middle looking along +x at eye height: the centre pixel sees the wall (or furniture)
    // at the distance a ray along +x meets first.
    const room: SynthRoom = { ...generateLayout(4), parts: [], objects: [], posters: [] };
    const k = { width: 33, height: 25, fx: 20, fy: 20, cx: 16, cy: 12 };
    // Camera axes (columns): right = −z, down = −y, forward = +x; at (0, 1.5, 0).
    const pose = new Float32Array([0, 0, -1, 0, 0, -1, 0, 0, 1, 0, 0, 0, 0, 1.5, 0, 1]);
    const view = renderView(room, k, pose);
    const xs = room.footprint.filter(([, z]) => Math.abs(z) > 0).map(([x]) => x);
    // The wall the +x ray meets is the nearest outline edge crossing z = 0 at positive x.
    let wall = Infinity;
    for (let i = 0; i < room.footprint.length; i++) {
      const [ax, az] = room.footprint[i]!;
      const [bx, bz] = room.footprint[(i + 1) % room.footprint.length]!;
      if ((az <= 0 && bz >= 0) || (bz <= 0 && az >= 0)) {
        const x = az === bz ? Math.min(ax, bx) : ax + ((bx - ax) * (0 - az)) / (bz - az);
        if (x > 0) wall = Math.min(wall, x);
      }
    }
    expect(xs.length).toBeGreaterThan(0);
    expect(view.depth[12 * 33 + 16]).toBeCloseTo(wall, 5);
    // A pixel looking down at 45° meets the floor 1.5 m ahead and 1.5 m down: depth along the view 1.5 m.
    const v = 12 + 20;
    if (v < 25) expect(view.depth[v * 33 + 16]).toBeCloseTo(1.5, 5);
    // Floor, walls, ceiling: instance 0 everywhere in an empty room.
    expect(view.instance.every((i) => i === 0)).toBe(true);
  });

  it('labels each object pixel with an instance whose ground-truth box holds the point its depth gives', () => {
    const capture = synthCapture({ seed: 2, width: 160, height: 120, maxFrames: 40 });
    const meta = synthMeta(capture, []);
    const memory = metaSceneToMemory(meta);
    // Instance id → its box: meta.json lists boxes per category in instance order.
    const boxOf = new Map<number, OrientedBox>();
    for (const [category, boxes] of Object.entries(meta.object_bbox))
      boxes.forEach((b, i) => boxOf.set(b.instance_id!, memory.objects.find((o) => o.id === `${category}#${i + 1}`)!.box));
    const k = capture.intrinsics;
    let checked = 0;
    let outside = 0;
    for (const frame of synthFrames(capture, { seed: 2, depthNoise: false })) {
      if (frame.index % 8) continue;
      for (let v = 0; v < k.height; v++)
        for (let u = 0; u < k.width; u++) {
          const i = v * k.width + u;
          const z = frame.depthMm[i]! / 1000;
          if (!frame.instance[i] || !z) continue;
          const x = ((u - k.cx) / k.fx) * z;
          const y = ((v - k.cy) / k.fy) * z;
          const P = frame.pose;
          const p: Vec3 = [P[0]! * x + P[4]! * y + P[8]! * z + P[12]!, P[1]! * x + P[5]! * y + P[9]! * z + P[13]!, P[2]! * x + P[6]! * y + P[10]! * z + P[14]!];
          checked++;
          if (!insideBox(boxOf.get(frame.instance[i]!)!, p, 0.01)) outside++;
        }
    }
    expect(checked).toBeGreaterThan(2000);
    expect(outside).toBe(0);
  });

  it('is deterministic: the same seed gives the same bytes (pinned, so a change to the generator is seen)', () => {
    const capture = synthCapture({ seed: 3, width: 64, height: 48, maxFrames: 3 });
    const hash = createHash('sha256');
    const counts: Uint32Array[] = [];
    for (const f of synthFrames(capture, { seed: 3 })) {
      hash.update(f.rgba).update(new Uint8Array(f.depthMm.buffer)).update(new Uint8Array(f.instance.buffer)).update(new Uint8Array(f.pose.buffer));
      counts.push(countInstances(f.instance, capture.room.objects.length));
    }
    hash.update(JSON.stringify(synthMeta(capture, counts)));
    // The whole walk and the whole layout too, not only the frames rendered here.
    for (const frame of generateCameraPath(capture.room, 3)) hash.update(new Uint8Array(frame.pose.buffer));
    hash.update(JSON.stringify(capture.room));
    expect(hash.digest('hex')).toBe('3aa54fdfab2e6bdfb13506ea675d6a5901a5f7ae167d5a4cd9890291c8a4c17e');
  });
});
