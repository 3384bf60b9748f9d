// The measuring tool's state: two picked map points and the distance between them. Plain TS (no three.js):
// the render worker holds one, and the main thread shows its readout.
import type { Vec3 } from '../spatial/types';

/** What the view pane shows for the measuring tool (and what tests read). */
export interface MeasureReadout {
  /** Whether the tool is on (clicks on the map pick points). */
  active: boolean;
  /** The picked points (0, 1 or 2), in the gravity frame (m, +y up). */
  points: Vec3[];
  /** Distance between the two points (m); null until both are picked. */
  distance: number | null;
  /** The distance as shown ("1.84 m"); null until both are picked. */
  label: string | null;
  /** Set when the last click hit no map point. */
  missed: boolean;
  /** The line for the pane: what to do next, the distance, or why a click did nothing. */
  text: string;
  /** Time the last pick took in the render worker (ms). */
  pickMs: number | null;
  /** Clicks handled since the tool was turned on (hits and misses): tells one click's readout from the next. */
  picks: number;
}

/** A distance in metres as the view shows it: "1.84 m", "0.37 m", "0.042 m", "12.3 m". */
export function formatMetres(m: number): string {
  if (!Number.isFinite(m)) return '– m';
  const a = Math.abs(m);
  const digits = a >= 10 ? 1 : a >= 0.1 || a === 0 ? 2 : 3;
  return `${m.toFixed(digits)} m`;
}

export function distance3(a: Vec3, b: Vec3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/**
 * Click one point, then another: the distance between them. A third click starts a new measurement; a click
 * that hits nothing keeps what was picked and says so. Points are kept in the map's own frame (so they stay
 * on the map when the gravity estimate changes); `readout` reports them in the gravity frame.
 */
export class MeasureTool {
  private on = false;
  private picked: Vec3[] = [];
  private missed = false;
  private pickMs: number | null = null;
  private picks = 0;

  get active(): boolean {
    return this.on;
  }

  /** The picked points in the map's frame. */
  get points(): readonly Vec3[] {
    return this.picked;
  }

  /** Turns the tool on or off; off clears the measurement. Returns whether anything changed. */
  setActive(on: boolean): boolean {
    if (on === this.on) return false;
    this.on = on;
    this.picks = 0;
    this.clear();
    return true;
  }

  /** Forgets the picked points (the tool stays on). */
  clear(): void {
    this.picked = [];
    this.missed = false;
    this.pickMs = null;
  }

  /** A click's result: the map point hit (map frame), or null for a miss. Ignored while off. */
  pick(point: Vec3 | null, pickMs: number | null = null): boolean {
    if (!this.on) return false;
    this.pickMs = pickMs;
    this.picks++;
    if (!point) {
      this.missed = true;
      return true;
    }
    this.missed = false;
    if (this.picked.length >= 2) this.picked = [];
    this.picked.push(point);
    return true;
  }

  /** The readout; `toGravity` carries map-frame points into the gravity frame (a rigid transform). */
  readout(toGravity: (p: Vec3) => Vec3 = (p) => p): MeasureReadout {
    const points = this.picked.map(toGravity);
    const distance = points.length === 2 ? distance3(points[0]!, points[1]!) : null;
    const label = distance === null ? null : formatMetres(distance);
    let text: string;
    if (!this.on) text = '';
    else if (this.missed) text = points.length === 1 ? 'No map point there: click on the points for the second end' : 'No map point there: click on the points';
    else if (label) text = label;
    else if (points.length === 1) text = 'Click the second point';
    else text = 'Click a point on the map';
    return { active: this.on, points, distance, label, missed: this.missed, text, pickMs: this.pickMs, picks: this.picks };
  }
}
