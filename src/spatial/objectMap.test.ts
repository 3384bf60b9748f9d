// Detections lifted to 3D and merged into instances, on synthetic depth: the same object seen twice is
// one instance, two side by side are two, and the lifted box has the object's size.
import { describe, expect, it } from 'vitest';
import type { StoredKeyframe } from '../geometry/keyframeStore';
import { identity } from '../geometry/mat4';
import { boxDimensions } from './boxGeometry';
import { liftDetection, ObjectMap } from './objectMap';

const W = 128;
const H = 96;
const F = 100;
const IMAGE = { width: 640, height: 480 }; // the detector's image: 5x the stored depth
const S = IMAGE.width / W;

/** A keyframe looking along +z from (x, 0, 0): a wall at 4 m with fronto-parallel patches at 2 m. */
function keyframe(index: number, cameraX: number, patches: { x0: number; x1: number; y0: number; y1: number }[]): StoredKeyframe {
  const data = new Float32Array(W * H).fill(4);
  for (const p of patches) for (let y = p.y0; y < p.y1; y++) for (let x = p.x0; x < p.x1; x++) data[y * W + x] = 2;
  const pose = identity();
  pose[12] = cameraX;
  return {
    index,
    sourceFrame: index * 10,
    timestampMs: index * 1000,
    pose,
    intrinsics: { fx: F, fy: F, cx: (W - 1) / 2, cy: (H - 1) / 2 },
    depth: { width: W, height: H, data },
  };
}

/** The detection box around a patch, a little loose (as detectors are), in image pixels. */
const around = (p: { x0: number; x1: number; y0: number; y1: number }) => ({
  xmin: (p.x0 - 3) * S,
  ymin: (p.y0 - 3) * S,
  xmax: (p.x1 + 3) * S,
  ymax: (p.y1 + 3) * S,
});

/** A keyframe at `pose` (camera-to-world, column-major) seeing only an axis-aligned box: its depth by ray casting. */
function rendered(index: number, pose: Float32Array, box: { min: readonly number[]; max: readonly number[] }): StoredKeyframe {
  const data = new Float32Array(W * H);
  const origin = [pose[12]!, pose[13]!, pose[14]!];
  for (let v = 0; v < H; v++) {
    for (let u = 0; u < W; u++) {
      const cam = [(u - (W - 1) / 2) / F, (v - (H - 1) / 2) / F, 1];
      const dir = [0, 1, 2].map((a) => pose[a]! * cam[0]! + pose[4 + a]! * cam[1]! + pose[8 + a]! * cam[2]!);
      let near = 0;
      let far = Infinity;
      for (let a = 0; a < 3; a++) {
        const t1 = (box.min[a]! - origin[a]!) / dir[a]!;
        const t2 = (box.max[a]! - origin[a]!) / dir[a]!;
        near = Math.max(near, Math.min(t1, t2));
        far = Math.min(far, Math.max(t1, t2));
      }
      if (near < far) data[v * W + u] = near; // the ray's camera z is 1 per unit t: t is the depth
    }
  }
  return { ...keyframe(index, 0, []), pose, depth: { width: W, height: H, data } };
}

/** The detector's box around every pixel with depth, in image pixels. */
function boxOfDepth(kf: StoredKeyframe): { xmin: number; ymin: number; xmax: number; ymax: number } {
  let [xmin, ymin, xmax, ymax] = [W, H, 0, 0];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (!kf.depth.data[y * W + x]) continue;
      [xmin, ymin, xmax, ymax] = [Math.min(xmin, x), Math.min(ymin, y), Math.max(xmax, x + 1), Math.max(ymax, y + 1)];
    }
  }
  return { xmin: xmin * S, ymin: ymin * S, xmax: xmax * S, ymax: ymax * S };
}

describe('lifting a detection', () => {
  it('keeps the object, not the wall behind it, at metric size', () => {
    const patch = { x0: 54, x1: 74, y0: 38, y1: 58 }; // 20 px at 2 m with f = 100: 0.4 m
    const pts = liftDetection(keyframe(0, 0, [patch]), IMAGE.width, IMAGE.height, around(patch));
    expect(pts.length / 3).toBe(400);
    for (let i = 2; i < pts.length; i += 3) expect(pts[i]).toBeCloseTo(2, 5);
    const xs = pts.filter((_, i) => i % 3 === 0);
    expect(Math.max(...xs) - Math.min(...xs)).toBeCloseTo(0.38, 2); // pixel centres span 19 px
  });
});

describe('merging into instances', () => {
  const chair = { x0: 30, x1: 50, y0: 40, y1: 60 };
  const other = { x0: 80, x1: 100, y0: 40, y1: 60 }; // 50 px to the right at 2 m with f = 100: 1 m

  it('makes one instance of the same chair seen from two places, and two of two chairs', () => {
    const map = new ObjectMap();
    map.add(keyframe(0, 0, [chair, other]), IMAGE.width, IMAGE.height, [
      { label: 'chair', score: 0.8, box: around(chair) },
      { label: 'chair', score: 0.7, box: around(other) },
    ]);
    // The camera moved 0.2 m right: the first chair now appears 10 px further left.
    const moved = { ...chair, x0: chair.x0 - 10, x1: chair.x1 - 10 };
    map.add(keyframe(1, 0.2, [moved]), IMAGE.width, IMAGE.height, [{ label: 'chair', score: 0.9, box: around(moved) }]);
    const objects = map.objects(identity());
    expect(objects.map((o) => o.id)).toEqual(['chair#1', 'chair#2']);
    expect(objects[0]!.seenIn).toEqual([0, 1]);
    expect(objects[0]!.firstSeen.timestampMs).toBe(0);
    expect(objects[0]!.score).toBe(0.9);
    expect(objects[1]!.seenIn).toEqual([0]);
    const gap = objects[1]!.box.center[0] - objects[0]!.box.center[0];
    expect(gap).toBeCloseTo(1, 1);
    expect(boxDimensions(objects[0]!.box).horizontal[0]).toBeCloseTo(0.4, 1);
  });

  it('lifts every detection again when a loop closure moves the keyframes', () => {
    const map = new ObjectMap();
    const kf0 = keyframe(0, 0, [chair]);
    const kf1 = keyframe(1, 0.2, [{ ...chair, x0: chair.x0 - 10, x1: chair.x1 - 10 }]);
    map.add(kf0, IMAGE.width, IMAGE.height, [{ label: 'chair', score: 0.8, box: around(chair) }]);
    map.add(kf1, IMAGE.width, IMAGE.height, [{ label: 'chair', score: 0.9, box: around({ ...chair, x0: chair.x0 - 10, x1: chair.x1 - 10 }) }]);
    const before = map.objects(identity())[0]!.box.center;
    // Both keyframes turn out to be 0.5 m further along z.
    const moved = [kf0, kf1].map((kf) => {
      const pose = Float32Array.from(kf.pose);
      pose[14] = 0.5;
      return { ...kf, pose };
    });
    map.relift(moved);
    const after = map.objects(identity());
    expect(after.map((o) => o.id)).toEqual(['chair#1']);
    expect(after[0]!.seenIn).toEqual([0, 1]);
    expect(after[0]!.box.center[2] - before[2]).toBeCloseTo(0.5, 5);
    expect(after[0]!.box.center[0]).toBeCloseTo(before[0], 5);
  });

  it('takes the label most detections give, keeps other kinds apart, drops one-off detections once sightings are required, and forgets on reset', () => {
    const map = new ObjectMap();
    // The detector calls the chair a stool once (they look alike): the same object named differently, outvoted. A
    // table beside it is another object.
    map.add(keyframe(0, 0, [chair, other]), IMAGE.width, IMAGE.height, [
      { label: 'stool', score: 0.6, box: around(chair) },
      { label: 'table', score: 0.3, box: around(other) },
    ]);
    map.add(keyframe(1, 0, [chair, other]), IMAGE.width, IMAGE.height, [{ label: 'chair', score: 0.5, box: around(chair) }]);
    map.add(keyframe(2, 0, [chair, other]), IMAGE.width, IMAGE.height, [{ label: 'chair', score: 0.4, box: around(chair) }]);
    // A plant does not look like a chair: a plant box lifted onto the chair is a thing of its own (and, seen once,
    // dropped below once sightings are required).
    map.add(keyframe(3, 0, [chair, other]), IMAGE.width, IMAGE.height, [
      { label: 'plant', score: 0.9, box: around(chair) },
      { label: 'table', score: 0.3, box: around(other) },
    ]);
    expect(map.objects(identity()).map((o) => [o.label, o.seenIn.length])).toEqual([
      ['chair', 3],
      ['table', 2],
      ['plant', 1],
    ]);
    expect(map.objects(identity(), 2).map((o) => o.label)).toEqual(['chair', 'table']);
    map.reset();
    expect(map.size).toBe(0);
  });

  it('joins an object seen from the front and then from the side, whose surfaces share no cells', () => {
    // A 0.4 m cube (x, y ±0.2, z 2–2.4), looked down at from the front (its front and top), then from its right side
    // at its own height (that side only).
    const cube = { min: [-0.2, -0.2, 2] as const, max: [0.2, 0.2, 2.4] as const };
    const [s, c] = [Math.sin(0.7), Math.cos(0.7)]; // 40° down, from 1 m above the cube's centre (y is down)
    const front = Float32Array.from([1, 0, 0, 0, 0, c, -s, 0, 0, s, c, 0, 0, -1, 1, 1]);
    const side = Float32Array.from([0, 0, 1, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1.2, 0, 2.2, 1]); // at x = 1.2 looking along −x
    const map = new ObjectMap();
    for (const [index, pose] of [front, side].entries()) {
      const kf = rendered(index, pose, cube);
      map.add(kf, IMAGE.width, IMAGE.height, [{ label: 'stove', score: 0.9, box: boxOfDepth(kf) }]);
    }
    const objects = map.objects(identity());
    expect(objects.map((o) => o.seenIn)).toEqual([[0, 1]]);
    const [x, y, z] = objects[0]!.box.center;
    expect(Math.hypot(x, y, z - 2.2)).toBeLessThan(0.05);
  });

  it('drops an instance the detector does not find again where it would be seen, and keeps one it mostly finds', () => {
    const map = new ObjectMap();
    // A confident false detection on the first keyframe, a real chair found on 4 of the 6 keyframes that see it.
    map.add(keyframe(0, 0, [chair, other]), IMAGE.width, IMAGE.height, [
      { label: 'chair', score: 0.9, box: around(chair) },
      { label: 'plant', score: 0.9, box: around(other) },
    ]);
    for (let i = 1; i < 6; i++) {
      map.add(keyframe(i, 0, [chair, other]), IMAGE.width, IMAGE.height, i % 3 === 0 ? [] : [{ label: 'chair', score: 0.8, box: around(chair) }]);
    }
    expect(map.objects(identity(), 2).map((o) => o.id)).toEqual(['chair#1']);
    // Had the place of the "plant" been hidden (something nearer in front of it), it would not count against it.
    const hidden = new ObjectMap();
    hidden.add(keyframe(0, 0, [chair, other]), IMAGE.width, IMAGE.height, [{ label: 'plant', score: 0.9, box: around(other) }]);
    for (let i = 1; i < 6; i++) {
      const kf = keyframe(i, 0, []);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) kf.depth.data[y * W + x] = 1;
      hidden.add(kf, IMAGE.width, IMAGE.height, []);
    }
    expect(hidden.objects(identity(), 1).map((o) => o.id)).toEqual(['plant#1']);
  });

  it('fits the box to what the views agree on, not the background each box took in', () => {
    // The chair at 2 m seen from four places; each loose box also takes in something just beside the chair, within
    // the depth band, but at a different depth each time (2.15, 2.25, 2.35, 2.4 m): never the same place twice.
    const map = new ObjectMap();
    [2.15, 2.25, 2.35, 2.4].forEach((behind, i) => {
      const shift = i * 10; // the camera moves 0.2 m right each time: the chair appears 10 px further left
      const c = { x0: chair.x0 - shift, x1: chair.x1 - shift, y0: chair.y0, y1: chair.y1 };
      const kf = keyframe(i, 0.2 * i, [c]);
      for (let y = c.y0; y < c.y1; y++) for (let x = c.x1; x < c.x1 + 8; x++) kf.depth.data[y * W + x] = behind;
      map.add(kf, IMAGE.width, IMAGE.height, [{ label: 'chair', score: 0.9, box: { ...around(c), xmax: (c.x1 + 8) * S } }]);
    });
    const [o] = map.objects(identity());
    expect(o!.seenIn).toHaveLength(4);
    expect(boxDimensions(o!.box).horizontal[0]).toBeLessThan(0.45);
  });

  it('leaves out the floor under an object when the gravity frame has the floor at zero', () => {
    const map = new ObjectMap();
    map.add(keyframe(0, 0, [chair]), IMAGE.width, IMAGE.height, [{ label: 'chair', score: 0.9, box: around(chair) }]);
    // Gravity frame: camera down (+y) is down, so up = −y; the chair spans y 0–0.2 m below the camera's centre row.
    // Put the floor at the chair's middle: half of its points are "below the floor" and are dropped.
    const toGravity = identity();
    toGravity[5] = -1;
    toGravity[10] = -1;
    toGravity[13] = 0.1;
    const [all] = map.objects(toGravity, 1, false);
    const [above] = map.objects(toGravity, 1, true);
    expect(all!.box.size[1]).toBeGreaterThan(0.35);
    expect(above!.box.center[1] - above!.box.size[1] / 2).toBeGreaterThan(0.03);
  });

  it('puts objects in the gravity frame it is given', () => {
    const map = new ObjectMap();
    map.add(keyframe(0, 0, [chair]), IMAGE.width, IMAGE.height, [{ label: 'chair', score: 0.9, box: around(chair) }]);
    const shifted = identity();
    shifted[13] = 1.5; // lift everything by 1.5 m
    const [a] = map.objects(identity());
    const [b] = map.objects(shifted);
    expect(b!.box.center[1] - a!.box.center[1]).toBeCloseTo(1.5, 5);
  });
});
