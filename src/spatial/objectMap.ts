// Object instances from 2D detections: each detection on a keyframe is lifted to 3D with the keyframe's
// depth and pose, then merged with the instance it overlaps whose label is the same or looks alike (the same
// chair seen ten times, once called a stool, is one chair; its label is the detections' vote) or kept as a new
// one (two chairs side by side are two). Points are kept in the tracking world frame; boxes are fitted in the
// gravity frame when the memory is read, where instances of one label that share a volume become one object.
import type { StoredKeyframe } from '../geometry/keyframeStore';
import { looksAlike } from '../perception/vocabulary';
import { transformPoints } from '../geometry/mat4';
import { seededRandom } from '../util/random';
import { concat } from '../util/typedArrays';
import { fitUprightBox, pointToBoxDistance } from './boxGeometry';
import type { OrientedBox, SceneObject, Sighting } from './types';

export interface Detection2D {
  label: string;
  score: number;
  /** Pixels of the image the detector saw. */
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
}

interface Instance {
  /** Detector scores summed per label: a detector calls the same stool a chair now and then, so the label is a vote. */
  votes: Map<string, number>;
  serial: number;
  points: number[];
  /** 10 cm cells the instance's sightings put points in, with how many sightings did: the object's own cells recur
   * from view to view, the background a box takes in changes with the viewpoint. */
  cells: Map<number, number>;
  firstSeen: Sighting;
  seenIn: number[];
  bestScore: number;
  /** Points seen in total (the sample is capped), and the draws that keep the sample even. */
  observed: number;
  random: () => number;
  /** Keyframes since it was first detected that had its centre in view, unhidden: where a detector should find it. */
  inView: number;
}

const CELL = 0.1;
const MAX_POINTS = 3000;
/** Overlap (share of the smaller cell set) above which two observations are the same object. */
const SAME_OBJECT_OVERLAP = 0.25;
/** A detection with a look-alike label (src/perception/vocabulary.ts) joins an instance only when this share of its own
 * cells is on the instance: then it is the same object named differently, not a neighbour of another kind. */
const RELABEL_OVERLAP = 0.5;
/** Two instances of one label are one object when this share of either's points lies in the other's box (within
 * BOX_MARGIN): seen first from one side and then the other, an object's surfaces need not share cells, its volume does. */
const SAME_VOLUME_SHARE = 0.5;
const BOX_MARGIN = 0.05;
/** Inner share of a detection box whose depth sets the object's distance (the rim is often background). */
const CORE = 0.5;
/** An instance is kept only if detected on at least this share of the keyframes that had it in view: a false
 * detection, or a box lifted onto the background, is not found again where it would be seen, a real object mostly is. */
const MIN_DETECTION_RATE = 0.3;
/** Keyframes in view before the detection rate is trusted: an object glimpsed a few times keeps the benefit of doubt. */
const RATE_AFTER_VIEWS = 4;
/** Share of an instance's sightings that must put points in a cell for the cell to be the object's. */
const CONFIRMED_SHARE = 0.3;
/** Points this close above the floor are the floor under an object, not the object (gravity frame, floor at y = 0). */
const FLOOR_MARGIN = 0.04;

export class ObjectMap {
  private instances: Instance[] = [];
  private serial = 0;
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
    for (const inst of this.instances) if (inView(kf, inst.points)) inst.inView++;
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
    this.serial = 0;
    this.inputs.length = 0;
  }

  /**
   * The instances as scene objects in the gravity frame. An instance seen on fewer keyframes than `minSightings`
   * does not count, so a single false detection does not become an object.
   */
  objects(toGravity: Float32Array, minSightings = 1, floorAtZero = false): SceneObject[] {
    const kept: { inst: Instance; label: string; points: Float32Array; box: OrientedBox }[] = [];
    for (const inst of this.instances) {
      if (inst.seenIn.length < minSightings) continue;
      if (inst.inView >= RATE_AFTER_VIEWS && inst.seenIn.length < MIN_DETECTION_RATE * inst.inView) continue;
      const all = transformPoints(toGravity, confirmedPoints(inst));
      const points = floorAtZero ? aboveFloor(all) : all;
      const box = fitUprightBox(trimOutliers(points));
      if (box) kept.push({ inst, label: labelOf(inst), points, box });
    }
    const out: SceneObject[] = [];
    for (const group of sameVolumeGroups(kept)) {
      const [first, ...rest] = group;
      const points = rest.length
        ? concat(
            group.map((g) => g.points),
            Float32Array,
          )
        : first!.points;
      const box = rest.length ? fitUprightBox(trimOutliers(points)) : first!.box;
      if (!box) continue;
      const insts = group.map((g) => g.inst);
      const firstSeen = insts.reduce((a, b) => (b.firstSeen.keyframe < a.firstSeen.keyframe ? b : a)).firstSeen;
      out.push({
        id: `${first!.label}#${first!.inst.serial}`,
        label: first!.label,
        box,
        points,
        firstSeen,
        seenIn: [...new Set(insts.flatMap((i) => i.seenIn))].sort((a, b) => a - b),
        score: Math.max(...insts.map((i) => i.bestScore)),
      });
    }
    return out;
  }

  private merge(det: Detection2D, points: number[], sighting: Sighting): void {
    const cells = cellsOf(points);
    let best: Instance | null = null;
    let bestOverlap = 0;
    for (const inst of this.instances) {
      // Against the cells the instance's sightings agree on, so two objects are not joined by background both took in.
      const confirmed = confirmedCount(inst);
      let shared = 0;
      let size = 0;
      for (const n of inst.cells.values()) if (n >= confirmed) size++;
      for (const c of cells) if ((inst.cells.get(c) ?? 0) >= confirmed) shared++;
      const overlap = shared / Math.max(1, Math.min(cells.size, size));
      const label = labelOf(inst);
      const same = label === det.label ? overlap >= SAME_OBJECT_OVERLAP : looksAlike(label, det.label) && shared >= RELABEL_OVERLAP * cells.size;
      if (same && overlap > bestOverlap) [best, bestOverlap] = [inst, overlap];
    }
    if (best) {
      for (const c of cells) best.cells.set(c, (best.cells.get(c) ?? 0) + 1);
      if (!best.seenIn.includes(sighting.keyframe)) best.seenIn.push(sighting.keyframe);
      best.votes.set(det.label, (best.votes.get(det.label) ?? 0) + det.score);
      best.bestScore = Math.max(best.bestScore, det.score);
      addSample(best, points);
      return;
    }
    const serial = ++this.serial;
    const inst: Instance = {
      votes: new Map([[det.label, det.score]]),
      serial,
      points: [],
      cells: new Map([...cells].map((c) => [c, 1])),
      firstSeen: sighting,
      seenIn: [sighting.keyframe],
      bestScore: det.score,
      observed: 0,
      random: seededRandom(serial),
      inView: 0,
    };
    addSample(inst, points);
    this.instances.push(inst);
  }
}

/** The label most of an instance's detections gave it (by summed score; the first given wins a tie). */
function labelOf(inst: Instance): string {
  let best = '';
  let most = -1;
  for (const [label, votes] of inst.votes) if (votes > most) [best, most] = [label, votes];
  return best;
}

/** Instances grouped into objects: one label, and most of one's points inside the other's box. */
function sameVolumeGroups<T extends { label: string; points: Float32Array; box: OrientedBox }>(items: T[]): T[][] {
  const parent = items.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i]!;
    return i;
  };
  const inside = (points: Float32Array, box: OrientedBox) => {
    let n = 0;
    for (let i = 0; i < points.length; i += 3) if (pointToBoxDistance(box, [points[i]!, points[i + 1]!, points[i + 2]!]) <= BOX_MARGIN) n++;
    return n / Math.max(1, points.length / 3);
  };
  for (let a = 0; a < items.length; a++) {
    for (let b = a + 1; b < items.length; b++) {
      const [A, B] = [items[a]!, items[b]!];
      if (A.label !== B.label || root(a) === root(b)) continue;
      if (Math.max(inside(A.points, B.box), inside(B.points, A.box)) >= SAME_VOLUME_SHARE) parent[root(b)] = root(a);
    }
  }
  const groups = new Map<number, T[]>();
  for (const [i, item] of items.entries()) {
    const list = groups.get(root(i));
    if (list) list.push(item);
    else groups.set(root(i), [item]);
  }
  return [...groups.values()];
}

/** The points higher than FLOOR_MARGIN above the floor (all of them when that leaves too few to fit a box). */
function aboveFloor(points: Float32Array): Float32Array {
  const kept: number[] = [];
  for (let i = 0; i < points.length; i += 3) if (points[i + 1]! > FLOOR_MARGIN) kept.push(points[i]!, points[i + 1]!, points[i + 2]!);
  return kept.length >= 3 * 8 ? Float32Array.from(kept) : points;
}

/**
 * Whether a keyframe had an instance in view: its centre (the mean of its points) projects into the image, away from
 * the border, in front of the camera, and the keyframe's depth there is not much nearer (something hides it).
 */
function inView(kf: StoredKeyframe, points: number[]): boolean {
  const n = points.length / 3;
  if (n === 0) return false;
  let x = 0;
  let y = 0;
  let z = 0;
  for (let i = 0; i < points.length; i += 3) {
    x += points[i]!;
    y += points[i + 1]!;
    z += points[i + 2]!;
  }
  const p = kf.pose;
  const dx = x / n - p[12]!;
  const dy = y / n - p[13]!;
  const dz = z / n - p[14]!;
  const cz = p[8]! * dx + p[9]! * dy + p[10]! * dz;
  if (cz < 0.3) return false;
  const { fx, fy, cx, cy } = kf.intrinsics;
  const { width: w, height: h, data } = kf.depth;
  const u = cx + (fx * (p[0]! * dx + p[1]! * dy + p[2]! * dz)) / cz;
  const v = cy + (fy * (p[4]! * dx + p[5]! * dy + p[6]! * dz)) / cz;
  if (u < 0.05 * w || u > 0.95 * w || v < 0.05 * h || v > 0.95 * h) return false;
  const d = data[Math.floor(v) * w + Math.floor(u)]!;
  // No depth there: unknown, not counted. Nearer by more than the object could be deep: hidden.
  return d > 0 && d > cz - Math.max(0.3, 0.15 * cz);
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

const cellOf = (x: number, y: number, z: number) => ((Math.floor(x / CELL) + 2048) * 4096 + Math.floor(y / CELL) + 2048) * 4096 + Math.floor(z / CELL) + 2048;

function cellsOf(points: number[]): Set<number> {
  const cells = new Set<number>();
  for (let i = 0; i < points.length; i += 3) cells.add(cellOf(points[i]!, points[i + 1]!, points[i + 2]!));
  return cells;
}

/** Sightings a cell needs to count as the object's: a share of them once there are several (one sighting: all). */
function confirmedCount(inst: Instance): number {
  return Math.max(1, Math.ceil(CONFIRMED_SHARE * inst.seenIn.length));
}

/** The instance's sample points in confirmed cells (all of them when that leaves too few to fit a box). */
function confirmedPoints(inst: Instance): number[] {
  const need = confirmedCount(inst);
  const kept: number[] = [];
  const p = inst.points;
  for (let i = 0; i < p.length; i += 3) if ((inst.cells.get(cellOf(p[i]!, p[i + 1]!, p[i + 2]!)) ?? 0) >= need) kept.push(p[i]!, p[i + 1]!, p[i + 2]!);
  return kept.length >= 3 * 8 ? kept : p;
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
  // The object's depth extent is about its width or less: the band follows the box's width at that distance (at
  // least 15 cm, at most a quarter of the distance), so a small object does not take the wall or floor behind it.
  const widthM = ((x1 - x0 + 1) / kf.intrinsics.fx) * ref;
  const band = Math.max(0.15, Math.min(0.25 * ref, 0.6 * widthM));
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
