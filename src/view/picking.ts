// Picking a map point under a click, in screen space over the point buffer itself (no BVH, no Raycaster):
// one pass projects every point with the model-view-projection matrix and keeps those within a few pixels
// of the click; of those, the front surface wins (a point seen through a gap in a nearer surface is not
// what the user pointed at), and on that surface the point nearest the click. About 10 ms per million
// points in the render worker; the main thread never sees the points.

export interface PickOptions {
  /** Largest distance from the click, in CSS pixels (bigger for a finger than for a mouse). */
  radiusPx: number;
  /** Depth band (m) behind the nearest candidate still counted as the same surface: the larger of this... */
  surfaceBand?: number;
  /** ...and this fraction of the nearest candidate's depth. */
  surfaceBandRel?: number;
}

export interface PickResult {
  /** Index of the point (not of its first coordinate). */
  index: number;
  /** Its depth in front of the camera (view-space units). */
  depth: number;
  /** Its distance from the click (CSS pixels). */
  distancePx: number;
}

/**
 * The map point under a click.
 * @param positions xyz per point, in the frame `mvp` maps from
 * @param count points to consider (the buffer may be larger)
 * @param mvp column-major 4x4 matrix to clip space (projection * view * model), perspective
 * @param x, y the click in CSS pixels from the canvas's top-left
 * @param width, height the canvas in CSS pixels
 */
export function pickPoint(
  positions: Float32Array,
  count: number,
  mvp: ArrayLike<number>,
  x: number,
  y: number,
  width: number,
  height: number,
  options: PickOptions,
): PickResult | null {
  const { radiusPx, surfaceBand = 0.05, surfaceBandRel = 0.02 } = options;
  if (width <= 0 || height <= 0 || radiusPx <= 0) return null;
  const e = mvp;
  const m0 = e[0]!,
    m1 = e[1]!,
    m3 = e[3]!,
    m4 = e[4]!,
    m5 = e[5]!,
    m7 = e[7]!;
  const m8 = e[8]!,
    m9 = e[9]!,
    m11 = e[11]!,
    m12 = e[12]!,
    m13 = e[13]!,
    m15 = e[15]!;
  // The click in normalised device coordinates, and the search square's half-size there.
  const nx = (x / width) * 2 - 1;
  const ny = 1 - (y / height) * 2;
  const rx = (radiusPx / width) * 2;
  const ry = (radiusPx / height) * 2;
  const halfW = width / 2;
  const halfH = height / 2;
  const r2 = radiusPx * radiusPx;
  const n = Math.min(count, Math.floor(positions.length / 3));

  // Pass 1: candidates within the radius (compared in clip space, so no division for the many rejects).
  const candIndex: number[] = [];
  const candDepth: number[] = [];
  const candD2: number[] = [];
  let nearest = Infinity;
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const px = positions[o]!,
      py = positions[o + 1]!,
      pz = positions[o + 2]!;
    const w = m3 * px + m7 * py + m11 * pz + m15;
    if (!(w > 1e-6)) continue; // behind the camera (or NaN)
    const dx = m0 * px + m4 * py + m8 * pz + m12 - nx * w;
    if (dx > rx * w || dx < -rx * w) continue;
    const dy = m1 * px + m5 * py + m9 * pz + m13 - ny * w;
    if (dy > ry * w || dy < -ry * w) continue;
    const sx = (dx / w) * halfW;
    const sy = (dy / w) * halfH;
    const d2 = sx * sx + sy * sy;
    if (d2 > r2) continue;
    candIndex.push(i);
    candDepth.push(w);
    candD2.push(d2);
    if (w < nearest) nearest = w;
  }
  if (!candIndex.length) return null;

  // Pass 2: on the front surface, the point nearest the click (nearer in depth on a tie).
  const limit = nearest + Math.max(surfaceBand, surfaceBandRel * nearest);
  let best = -1;
  for (let c = 0; c < candIndex.length; c++) {
    if (candDepth[c]! > limit) continue;
    if (best < 0 || candD2[c]! < candD2[best]! || (candD2[c] === candD2[best] && candDepth[c]! < candDepth[best]!)) best = c;
  }
  return { index: candIndex[best]!, depth: candDepth[best]!, distancePx: Math.sqrt(candD2[best]!) };
}

/** Pointer fields the click detector reads (a subset of ForwardedEvent). */
export interface PointerLike {
  type: string;
  pointerId?: number;
  pointerType?: string;
  clientX?: number;
  clientY?: number;
  button?: number;
}

export interface Click {
  x: number;
  y: number;
  pointerType: string;
}

/**
 * Tells a click (press and release without a drag, one pointer, the primary button) from an orbit, pan or
 * pinch, on the pointer events the orbit controls also get: both read the same stream, and only a gesture
 * that moved the view by no more than a few pixels counts as a click.
 */
export class ClickDetector {
  private readonly pointers = new Map<number, { x: number; y: number; type: string; clickable: boolean }>();
  /** Set once a second pointer joins the gesture (a pinch or two-finger pan): no click until all are up. */
  private multi = false;

  constructor(private readonly slop = { mouse: 5, touch: 12 }) {}

  /** Feeds one event; returns the click when this event completes one. */
  handle(e: PointerLike): Click | null {
    const id = e.pointerId ?? 0;
    const x = e.clientX ?? 0;
    const y = e.clientY ?? 0;
    const type = e.pointerType ?? 'mouse';
    switch (e.type) {
      case 'pointerdown': {
        this.pointers.set(id, { x, y, type, clickable: type !== 'mouse' || (e.button ?? 0) === 0 });
        if (this.pointers.size > 1) this.multi = true;
        return null;
      }
      case 'pointermove': {
        const p = this.pointers.get(id);
        if (p && Math.hypot(x - p.x, y - p.y) > this.slopFor(p.type)) p.clickable = false;
        return null;
      }
      case 'pointerup': {
        const p = this.pointers.get(id);
        this.pointers.delete(id);
        const multi = this.multi;
        if (this.pointers.size === 0) this.multi = false;
        if (!p || multi || !p.clickable || Math.hypot(x - p.x, y - p.y) > this.slopFor(p.type)) return null;
        return { x, y, pointerType: p.type };
      }
      case 'pointercancel': {
        this.pointers.delete(id);
        if (this.pointers.size === 0) this.multi = false;
        return null;
      }
      default:
        return null;
    }
  }

  private slopFor(type: string): number {
    return type === 'mouse' ? this.slop.mouse : this.slop.touch;
  }
}
