// Plain geometry for the view's overlays: box edges, what a highlight covers, how far the camera must stand
// to see it, and how big a screen-sized label is in sprite units. No three.js, so it runs in Node tests.
import { boxCorners } from '../spatial/boxGeometry';
import type { AnswerHighlight, OrientedBox, Vec3 } from '../spatial/types';

/** The 12 edges of a box, as pairs of corners. */
export function boxEdges(box: OrientedBox): [Vec3, Vec3][] {
  const c = boxCorners(box); // corner i has bit a set when it lies on the + side of axis a
  const edges: [Vec3, Vec3][] = [];
  for (let i = 0; i < 8; i++) {
    for (let a = 0; a < 3; a++) {
      const j = i | (1 << a);
      if (j !== i) edges.push([c[i]!, c[j]!]);
    }
  }
  return edges;
}

/** The highest point of a box (largest y): where its label goes. */
export function boxTop(box: OrientedBox): Vec3 {
  const corners = boxCorners(box);
  const top = Math.max(...corners.map((p) => p[1]));
  return [box.center[0], top, box.center[2]];
}

/** Every point a highlight covers: box corners and segment ends. */
export function highlightPoints(h: AnswerHighlight): Vec3[] {
  return [...h.boxes.flatMap((b) => boxCorners(b.box)), ...h.segments.flatMap((s) => [s.from, s.to])];
}

/** The sphere around the points' axis-aligned bounds (null for none). */
export function boundingSphere(points: Vec3[]): { center: Vec3; radius: number } | null {
  const finite = points.filter((p) => p.every(Number.isFinite));
  if (!finite.length) return null;
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const p of finite) {
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, p[a]!);
      hi[a] = Math.max(hi[a]!, p[a]!);
    }
  }
  const center: Vec3 = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2];
  const radius = Math.hypot(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]) / 2;
  return { center, radius };
}

/**
 * How far from a sphere's centre a perspective camera must stand for the whole sphere to fit, with a margin,
 * whichever of the vertical and horizontal fields of view is narrower.
 */
export function framingDistance(radius: number, fovDeg: number, aspect: number, margin = 1.3): number {
  const vHalf = (fovDeg * Math.PI) / 180 / 2;
  const hHalf = Math.atan(Math.tan(vHalf) * aspect);
  const half = Math.min(vHalf, hHalf);
  return (radius * margin) / Math.sin(half);
}

/**
 * The scale of a sprite drawn without size attenuation so that it is `px` CSS pixels on screen, for a
 * perspective camera with vertical field of view `fovDeg` on a viewport `viewportHeight` CSS pixels high
 * (the same factor for width and height).
 */
export function spriteScaleForPixels(px: number, fovDeg: number, viewportHeight: number): number {
  if (viewportHeight <= 0) return 0;
  return (px * 2 * Math.tan((fovDeg * Math.PI) / 180 / 2)) / viewportHeight;
}

/** What the view shows for an answer, as tests read it. */
export interface HighlightSummary {
  boxes: number;
  segments: number;
  boxLabels: string[];
  segmentLabels: string[];
}

export const EMPTY_HIGHLIGHTS: HighlightSummary = { boxes: 0, segments: 0, boxLabels: [], segmentLabels: [] };

export function summariseHighlight(h: AnswerHighlight | null): HighlightSummary {
  if (!h) return { ...EMPTY_HIGHLIGHTS, boxLabels: [], segmentLabels: [] };
  return {
    boxes: h.boxes.length,
    segments: h.segments.length,
    boxLabels: h.boxes.map((b) => b.label),
    segmentLabels: h.segments.map((s) => s.label),
  };
}

/** Smooth start and stop for camera flights (t in 0..1). */
export function easeInOut(t: number): number {
  const c = Math.min(1, Math.max(0, t));
  return c * c * (3 - 2 * c);
}
