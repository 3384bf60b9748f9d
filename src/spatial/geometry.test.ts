// Box geometry, room footprint and the camera track's frame lookup, checked against brute force and
// hand-made rooms.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random';
import { boxCorners, boxDimensions, closestPointsOfBoxes, fitUprightBox, pointToBoxDistance } from './boxGeometry';
import { answerSpatialQuestion } from './answer';
import { cameraAtFrame } from './cameraTrack';
import { identity } from '../geometry/mat4';
import { estimateRoom, sightlines } from './room';
import type { OrientedBox, SceneMemory, Vec3 } from './types';

function rotatedBox(center: Vec3, size: Vec3, yawDeg: number): OrientedBox {
  const a = (yawDeg * Math.PI) / 180;
  return {
    center,
    size,
    axes: [
      [Math.cos(a), 0, -Math.sin(a)],
      [0, 1, 0],
      [Math.sin(a), 0, Math.cos(a)],
    ],
  };
}

/** Points filling a box (surface and inside), for brute-force distances. */
function sampleBox(box: OrientedBox, n: number, random: () => number): Vec3[] {
  const out: Vec3[] = [];
  for (let i = 0; i < n; i++) {
    const t = [random() - 0.5, random() - 0.5, random() - 0.5].map((v) => (random() < 0.5 ? Math.sign(v) * 0.5 : v));
    const p: Vec3 = [...box.center];
    for (let a = 0; a < 3; a++) for (let k = 0; k < 3; k++) p[k] = p[k]! + box.axes[a]![k]! * t[a]! * box.size[a]!;
    out.push(p);
  }
  return [...out, ...boxCorners(box)];
}

describe('box geometry', () => {
  it('finds the distance between closest points of rotated boxes, as brute force does', () => {
    const random = seededRandom(3);
    for (let trial = 0; trial < 20; trial++) {
      const a = rotatedBox([random() * 4, random(), random() * 4], [0.3 + random(), 0.3 + random(), 0.3 + random()], random() * 180);
      const b = rotatedBox([random() * 4, random(), random() * 4], [0.3 + random(), 0.3 + random(), 0.3 + random()], random() * 180);
      const exact = closestPointsOfBoxes(a, b).distance;
      const pa = sampleBox(a, 3000, random);
      const brute = Math.min(...pa.map((p) => pointToBoxDistance(b, p)));
      expect(exact).toBeLessThanOrEqual(brute + 1e-6);
      expect(brute - exact).toBeLessThan(0.05);
    }
  });

  it('gives 0 for overlapping boxes', () => {
    expect(closestPointsOfBoxes(rotatedBox([0, 0, 0], [1, 1, 1], 0), rotatedBox([0.5, 0, 0.5], [1, 1, 1], 45)).distance).toBe(0);
  });

  it('fits an upright box to the points of a rotated one', () => {
    const truth = rotatedBox([1, 0.4, -2], [1.8, 0.8, 0.9], 30);
    const pts = sampleBox(truth, 4000, seededRandom(5)).flat();
    const fit = fitUprightBox(pts)!;
    const d = boxDimensions(fit);
    expect(d.longest).toBeCloseTo(1.8, 1);
    expect(d.height).toBeCloseTo(0.8, 1);
    expect(d.horizontal[1]).toBeCloseTo(0.9, 1);
    fit.center.forEach((v, i) => expect(v).toBeCloseTo(truth.center[i]!, 1));
  });
});

/** A room's points: floor, four walls 2.5 m high and a ceiling, over the given rectangles (x0, z0, x1, z1). */
function roomPoints(rects: [number, number, number, number][], ceiling: boolean, floor = true): Float32Array {
  const pts: number[] = [];
  const random = seededRandom(9);
  for (const [x0, z0, x1, z1] of rects) {
    const area = (x1 - x0) * (z1 - z0);
    for (let i = 0; i < area * 400; i++) {
      const x = x0 + random() * (x1 - x0);
      const z = z0 + random() * (z1 - z0);
      if (floor) pts.push(x, 0, z);
      if (ceiling) pts.push(x, 2.5, z);
    }
    for (let i = 0; i < 4000; i++) {
      const y = random() * 2.5;
      const t = random();
      pts.push(x0 + t * (x1 - x0), y, z0, x0 + t * (x1 - x0), y, z1, x0, y, z0 + t * (z1 - z0), x1, y, z0 + t * (z1 - z0));
    }
  }
  return Float32Array.from(pts);
}

describe('room', () => {
  it('measures a rectangular room and its ceiling', () => {
    const room = estimateRoom(roomPoints([[0, 0, 4, 5]], true), true)!;
    expect(Math.abs(room.floorArea - 20) / 20).toBeLessThan(0.08);
    expect(room.ceilingHeight!).toBeCloseTo(2.5, 1);
    expect(room.floorPolygon.length).toBeGreaterThanOrEqual(4);
  });

  it('fills a room seen only at its walls, and has no ceiling where none was seen', () => {
    const room = estimateRoom(roomPoints([[0, 0, 4, 5]], false, false), false)!;
    expect(Math.abs(room.floorArea - 20) / 20).toBeLessThan(0.08);
    expect(room.ceilingHeight).toBeNull();
    expect(room.floorSeen).toBe(false);
  });

  it('ends the floor at the wall the cameras looked at, not at the band its noisy points spread over, and fills the floor they saw past furniture', () => {
    const NOISE = 0.02;
    // A 4 x 5 m room seen from its middle by a camera turning round, with depth 2 % noisy: its walls' points spread
    // over a band (points alone take in the band's outer half); a 1 m cube in a corner hides the floor behind it.
    const random = seededRandom(4);
    const normal = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
    const [W, H, F] = [64, 48, 40];
    const cube = { x0: 3, x1: 4, z0: 0, z1: 1, top: 1 };
    const views = Array.from({ length: 24 }, (_, k) => {
      const yaw = (2 * Math.PI * k) / 24;
      // Camera axes in the gravity frame (+y up): x right, y down, z forward, at 1.5 m in the room's middle.
      const [fx, fz] = [Math.sin(yaw), Math.cos(yaw)];
      const pose = Float32Array.from([fz, 0, -fx, 0, 0, -1, 0, 0, fx, 0, fz, 0, 2, 1.5, 2.5, 1]);
      const data = new Float32Array(W * H);
      for (let v = 0; v < H; v++) {
        for (let u = 0; u < W; u++) {
          const c = [(u - W / 2) / F, (v - H / 2) / F, 1];
          const d = [0, 1, 2].map((a) => pose[a]! * c[0]! + pose[4 + a]! * c[1]! + pose[8 + a]! * c[2]!);
          let t = Infinity;
          // Walls, floor and ceiling (the room's inside), then the cube.
          for (const [a, lo, hi] of [
            [0, 0, 4],
            [1, 0, 2.5],
            [2, 0, 5],
          ] as const) {
            const o = pose[12 + a]!;
            if (d[a]! > 0) t = Math.min(t, (hi - o) / d[a]!);
            if (d[a]! < 0) t = Math.min(t, (lo - o) / d[a]!);
          }
          let near = 0;
          let far = Infinity;
          for (const [a, lo, hi] of [
            [0, cube.x0, cube.x1],
            [1, 0, cube.top],
            [2, cube.z0, cube.z1],
          ] as const) {
            const t1 = (lo - pose[12 + a]!) / d[a]!;
            const t2 = (hi - pose[12 + a]!) / d[a]!;
            near = Math.max(near, Math.min(t1, t2));
            far = Math.min(far, Math.max(t1, t2));
          }
          if (near < far) t = Math.min(t, near);
          data[v * W + u] = t * (1 + NOISE * normal());
        }
      }
      return { pose, depth: { width: W, height: H, data }, intrinsics: { fx: F, fy: F, cx: W / 2, cy: H / 2 } };
    });
    const points: number[] = [];
    for (const { pose, depth, intrinsics } of views) {
      for (let i = 0; i < W * H; i += 3) {
        const [u, v, z] = [i % W, Math.floor(i / W), depth.data[i]!];
        const c = [((u - intrinsics.cx) / intrinsics.fx) * z, ((v - intrinsics.cy) / intrinsics.fy) * z, z];
        points.push(...[0, 1, 2].map((a) => pose[a]! * c[0]! + pose[4 + a]! * c[1]! + pose[8 + a]! * c[2]! + pose[12 + a]!));
      }
    }
    const fromPoints = estimateRoom(Float32Array.from(points), true)!;
    const looked = estimateRoom(Float32Array.from(points), true, sightlines(views, identity()))!;
    expect(fromPoints.floorArea).toBeGreaterThan(22);
    expect(Math.abs(looked.floorArea - 20) / 20).toBeLessThan(0.08);
  });

  it('does not count the missing corner of an L-shaped room', () => {
    const room = estimateRoom(
      roomPoints(
        [
          [0, 0, 4, 3],
          [0, 3, 2, 6],
        ],
        true,
      ),
      true,
    )!;
    expect(Math.abs(room.floorArea - 18) / 18).toBeLessThan(0.1);
  });

  it('gives nothing for too few points', () => {
    expect(estimateRoom(new Float32Array(300), true)).toBeNull();
  });
});

describe('camera at a frame', () => {
  const memory = (frames: number[], lost: number[] = []): SceneMemory => ({
    objects: [],
    room: null,
    camera: frames.map((f) => ({ keyframe: f, sourceFrame: f, timestampMs: f * 100, position: [f * 0.1, 0, 0], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1] })),
    lostFrames: lost,
    sourceFrameCount: 100,
  });

  it('interpolates between keyframes and counts frames from 1', () => {
    const at = cameraAtFrame(memory([0, 10, 20]), 6);
    expect(at.ok).toBe(true);
    if (at.ok) expect(at.sample.position[0]).toBeCloseTo(0.5, 6);
    const exact = cameraAtFrame(memory([0, 10, 20]), 11);
    expect(exact.ok && !exact.interpolated && exact.sample.sourceFrame === 10).toBe(true);
  });

  it('refuses frames outside the capture or where tracking was lost', () => {
    expect(cameraAtFrame(memory([0, 10, 20]), 101)).toEqual({ ok: false, reason: 'not-captured' });
    expect(cameraAtFrame(memory([0, 10, 20]), 60)).toEqual({ ok: false, reason: 'not-captured' });
    expect(cameraAtFrame(memory([0, 20], [10]), 12)).toEqual({ ok: false, reason: 'tracking-lost' });
    expect(cameraAtFrame(memory([0, 20, 40], [10]), 31).ok).toBe(true);
    expect(cameraAtFrame(memory([], [0, 1]), 1)).toEqual({ ok: false, reason: 'tracking-lost' });
  });

  it('bridges a brief loss between close tracked keyframes, and says so', () => {
    const at = cameraAtFrame(memory([0, 4, 8], [6]), 7);
    expect(at.ok && at.acrossLostFrames).toBe(true);
    if (at.ok) expect(at.sample.position[0]).toBeCloseTo(0.6, 6);
    expect(cameraAtFrame(memory([0, 4, 8], [6]), 4)).toMatchObject({ ok: true, acrossLostFrames: false });
    const answer = answerSpatialQuestion('How far did the camera move between frame 1 and frame 7?', memory([0, 4, 8], [6]));
    expect(answer?.value).toBeCloseTo(0.6, 6);
    expect(answer?.text).toMatch(/tracking dropped briefly around frame 7/i);
    const plain = answerSpatialQuestion('How far did the camera move between frame 1 and frame 5?', memory([0, 4, 8], [6]));
    expect(plain?.text).not.toMatch(/dropped/);
  });
});
