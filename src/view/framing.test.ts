// Overlay geometry: box edges, framing a highlight, screen-sized sprites; and the overlay layer itself
// (three.js objects; labels have no texture in Node, which has no OffscreenCanvas).
import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import type { AnswerHighlight, OrientedBox, Vec3 } from '../spatial/types';
import { boundingSphere, boxEdges, boxTop, easeInOut, framingDistance, highlightPoints, spriteScaleForPixels, summariseHighlight } from './framing';
import { OverlayLayer } from './overlay';

const yawBox = (center: Vec3, size: Vec3, deg: number): OrientedBox => {
  const a = (deg * Math.PI) / 180;
  return {
    center,
    size,
    axes: [
      [Math.cos(a), 0, -Math.sin(a)],
      [0, 1, 0],
      [Math.sin(a), 0, Math.cos(a)],
    ],
  };
};
const dist = (p: Vec3, q: Vec3) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);

describe('boxEdges', () => {
  it('gives the 12 edges: 4 along each axis, each as long as the box on that axis', () => {
    const box = yawBox([1, 0.5, -2], [0.6, 1, 2], 30);
    const edges = boxEdges(box);
    expect(edges).toHaveLength(12);
    const lengths = edges.map(([p, q]) => dist(p, q)).sort((x, y) => x - y);
    for (const [i, len] of [0.6, 0.6, 0.6, 0.6, 1, 1, 1, 1, 2, 2, 2, 2].entries()) expect(lengths[i]).toBeCloseTo(len, 9);
    const keys = new Set(
      edges.map(([p, q]) =>
        [p, q]
          .map((v) => v.map((x) => x.toFixed(6)).join())
          .sort()
          .join('|'),
      ),
    );
    expect(keys.size).toBe(12);
  });

  it('puts the label at the top of the box', () => {
    expect(boxTop(yawBox([1, 0.5, -2], [0.6, 1, 2], 30))).toEqual([1, 1, -2]);
  });
});

describe('framing', () => {
  const h: AnswerHighlight = {
    boxes: [{ box: yawBox([0, 0.5, 0], [1, 1, 1], 0), label: 'chair' }],
    segments: [{ from: [2, 0, 0], to: [2, 2, 0], label: '2.00 m' }],
  };

  it('covers box corners and segment ends', () => {
    expect(highlightPoints(h)).toHaveLength(10);
    const s = boundingSphere(highlightPoints(h))!;
    expect(s.center).toEqual([0.75, 1, 0]);
    expect(s.radius).toBeCloseTo(Math.hypot(2.5, 2, 1) / 2, 9);
    expect(boundingSphere([])).toBeNull();
  });

  it('stands far enough back for the sphere to fit the narrower field of view', () => {
    for (const aspect of [0.5, 1, 2]) {
      const d = framingDistance(1, 60, aspect, 1);
      const cam = new THREE.PerspectiveCamera(60, aspect, 0.01, 100);
      cam.position.set(0, 0, d);
      cam.updateMatrixWorld();
      // The sphere's silhouette touches the narrower edge of the view, and stays inside the other.
      const halfAngle = Math.asin(1 / d);
      const edge = new THREE.Vector3(0, 0, -1).applyAxisAngle(new THREE.Vector3(aspect < 1 ? 0 : 1, aspect < 1 ? 1 : 0, 0), halfAngle);
      const ndc = edge.multiplyScalar(10).add(cam.position).project(cam);
      expect(Math.max(Math.abs(ndc.x), Math.abs(ndc.y))).toBeCloseTo(1, 6);
    }
    expect(framingDistance(1, 60, 1, 1.3)).toBeCloseTo(2.6, 9);
    expect(framingDistance(1, 60, 0.5)).toBeGreaterThan(framingDistance(1, 60, 2));
  });

  it('sizes a sprite to the asked number of pixels', () => {
    // Without size attenuation a sprite of scale s covers s * P[1][1] * H / 2 pixels.
    const cam = new THREE.PerspectiveCamera(50, 1.5, 0.01, 100);
    const p11 = cam.projectionMatrix.elements[5]!;
    expect(spriteScaleForPixels(20, 50, 700) * p11 * 350).toBeCloseTo(20, 9);
    expect(spriteScaleForPixels(20, 50, 0)).toBe(0);
  });

  it('summarises highlights for tests, and eases flights', () => {
    expect(summariseHighlight(h)).toEqual({ boxes: 1, segments: 1, boxLabels: ['chair'], segmentLabels: ['2.00 m'] });
    expect(summariseHighlight(null)).toEqual({ boxes: 0, segments: 0, boxLabels: [], segmentLabels: [] });
    expect([easeInOut(-1), easeInOut(0.5), easeInOut(2)]).toEqual([0, 0.5, 1]);
  });
});

describe('OverlayLayer', () => {
  it('builds boxes and segments with labels, keeps labels screen-sized, and clears', () => {
    const layer = new OverlayLayer('test');
    layer.setViewport(800, 600, 60);
    layer.addBox(yawBox([0, 0.5, 0], [1, 1, 1], 10), 'table', '#ffd23f');
    layer.addSegment([0, 0, 0], [1, 0, 0], '1.00 m', '#3ee0ff');
    expect(layer.labels).toEqual(['table', '1.00 m']);
    // box: lines + label; segment: line + markers + label
    expect(layer.group.children).toHaveLength(5);
    const sprite = layer.group.children.find((o) => o instanceof THREE.Sprite) as THREE.Sprite;
    const [wPx, hPx] = sprite.userData.px as [number, number];
    expect(sprite.scale.y).toBeCloseTo(spriteScaleForPixels(hPx, 60, 600), 9);
    layer.setViewport(800, 300, 60);
    expect(sprite.scale.x).toBeCloseTo(spriteScaleForPixels(wPx, 60, 300), 9);
    layer.clear();
    expect(layer.isEmpty).toBe(true);
    expect(layer.labels).toEqual([]);
  });
});
