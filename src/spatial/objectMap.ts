// Object instances from 2D detections: each detection on a keyframe is lifted to 3D with the keyframe's
// depth and pose, then merged with the instance of the same label it overlaps (the same chair seen ten
// times is one chair) or kept as a new one (two chairs side by side are two). Points are kept in the
// tracking world frame; boxes are fitted in the gravity frame when the memory is read.
import type { StoredKeyframe } from '../geometry/keyframeStore';
import { transformPoints } from '../geometry/mat4';
import { seededRandom } from '../util/random';
import { fitUprightBox } from './boxGeometry';
import type { SceneObject, Sighting } from './types';

export interface Detection2D {
  label: string;
  score: number;
  /** Pixels of the image the detector saw. */
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
}

interface Instance {
  label: string;
  serial: number;
  points: number[];
  /** 10 cm cells the instance occupies: for overlap tests. */
  cells: Set<number>;
  firstSeen: Sighting;
  seenIn: number[];
  bestScore: number;
  /** Points seen in total (the sample is capped), and the draws that keep the sample even. */
  observed: number;
  random: () => number;
}

const CELL = 0.1;
const MAX_POINTS = 3000;
/** Overlap (share of the smaller cell set) above which two observations are the same object. */
const SAME_OBJECT_OVERLAP = 0.25;
/** Inner share of a detection box whose depth sets the object's distance (the rim is often background). */
const CORE = 0.5;

export class ObjectMap {
  private instances: Instance[] = [];
  private serials = new Map<string, number>();
  /** Every keyframe's detections as they came, so a loop closure that moves keyframes can lift them again. */
  private readonly inputs: { keyframe: number; width: number; height: number; detections: Detection2D[] }[] = [];

  get size(): number {
    return this.instances.length;
  }

  /** Lifts one keyframe's detections and merges them into the instances. */
  add(kf: StoredKeyframe, imageWidth: number, imageHeight: number, detections: Detection2D[]): void {
    this.inputs.push({ keyframe: kf.index, width: imageWidth, height: imageHeight, detections });
    const sighting: Sighting = { keyframe: kf.index, sourceFrame: kf.sourceFrame, timestampMs: kf.timestampMs };
    for (const det of detections) {
      const points = liftDetection(kf, imageWidth, imageHeight, det.box);
      if (points.length < 3 * 8) continue; // too little depth inside the box to place it
      this.merge(det, points, sighting);
    }
  }

  /** A loop closure moved the keyframes: every detection is lifted again from its keyframe as `stored` now has it. */
  relift(stored: readonly StoredKeyframe[]): void {
    const byIndex = new Map(stored.map((kf) => [kf.index, kf]));
    const inputs = this.inputs.splice(0);
    this.reset();
    for (const i of inputs) {
      const kf = byIndex.get(i.keyframe);
      if (kf) this.add(kf, i.width, i.height, i.detections);
    }
  }

  reset(): void {
    this.instances = [];
    this.serials.clear();
    this.inputs.length = 0;
  }

  /**
   * The instances as scene objects in the gravity frame. An instance seen on one keyframe only counts once the
   * capture has moved on (`minSightings`), so a single false detection does not become an object.
   */
  objects(toGravity: Float32Array, minSightings = 1): SceneObject[] {
    const out: SceneObject[] = [];
    for (const inst of this.instances) {
      if (inst.seenIn.length < minSightings && inst.bestScore < 0.5) continue;
      const pts = transformPoints(toGravity, inst.points);
      const box = fitUprightBox(trimOutliers(pts));
      if (!box) continue;
      out.push({
        id: `${inst.label}#${inst.serial}`,
        label: inst.label,
        box,
        points: pts,
        firstSeen: inst.firstSeen,
        seenIn: [...inst.seenIn],
        score: inst.bestScore,
      });
    }
    return out;
  }

  private merge(det: Detection2D, points: number[], sighting: Sighting): void {
    const cells = cellsOf(points);
    let best: Instance | null = null;
    let bestOverlap = 0;
    for (const inst of this.instances) {
      if (inst.label !== det.label) continue;
      let shared = 0;
      for (const c of cells) if (inst.cells.has(c)) shared++;
      const overlap = shared / Math.min(cells.size, inst.cells.size);
      if (overlap > bestOverlap) [best, bestOverlap] = [inst, overlap];
    }
    if (best && bestOverlap >= SAME_OBJECT_OVERLAP) {
      for (const c of cells) best.cells.add(c);
      if (!best.seenIn.includes(sighting.keyframe)) best.seenIn.push(sighting.keyframe);
      best.bestScore = Math.max(best.bestScore, det.score);
      addSample(best, points);
      return;
    }
    const serial = (this.serials.get(det.label) ?? 0) + 1;
    this.serials.set(det.label, serial);
    const inst: Instance = {
      label: det.label,
      serial,
      points: [],
      cells,
      firstSeen: sighting,
      seenIn: [sighting.keyframe],
      bestScore: det.score,
      observed: 0,
      random: seededRandom(serial),
    };
    addSample(inst, points);
    this.instances.push(inst);
  }
}

/** Keeps an even sample of everything observed: reservoir sampling over points. */
function addSample(inst: Instance, points: number[]): void {
  for (let i = 0; i < points.length; i += 3) {
    inst.observed++;
    if (inst.points.length < MAX_POINTS * 3) {
      inst.points.push(points[i]!, points[i + 1]!, points[i + 2]!);
      continue;
    }
    const j = Math.floor(inst.random() * inst.observed);
    if (j < MAX_POINTS) {
      inst.points[3 * j] = points[i]!;
      inst.points[3 * j + 1] = points[i + 1]!;
      inst.points[3 * j + 2] = points[i + 2]!;
    }
  }
}

function cellsOf(points: number[]): Set<number> {
  const cells = new Set<number>();
  for (let i = 0; i < points.length; i += 3) {
    const x = Math.floor(points[i]! / CELL) + 2048;
    const y = Math.floor(points[i + 1]! / CELL) + 2048;
    const z = Math.floor(points[i + 2]! / CELL) + 2048;
    cells.add((x * 4096 + y) * 4096 + z);
  }
  return cells;
}

/**
 * World points of the object inside a detection box: the box's pixels of the stored depth whose depth is near
 * that of the box's core (what the box is about), not the floor or wall behind it.
 */
export function liftDetection(kf: StoredKeyframe, imageWidth: number, imageHeight: number, box: Detection2D['box']): number[] {
  const { width: w, height: h, data } = kf.depth;
  const sx = w / imageWidth;
  const sy = h / imageHeight;
  const x0 = Math.max(0, Math.floor(box.xmin * sx));
  const x1 = Math.min(w - 1, Math.ceil(box.xmax * sx) - 1);
  const y0 = Math.max(0, Math.floor(box.ymin * sy));
  const y1 = Math.min(h - 1, Math.ceil(box.ymax * sy) - 1);
  if (x1 < x0 || y1 < y0) return [];
  const core: number[] = [];
  const mx = ((x1 - x0) * (1 - CORE)) / 2;
  const my = ((y1 - y0) * (1 - CORE)) / 2;
  for (let y = Math.floor(y0 + my); y <= Math.ceil(y1 - my); y++)
    for (let x = Math.floor(x0 + mx); x <= Math.ceil(x1 - mx); x++) {
      const d = data[y * w + x]!;
      if (d > 0) core.push(d);
    }
  if (core.length < 4) return [];
  core.sort((a, b) => a - b);
  const ref = core[core.length >> 1]!;
  const band = Math.max(0.3, 0.25 * ref);
  const { fx, fy, cx, cy } = kf.intrinsics;
  const p = kf.pose;
  const out: number[] = [];
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const d = data[y * w + x]!;
      if (!(d > 0) || Math.abs(d - ref) > band) continue;
      const X = ((x - cx) / fx) * d;
      const Y = ((y - cy) / fy) * d;
      out.push(p[0]! * X + p[4]! * Y + p[8]! * d + p[12]!, p[1]! * X + p[5]! * Y + p[9]! * d + p[13]!, p[2]! * X + p[6]! * Y + p[10]! * d + p[14]!);
    }
  return out;
}

/** Drops the points beyond the 2nd–98th percentile on any axis: depth edges leave a few strays. */
function trimOutliers(points: Float32Array): Float32Array {
  const n = points.length / 3;
  if (n < 50) return points;
  const lim = [0, 1, 2].map((a) => {
    const v = Float32Array.from({ length: n }, (_, i) => points[3 * i + a]!).sort();
    return [v[Math.floor(0.02 * (n - 1))]!, v[Math.floor(0.98 * (n - 1))]!];
  });
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    if ([0, 1, 2].every((a) => points[3 * i + a]! >= lim[a]![0]! && points[3 * i + a]! <= lim[a]![1]!))
      kept.push(points[3 * i]!, points[3 * i + 1]!, points[3 * i + 2]!);
  }
  return Float32Array.from(kept);
}
