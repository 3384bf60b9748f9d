// Screen-space picking over a point buffer, checked against three.js's own projection, and the click detector.
import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random';
import { ClickDetector, pickPoint, type PointerLike } from './picking';

const W = 800;
const H = 600;

/** A camera at `eye` looking at `target`, and its projection * view matrix. */
function camera(eye: [number, number, number] = [0, 0, 0], target: [number, number, number] = [0, 0, -1]) {
  const cam = new THREE.PerspectiveCamera(60, W / H, 0.01, 200);
  cam.position.set(...eye);
  cam.lookAt(...target);
  cam.updateMatrixWorld();
  const mvp = new THREE.Matrix4().multiplyMatrices(cam.projectionMatrix, cam.matrixWorldInverse);
  return { cam, mvp };
}

/** Where a point lands on the canvas (CSS pixels) and its depth, by three.js. */
function screen(cam: THREE.PerspectiveCamera, p: THREE.Vector3, model = new THREE.Matrix4()) {
  const world = p.clone().applyMatrix4(model);
  const depth = -world.clone().applyMatrix4(cam.matrixWorldInverse).z;
  const ndc = world.project(cam);
  return { x: ((ndc.x + 1) / 2) * W, y: ((1 - ndc.y) / 2) * H, depth };
}

const buffer = (pts: number[][]) => new Float32Array(pts.flat());

describe('pickPoint', () => {
  it('picks the point under the click and reports its depth', () => {
    const { mvp } = camera();
    const pos = buffer([
      [0, 0, -2],
      [1, 1, -3],
    ]);
    const hit = pickPoint(pos, 2, mvp.elements, W / 2, H / 2, W, H, { radiusPx: 10 });
    expect(hit?.index).toBe(0);
    expect(hit?.depth).toBeCloseTo(2, 5);
    expect(hit?.distancePx).toBeCloseTo(0, 3);
  });

  it('uses a radius in pixels, whatever the depth', () => {
    const { cam, mvp } = camera();
    for (const depth of [0.5, 3, 20]) {
      // A point 8 px right of the centre at this depth.
      const metresPerPx = (2 * depth * Math.tan(Math.PI / 6)) / H;
      const pos = buffer([[8 * metresPerPx, 0, -depth]]);
      const s = screen(cam, new THREE.Vector3(8 * metresPerPx, 0, -depth));
      expect(s.x - W / 2).toBeCloseTo(8, 3);
      expect(pickPoint(pos, 1, mvp.elements, W / 2, H / 2, W, H, { radiusPx: 10 })?.distancePx).toBeCloseTo(8, 3);
      expect(pickPoint(pos, 1, mvp.elements, W / 2, H / 2, W, H, { radiusPx: 6 })).toBeNull();
    }
  });

  it('prefers the front surface to a point behind it that is nearer the click', () => {
    const { mvp } = camera();
    const metresPerPx = (2 * 2 * Math.tan(Math.PI / 6)) / H;
    const pos = buffer([
      [0, 0, -5],
      [6 * metresPerPx, 0, -2],
    ]); // far one exactly under the click, near one 6 px off
    expect(pickPoint(pos, 2, mvp.elements, W / 2, H / 2, W, H, { radiusPx: 10 })?.index).toBe(1);
  });

  it('on the front surface, takes the point nearest the click', () => {
    const { mvp } = camera();
    const metresPerPx = (2 * 2 * Math.tan(Math.PI / 6)) / H;
    // Both within 2 cm in depth (one surface); the slightly deeper one is nearer the click.
    const pos = buffer([
      [6 * metresPerPx, 0, -2],
      [1 * metresPerPx, 0, -2.02],
    ]);
    expect(pickPoint(pos, 2, mvp.elements, W / 2, H / 2, W, H, { radiusPx: 10 })?.index).toBe(1);
  });

  it('ignores points behind the camera, past `count`, and NaN', () => {
    const { mvp } = camera();
    const pos = buffer([
      [0, 0, 2],
      [NaN, 0, -2],
      [0, 0, -3],
    ]);
    expect(pickPoint(pos, 3, mvp.elements, W / 2, H / 2, W, H, { radiusPx: 10 })?.index).toBe(2);
    expect(pickPoint(pos, 2, mvp.elements, W / 2, H / 2, W, H, { radiusPx: 10 })).toBeNull();
    expect(pickPoint(pos, 0, mvp.elements, W / 2, H / 2, W, H, { radiusPx: 10 })).toBeNull();
  });

  it('agrees with three.js projection through a model matrix (the world group) on a random cloud', () => {
    const random = seededRandom(7);
    const { cam, mvp } = camera([0.3, 1.6, 2.5], [0, 0.5, -1]);
    const model = new THREE.Matrix4().makeRotationFromEuler(new THREE.Euler(0.3, -0.8, 0.1)).setPosition(0.2, -0.1, 0.4);
    const n = 3000;
    const pts: THREE.Vector3[] = [];
    for (let i = 0; i < n; i++) pts.push(new THREE.Vector3(random() * 4 - 2, random() * 3 - 1, random() * 4 - 3));
    const pos = buffer(pts.map((p) => p.toArray()));
    pts.forEach((p, i) => p.fromArray(pos, i * 3)); // the same float32 coordinates on both sides
    const full = mvp.clone().multiply(model);
    const proj = pts.map((p) => screen(cam, p, model));
    let hits = 0;
    for (let k = 0; k < 200; k++) {
      const x = random() * W;
      const y = random() * H;
      const r = 15;
      // Brute force with three.js: candidates within r px, front band, nearest in pixels.
      const cands = proj.map((s, i) => ({ i, d: Math.hypot(s.x - x, s.y - y), z: s.depth })).filter((c) => c.d <= r && c.z > 0);
      const got = pickPoint(pos, n, full.elements, x, y, W, H, { radiusPx: r });
      if (!cands.length) {
        expect(got).toBeNull();
        continue;
      }
      hits++;
      const zmin = Math.min(...cands.map((c) => c.z));
      const front = cands.filter((c) => c.z <= zmin + Math.max(0.05, 0.02 * zmin));
      const best = front.reduce((a, b) => (b.d < a.d ? b : a));
      expect(got?.index).toBe(best.i);
      expect(got?.depth).toBeCloseTo(best.z, 4);
    }
    expect(hits).toBeGreaterThan(20);
  });

  it('scans a million points quickly', () => {
    const random = seededRandom(3);
    const n = 1_000_000;
    const pos = new Float32Array(n * 3);
    for (let i = 0; i < pos.length; i += 3) {
      pos[i] = random() * 6 - 3;
      pos[i + 1] = random() * 3 - 1.5;
      pos[i + 2] = -1 - random() * 5;
    }
    const { mvp } = camera();
    pickPoint(pos, n, mvp.elements, 400, 300, W, H, { radiusPx: 10 }); // warm up
    const t0 = performance.now();
    const hit = pickPoint(pos, n, mvp.elements, 400, 300, W, H, { radiusPx: 10 });
    const ms = performance.now() - t0;
    expect(hit).not.toBeNull();
    expect(ms).toBeLessThan(250); // ~10 ms on a desktop; generous for a loaded CI machine
  });
});

describe('ClickDetector', () => {
  const ev = (type: string, x: number, y: number, extra: Partial<PointerLike> = {}): PointerLike => ({
    type,
    pointerId: 1,
    pointerType: 'mouse',
    clientX: x,
    clientY: y,
    button: 0,
    ...extra,
  });

  it('a press and release in place is a click', () => {
    const d = new ClickDetector();
    expect(d.handle(ev('pointerdown', 100, 50))).toBeNull();
    expect(d.handle(ev('pointermove', 102, 51))).toBeNull();
    expect(d.handle(ev('pointerup', 102, 51))).toEqual({ x: 102, y: 51, pointerType: 'mouse' });
  });

  it('a drag is not a click, even one that comes back to where it started', () => {
    const d = new ClickDetector();
    d.handle(ev('pointerdown', 100, 50));
    d.handle(ev('pointermove', 140, 50));
    d.handle(ev('pointermove', 100, 50));
    expect(d.handle(ev('pointerup', 100, 50))).toBeNull();
    // The next press starts afresh.
    d.handle(ev('pointerdown', 10, 10));
    expect(d.handle(ev('pointerup', 10, 10))).not.toBeNull();
  });

  it('only the primary mouse button clicks', () => {
    const d = new ClickDetector();
    d.handle(ev('pointerdown', 100, 50, { button: 2 }));
    expect(d.handle(ev('pointerup', 100, 50, { button: 2 }))).toBeNull();
  });

  it('touch allows more wobble; a two-finger gesture is never a click', () => {
    const d = new ClickDetector();
    const t = (type: string, id: number, x: number) => ev(type, x, 100, { pointerType: 'touch', pointerId: id });
    d.handle(t('pointerdown', 5, 100));
    d.handle(t('pointermove', 5, 108));
    expect(d.handle(t('pointerup', 5, 108))).toEqual({ x: 108, y: 100, pointerType: 'touch' });
    d.handle(t('pointerdown', 6, 100));
    d.handle(t('pointerdown', 7, 200));
    expect(d.handle(t('pointerup', 7, 200))).toBeNull();
    expect(d.handle(t('pointerup', 6, 100))).toBeNull();
    // All fingers up: a single tap clicks again.
    d.handle(t('pointerdown', 8, 50));
    expect(d.handle(t('pointerup', 8, 50))).not.toBeNull();
  });

  it('a cancelled pointer does not click', () => {
    const d = new ClickDetector();
    d.handle(ev('pointerdown', 100, 50));
    d.handle(ev('pointercancel', 100, 50));
    expect(d.handle(ev('pointerup', 100, 50))).toBeNull();
  });
});
