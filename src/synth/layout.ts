// A synthetic room's layout from its seed: the floor outline (a rectangle or an L, 8–40 m²), the furniture of one
// kind of room placed where it fits (against walls, around tables, in the open; several of a category, some hiding
// others), pictures on the walls and ceiling lights. Plain data, deterministic: the same seed gives the same room.
import type { Vec3 } from '../spatial/types';
import { seededRandom } from '../util/random';
import { FURNITURE, type FurnitureKind, ROOM_CONTENTS } from './furniture';
import type { Light, Material, Part, Poster, SynthObject, SynthRoom } from './types';

export const MIN_AREA = 8;
export const MAX_AREA = 40;

type P2 = [number, number];

/** A rectangle or an L (a rectangle with one corner cut away), counter-clockwise from above, with the given area. */
function makeFootprint(random: () => number): P2[] {
  const area = MIN_AREA + random() * (MAX_AREA - MIN_AREA);
  const aspect = 1 + random() * 0.8;
  const lShape = area > 14 && random() < 0.4;
  // An L keeps 1 − cut of its bounding rectangle.
  const cutX = lShape ? 0.3 + random() * 0.2 : 0;
  const cutZ = lShape ? 0.3 + random() * 0.2 : 0;
  const boundingArea = area / (1 - cutX * cutZ);
  const w = Math.sqrt(boundingArea * aspect);
  const d = boundingArea / w;
  // Counter-clockwise seen from above (+y toward the viewer) with x right and z down the page is clockwise in
  // (x, z); the order used everywhere here is: (0,0) → (0,d) → (w,d) → (w,0), whose interior is on the left.
  if (!lShape)
    return centred([
      [0, 0],
      [0, d],
      [w, d],
      [w, 0],
    ]);
  const cx = w * (1 - cutX);
  const cz = d * cutZ;
  return centred([
    [0, 0],
    [0, d],
    [w, d],
    [w, cz],
    [cx, cz],
    [cx, 0],
  ]);
}

function centred(points: P2[]): P2[] {
  const xs = points.map((p) => p[0]);
  const zs = points.map((p) => p[1]);
  const mx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const mz = (Math.min(...zs) + Math.max(...zs)) / 2;
  return points.map(([x, z]) => [x - mx, z - mz]);
}

export function polygonArea(poly: P2[]): number {
  return Math.abs(signedArea(poly));
}

export function insidePolygon(poly: P2[], x: number, z: number): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, zi] = poly[i]!;
    const [xj, zj] = poly[j]!;
    if (zi > z !== zj > z && x < ((xj - xi) * (z - zi)) / (zj - zi) + xi) inside = !inside;
  }
  return inside;
}

/** Distance from a point to the polygon's outline. */
export function distanceToOutline(poly: P2[], x: number, z: number): number {
  let best = Infinity;
  for (let i = 0; i < poly.length; i++) {
    const [ax, az] = poly[i]!;
    const [bx, bz] = poly[(i + 1) % poly.length]!;
    const dx = bx - ax;
    const dz = bz - az;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (z - az) * dz) / (dx * dx + dz * dz)));
    best = Math.min(best, Math.hypot(x - ax - t * dx, z - az - t * dz));
  }
  return best;
}

/** The unit normal of wall i that points into the room. */
export function inwardNormal(poly: P2[], i: number): P2 {
  const [ax, az] = poly[i]!;
  const [bx, bz] = poly[(i + 1) % poly.length]!;
  const len = Math.hypot(bx - ax, bz - az);
  // Signed area decides the side: for a positive (x, z) shoelace sum the interior is on the left of a → b.
  const sign = signedArea(poly) > 0 ? 1 : -1;
  return [(-(bz - az) / len) * sign, ((bx - ax) / len) * sign];
}

function signedArea(poly: P2[]): number {
  let a = 0;
  for (let i = 0; i < poly.length; i++) {
    const [x0, z0] = poly[i]!;
    const [x1, z1] = poly[(i + 1) % poly.length]!;
    a += x0 * z1 - x1 * z0;
  }
  return a / 2;
}

/** The corners of a footprint rectangle (centre, yaw, full width along local x and depth along local z), grown by margin. */
export function footprintCorners(x: number, z: number, yaw: number, width: number, depth: number, margin = 0): P2[] {
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  const hw = width / 2 + margin;
  const hd = depth / 2 + margin;
  return [
    [-hw, -hd],
    [hw, -hd],
    [hw, hd],
    [-hw, hd],
  ].map(([lx, lz]) => [x + c * lx! + s * lz!, z - s * lx! + c * lz!]);
}

/** Separating-axis test of two convex quadrilaterals. */
function quadsOverlap(a: P2[], b: P2[]): boolean {
  for (const poly of [a, b]) {
    for (let i = 0; i < 4; i++) {
      const [x0, z0] = poly[i]!;
      const [x1, z1] = poly[(i + 1) % 4]!;
      const nx = z0 - z1;
      const nz = x1 - x0;
      let aMin = Infinity;
      let aMax = -Infinity;
      let bMin = Infinity;
      let bMax = -Infinity;
      for (const [x, z] of a) {
        const p = x * nx + z * nz;
        aMin = Math.min(aMin, p);
        aMax = Math.max(aMax, p);
      }
      for (const [x, z] of b) {
        const p = x * nx + z * nz;
        bMin = Math.min(bMin, p);
        bMax = Math.max(bMax, p);
      }
      if (aMax <= bMin || bMax <= aMin) return false;
    }
  }
  return true;
}

function insideQuad(quad: P2[], x: number, z: number): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const [x0, z0] = quad[i]!;
    const [x1, z1] = quad[(i + 1) % 4]!;
    const cross = (x1 - x0) * (z - z0) - (z1 - z0) * (x - x0);
    if (cross === 0) continue;
    if (sign === 0) sign = Math.sign(cross);
    else if (Math.sign(cross) !== sign) return false;
  }
  return true;
}

interface Placed {
  object: SynthObject;
  corners: P2[];
}

class Placer {
  readonly placed: Placed[] = [];
  constructor(
    private readonly poly: P2[],
    private readonly random: () => number,
  ) {}

  /** Whether a footprint fits: inside the room, clear of the walls' corners and of everything placed (by margin). */
  fits(corners: P2[], margin: number, ignore?: SynthObject): boolean {
    if (!corners.every(([x, z]) => insidePolygon(this.poly, x, z))) return false;
    if (this.poly.some(([x, z]) => insideQuad(corners, x, z))) return false;
    return this.placed.every((p) => p.object === ignore || !quadsOverlap(grow(corners, margin), p.corners));
  }

  add(object: SynthObject): void {
    this.placed.push({ object, corners: footprintCorners(object.position[0], object.position[2], object.yaw, object.size[0], object.size[2]) });
  }

  /** Against a wall, back to it, front facing into the room. */
  againstWall(width: number, depth: number, gap: number): { x: number; z: number; yaw: number } | null {
    for (let attempt = 0; attempt < 60; attempt++) {
      const i = Math.floor(this.random() * this.poly.length);
      const [ax, az] = this.poly[i]!;
      const [bx, bz] = this.poly[(i + 1) % this.poly.length]!;
      const len = Math.hypot(bx - ax, bz - az);
      if (len < width + 0.1) continue;
      const s = width / 2 + 0.05 + this.random() * (len - width - 0.1);
      const [nx, nz] = inwardNormal(this.poly, i);
      const x = ax + ((bx - ax) / len) * s + nx * (depth / 2 + gap);
      const z = az + ((bz - az) / len) * s + nz * (depth / 2 + gap);
      const yaw = Math.atan2(nx, nz);
      if (this.fits(footprintCorners(x, z, yaw, width, depth), 0.05)) return { x, z, yaw };
    }
    return null;
  }

  /** Anywhere in the room, mostly square to the walls. */
  inTheOpen(width: number, depth: number, margin: number): { x: number; z: number; yaw: number } | null {
    const xs = this.poly.map((p) => p[0]);
    const zs = this.poly.map((p) => p[1]);
    for (let attempt = 0; attempt < 80; attempt++) {
      const x = Math.min(...xs) + this.random() * (Math.max(...xs) - Math.min(...xs));
      const z = Math.min(...zs) + this.random() * (Math.max(...zs) - Math.min(...zs));
      const yaw = this.random() < 0.7 ? Math.floor(this.random() * 4) * (Math.PI / 2) : this.random() * Math.PI * 2;
      if (this.fits(footprintCorners(x, z, yaw, width, depth), margin)) return { x, z, yaw };
    }
    return null;
  }
}

function grow(quad: P2[], margin: number): P2[] {
  if (margin === 0) return quad;
  const cx = quad.reduce((s, p) => s + p[0], 0) / 4;
  const cz = quad.reduce((s, p) => s + p[1], 0) / 4;
  return quad.map(([x, z]) => {
    const d = Math.hypot(x - cx, z - cz);
    return [x + ((x - cx) / d) * margin * Math.SQRT2, z + ((z - cz) / d) * margin * Math.SQRT2];
  });
}

const between = (random: () => number, [lo, hi]: [number, number]) => lo + random() * (hi - lo);

/** The walls, floor and ceiling's materials. */
function roomMaterials(random: () => number): { floor: Material; wall: Material; ceiling: Material } {
  const paints: Vec3[] = [
    [0.86, 0.84, 0.78],
    [0.78, 0.84, 0.86],
    [0.88, 0.8, 0.72],
    [0.8, 0.86, 0.78],
    [0.9, 0.9, 0.88],
  ];
  const wallBase = paints[Math.floor(random() * paints.length)]!;
  const planks = random() < 0.6;
  const floorBase: Vec3 = planks
    ? [0.55 + random() * 0.2, 0.4 + random() * 0.1, 0.25 + random() * 0.1]
    : [0.6 + random() * 0.3, 0.6 + random() * 0.25, 0.6 + random() * 0.2];
  return {
    floor: planks
      ? { kind: 'planks', base: floorBase, accent: floorBase.map((v) => v * 0.7) as Vec3, scale: 0.14 + random() * 0.08, shiny: false }
      : { kind: 'tiles', base: floorBase, accent: [0.3, 0.3, 0.3], scale: 0.3 + random() * 0.3, shiny: false },
    wall: { kind: 'paint', base: wallBase, accent: wallBase.map((v) => v * 0.8) as Vec3, scale: 0.5, shiny: false },
    ceiling: { kind: 'paint', base: [0.93, 0.93, 0.92], accent: [0.85, 0.85, 0.84], scale: 0.8, shiny: false },
  };
}

/** Builds the room of one seed. */
export function generateLayout(seed: number): SynthRoom {
  const random = seededRandom(0x5eed0000 ^ seed);
  const footprint = makeFootprint(random);
  const height = 2.4 + random() * 0.6;
  const kinds = ['living room', 'kitchen', 'bedroom', 'studio'] as const;
  const area = polygonArea(footprint);
  const kind = area > 26 && random() < 0.5 ? 'studio' : kinds[Math.floor(random() * 3)]!;

  const materials: Material[] = [];
  const addMaterial = (m: Material) => materials.push(m) - 1;
  const rm = roomMaterials(random);
  const floorMaterial = addMaterial(rm.floor);
  const wallMaterial = addMaterial(rm.wall);
  const ceilingMaterial = addMaterial(rm.ceiling);

  const placer = new Placer(footprint, random);
  const parts: Part[] = [];
  const objects: SynthObject[] = [];
  const tables: SynthObject[] = [];
  const beds: SynthObject[] = [];

  const build = (kindOf: FurnitureKind, at: { x: number; z: number; yaw: number }, size: Vec3, elevation: number) => {
    const object: SynthObject = { instance: objects.length + 1, label: kindOf.label, position: [at.x, 0, at.z], yaw: at.yaw, size, elevation };
    objects.push(object);
    placer.add(object);
    const mats = kindOf.materials(random);
    const index = { main: addMaterial(mats.main), second: addMaterial(mats.second), third: addMaterial(mats.third) };
    const c = Math.cos(at.yaw);
    const s = Math.sin(at.yaw);
    for (const p of kindOf.parts(size[0], size[1], size[2])) {
      const [lx, ly, lz] = p.center;
      parts.push({
        center: [at.x + c * lx + s * lz, ly + elevation, at.z - s * lx + c * lz],
        half: p.half,
        yaw: at.yaw,
        material: index[p.role],
        instance: object.instance,
      });
    }
    return object;
  };

  // Big things first (they need wall length), then what goes with them, then the small free-standing ones.
  const order = ['bed', 'sofa', 'refrigerator', 'stove', 'sink', 'bookshelf', 'tv', 'table', 'nightstand', 'chair', 'stool', 'lamp', 'plant', 'trash can'];
  const wanted = ROOM_CONTENTS[kind].map(([label, lo, hi]) => [label, lo + Math.floor(random() * (hi - lo + 1))] as const);
  wanted.sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
  for (const [label, count] of wanted) {
    const kindOf = FURNITURE[label]!;
    for (let n = 0; n < count; n++) {
      const size: Vec3 = [between(random, kindOf.width), between(random, kindOf.height), between(random, kindOf.depth)];
      const elevation = kindOf.elevation ? between(random, kindOf.elevation) : 0;
      let at: { x: number; z: number; yaw: number } | null = null;
      if (kindOf.placement === 'wall' || kindOf.placement === 'wallMounted')
        at = placer.againstWall(size[0], size[2], kindOf.placement === 'wall' ? 0.03 : 0.005);
      else if (kindOf.placement === 'atTable' && tables.length > 0) at = besideTable(placer, random, tables, size);
      else if (kindOf.placement === 'besideBed' && beds.length > 0) at = besideBed(placer, beds[0]!, size, n);
      if (!at) at = placer.inTheOpen(size[0], size[2], 0.35);
      if (!at) continue;
      const object = build(kindOf, at, size, elevation);
      if (label === 'table') tables.push(object);
      if (label === 'bed') beds.push(object);
    }
  }

  return {
    seed,
    kind,
    footprint,
    height,
    area,
    materials,
    floorMaterial,
    wallMaterial,
    ceilingMaterial,
    parts,
    objects,
    posters: makePosters(footprint, height, random),
    lights: makeLights(footprint, height, random),
    ambient: 0.35 + random() * 0.1,
  };
}

/** A chair at a free side of a table, facing it. */
function besideTable(placer: Placer, random: () => number, tables: SynthObject[], size: Vec3): { x: number; z: number; yaw: number } | null {
  for (let attempt = 0; attempt < 12; attempt++) {
    const table = tables[Math.floor(random() * tables.length)]!;
    const side = Math.floor(random() * 4);
    const along = side % 2 === 0 ? table.size[0] : table.size[2];
    const reach = (side % 2 === 0 ? table.size[2] : table.size[0]) / 2 + size[2] / 2 - 0.08;
    const offset = (random() - 0.5) * Math.max(0, along - size[0]);
    // The side's outward direction in the table's frame, then in the world.
    const local: P2 = side === 0 ? [offset, reach] : side === 1 ? [reach, offset] : side === 2 ? [offset, -reach] : [-reach, offset];
    const c = Math.cos(table.yaw);
    const s = Math.sin(table.yaw);
    const x = table.position[0] + c * local[0] + s * local[1];
    const z = table.position[2] - s * local[0] + c * local[1];
    // Facing the table: front (+z local) toward its centre.
    const yaw = Math.atan2(table.position[0] - x, table.position[2] - z) + (random() - 0.5) * 0.3;
    const corners = footprintCorners(x, z, yaw, size[0], size[2]);
    // A chair tucked under a table overlaps its footprint by design: check everything but that table.
    if (placer.fits(corners, 0.03, table)) return { x, z, yaw };
  }
  return null;
}

/** A nightstand beside the bed's head, on the left then the right, against the same wall. */
function besideBed(placer: Placer, bed: SynthObject, size: Vec3, n: number): { x: number; z: number; yaw: number } | null {
  const c = Math.cos(bed.yaw);
  const s = Math.sin(bed.yaw);
  const lx = (n % 2 === 0 ? -1 : 1) * (bed.size[0] / 2 + size[0] / 2 + 0.05);
  const lz = -bed.size[2] / 2 + size[2] / 2;
  const x = bed.position[0] + c * lx + s * lz;
  const z = bed.position[2] - s * lx + c * lz;
  return placer.fits(footprintCorners(x, z, bed.yaw, size[0], size[2]), 0.02) ? { x, z, yaw: bed.yaw } : null;
}

/** Two to five pictures per wall long enough for them, at eye height: the texture that tracking finds on walls. */
function makePosters(poly: P2[], height: number, random: () => number): Poster[] {
  const posters: Poster[] = [];
  for (let wall = 0; wall < poly.length; wall++) {
    const [ax, az] = poly[wall]!;
    const [bx, bz] = poly[(wall + 1) % poly.length]!;
    const len = Math.hypot(bx - ax, bz - az);
    const count = Math.min(5, Math.floor(len / 0.9));
    for (let k = 0; k < count; k++) {
      const w = 0.3 + random() * 0.6;
      const h = 0.3 + random() * 0.5;
      const slot = len / count;
      const s0 = k * slot + random() * Math.max(0, slot - w);
      const y0 = 0.9 + random() * Math.max(0, height - 1.3 - h);
      posters.push({ wall, s0, s1: Math.min(len, s0 + w), y0, y1: y0 + h, pattern: Math.floor(random() * 1e9) });
    }
  }
  return posters;
}

/** Ceiling lights spread over the room (one per ~8 m², at least two). */
function makeLights(poly: P2[], height: number, random: () => number): Light[] {
  const count = Math.max(2, Math.round(polygonArea(poly) / 8));
  const xs = poly.map((p) => p[0]);
  const zs = poly.map((p) => p[1]);
  const lights: Light[] = [];
  for (let attempt = 0; lights.length < count && attempt < 200; attempt++) {
    const x = Math.min(...xs) + random() * (Math.max(...xs) - Math.min(...xs));
    const z = Math.min(...zs) + random() * (Math.max(...zs) - Math.min(...zs));
    if (insidePolygon(poly, x, z) && distanceToOutline(poly, x, z) > 0.5)
      lights.push({ position: [x, height - 0.1, z], intensity: (0.9 + random() * 0.3) / Math.sqrt(count) });
  }
  return lights;
}
