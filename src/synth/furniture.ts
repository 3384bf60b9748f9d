// The furniture catalogue: each VSI-Bench category the synthetic rooms use, its size range, where it stands, and the
// boxes it is built from (in its local frame: origin at the floor centre of its footprint, x across, y up, front +z).
import type { Vec3 } from '../spatial/types';
import type { Material } from './types';

export type Placement = 'wall' | 'free' | 'atTable' | 'besideBed' | 'wallMounted';

/** A box of an object in its local frame, with the role its material plays. */
export interface LocalPart {
  center: Vec3;
  half: Vec3;
  role: 'main' | 'second' | 'third';
}

export interface FurnitureKind {
  label: string;
  /** [min, max] of width, height, depth (m). */
  width: [number, number];
  height: [number, number];
  depth: [number, number];
  placement: Placement;
  /** Height of the box's bottom above the floor, for wall-mounted things. */
  elevation?: [number, number];
  /** The materials of its roles, drawn per object. */
  materials: (random: () => number) => Record<LocalPart['role'], Material>;
  parts: (w: number, h: number, d: number) => LocalPart[];
}

const box = (cx: number, cy: number, cz: number, w: number, h: number, d: number, role: LocalPart['role'] = 'main'): LocalPart => ({
  center: [cx, cy, cz],
  half: [w / 2, h / 2, d / 2],
  role,
});

/** Four legs of size s under a top at height h, inset by s from the footprint's corners. */
function legs(w: number, h: number, d: number, s: number, role: LocalPart['role']): LocalPart[] {
  const x = w / 2 - s;
  const z = d / 2 - s;
  return [box(-x, h / 2, -z, s, h, s, role), box(x, h / 2, -z, s, h, s, role), box(-x, h / 2, z, s, h, s, role), box(x, h / 2, z, s, h, s, role)];
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const jitter = (random: () => number, c: Vec3, amount: number): Vec3 => c.map((v) => Math.min(1, Math.max(0, v + (random() - 0.5) * amount))) as Vec3;

const WOODS: Vec3[] = [
  [0.55, 0.36, 0.2],
  [0.72, 0.55, 0.35],
  [0.35, 0.22, 0.12],
  [0.8, 0.68, 0.5],
];
const FABRICS: Vec3[] = [
  [0.25, 0.35, 0.55],
  [0.6, 0.2, 0.2],
  [0.45, 0.5, 0.35],
  [0.55, 0.5, 0.45],
  [0.3, 0.3, 0.32],
  [0.75, 0.6, 0.3],
];

const wood = (random: () => number): Material => {
  const base = jitter(random, pick(random, WOODS), 0.08);
  return { kind: 'wood', base, accent: base.map((v) => v * 0.6) as Vec3, scale: 0.04 + random() * 0.04, shiny: false };
};
const fabric = (random: () => number): Material => {
  const base = jitter(random, pick(random, FABRICS), 0.1);
  return { kind: 'fabric', base, accent: jitter(random, base.map((v) => v * 0.7 + 0.1) as Vec3, 0.2), scale: 0.03 + random() * 0.05, shiny: false };
};
const metal = (random: () => number, light = true): Material => {
  const g = light ? 0.75 + random() * 0.15 : 0.25 + random() * 0.15;
  return { kind: 'metal', base: [g, g, g * 1.02], accent: [g * 0.6, g * 0.6, g * 0.62], scale: 0.02, shiny: random() < 0.5 };
};
const ceramic = (random: () => number): Material => {
  const base = pick<Vec3>(random, [
    [0.72, 0.38, 0.25],
    [0.9, 0.9, 0.88],
    [0.3, 0.35, 0.45],
  ]);
  return { kind: 'ceramic', base, accent: base.map((v) => v * 0.55) as Vec3, scale: 0.05, shiny: false };
};
const screen = (): Material => ({ kind: 'screen', base: [0.03, 0.03, 0.04], accent: [0.12, 0.12, 0.15], scale: 0.2, shiny: true });

export const FURNITURE: Record<string, FurnitureKind> = {
  table: {
    label: 'table',
    width: [0.8, 1.6],
    height: [0.45, 0.78],
    depth: [0.6, 0.95],
    placement: 'free',
    materials: (r) => ({ main: wood(r), second: wood(r), third: wood(r) }),
    parts: (w, h, d) => [box(0, h - 0.02, 0, w, 0.04, d), ...legs(w, h - 0.04, d, 0.05, 'second')],
  },
  chair: {
    label: 'chair',
    width: [0.42, 0.52],
    height: [0.8, 0.95],
    depth: [0.42, 0.52],
    placement: 'atTable',
    materials: (r) => ({ main: fabric(r), second: wood(r), third: wood(r) }),
    parts: (w, h, d) => [box(0, 0.45, 0, w, 0.05, d), box(0, (0.47 + h) / 2, -d / 2 + 0.03, w, h - 0.47, 0.05, 'third'), ...legs(w, 0.425, d, 0.04, 'second')],
  },
  stool: {
    label: 'stool',
    width: [0.32, 0.42],
    height: [0.45, 0.75],
    depth: [0.32, 0.42],
    placement: 'free',
    materials: (r) => ({ main: wood(r), second: metal(r, false), third: wood(r) }),
    parts: (w, h, d) => [
      box(0, h - 0.025, 0, w, 0.05, d),
      box(0, (h - 0.05) / 2, 0, 0.06, h - 0.05, 0.06, 'second'),
      box(0, 0.015, 0, w * 0.8, 0.03, d * 0.8, 'second'),
    ],
  },
  sofa: {
    label: 'sofa',
    width: [1.6, 2.4],
    height: [0.75, 0.9],
    depth: [0.8, 0.95],
    placement: 'wall',
    materials: (r) => {
      const f = fabric(r);
      return { main: f, second: { ...f, base: f.base.map((v) => v * 0.85) as Vec3 }, third: wood(r) };
    },
    parts: (w, h, d) => [
      box(0, 0.06, 0, w - 0.1, 0.12, d - 0.1, 'third'),
      box(0, 0.27, 0.05, w - 0.4, 0.3, d - 0.1),
      box(0, (0.42 + h) / 2, -d / 2 + 0.11, w - 0.4, h - 0.42, 0.22, 'second'),
      box(-w / 2 + 0.1, 0.35, 0, 0.2, 0.46, d, 'second'),
      box(w / 2 - 0.1, 0.35, 0, 0.2, 0.46, d, 'second'),
    ],
  },
  bed: {
    label: 'bed',
    width: [1.0, 1.8],
    height: [0.9, 1.1],
    depth: [1.95, 2.15],
    placement: 'wall',
    materials: (r) => ({ main: fabric(r), second: wood(r), third: fabric(r) }),
    parts: (w, h, d) => [
      box(0, 0.15, 0.04, w, 0.3, d - 0.08, 'second'),
      box(0, 0.4, 0.04, w - 0.04, 0.2, d - 0.12),
      box(0, h / 2, -d / 2 + 0.04, w, h, 0.08, 'second'),
      box(0, 0.55, -d / 2 + 0.3, w * 0.8, 0.12, 0.35, 'third'),
    ],
  },
  tv: {
    label: 'tv',
    width: [0.9, 1.45],
    height: [0.55, 0.85],
    depth: [0.06, 0.08],
    placement: 'wallMounted',
    elevation: [0.85, 1.15],
    materials: (r) => ({ main: screen(), second: metal(r, false), third: metal(r, false) }),
    parts: (w, h, d) => [box(0, h / 2, 0.01, w - 0.04, h - 0.04, d - 0.02), box(0, h / 2, -0.01, w, h, d - 0.02, 'second')],
  },
  refrigerator: {
    label: 'refrigerator',
    width: [0.6, 0.85],
    height: [1.7, 1.95],
    depth: [0.62, 0.75],
    placement: 'wall',
    materials: (r) => ({ main: metal(r), second: metal(r, false), third: metal(r) }),
    parts: (w, h, d) => [
      box(0, h / 2, -0.04, w, h, d - 0.08),
      box(0, h * 0.34, d / 2 - 0.06, w - 0.02, h * 0.66, 0.04, 'third'),
      box(0, h * 0.84, d / 2 - 0.06, w - 0.02, h * 0.3, 0.04, 'third'),
      box(w / 2 - 0.08, h * 0.6, d / 2 - 0.02, 0.03, 0.4, 0.04, 'second'),
    ],
  },
  stove: {
    label: 'stove',
    width: [0.55, 0.75],
    height: [0.88, 0.92],
    depth: [0.58, 0.65],
    placement: 'wall',
    materials: (r) => ({
      main: metal(r),
      second: { kind: 'burners', base: [0.08, 0.08, 0.09], accent: [0.5, 0.5, 0.5], scale: 0.1, shiny: false },
      third: screen(),
    }),
    parts: (w, h, d) => [
      box(0, (h - 0.03) / 2, -0.01, w, h - 0.03, d - 0.02),
      box(0, h - 0.015, 0, w, 0.03, d, 'second'),
      box(0, h * 0.45, d / 2 - 0.01, w * 0.7, h * 0.4, 0.02, 'third'),
    ],
  },
  sink: {
    label: 'sink',
    // Its height is the tap's top: the counter is 0.3 m lower.
    width: [0.6, 1.0],
    height: [1.16, 1.22],
    depth: [0.55, 0.62],
    placement: 'wall',
    materials: (r) => ({ main: wood(r), second: metal(r), third: metal(r, false) }),
    parts: (w, h, d) => [
      box(0, (h - 0.34) / 2, 0, w, h - 0.34, d),
      box(0, h - 0.32, 0, w, 0.04, d, 'second'),
      box(0, h - 0.15, -d / 2 + 0.06, 0.04, 0.3, 0.04, 'third'),
      box(0, h - 0.02, -d / 2 + 0.14, 0.04, 0.04, 0.2, 'third'),
    ],
  },
  lamp: {
    label: 'lamp',
    width: [0.3, 0.45],
    height: [1.3, 1.7],
    depth: [0.3, 0.45],
    placement: 'free',
    materials: (r) => ({ main: fabric(r), second: metal(r, false), third: metal(r, false) }),
    parts: (w, h, d) => [
      box(0, 0.015, 0, w * 0.7, 0.03, d * 0.7, 'third'),
      box(0, (h - 0.3) / 2, 0, 0.03, h - 0.3, 0.03, 'second'),
      box(0, h - 0.15, 0, w, 0.3, d),
    ],
  },
  plant: {
    label: 'plant',
    width: [0.3, 0.6],
    height: [0.5, 1.4],
    depth: [0.3, 0.6],
    placement: 'free',
    materials: (r) => ({
      main: { kind: 'leaves', base: [0.15, 0.4 + r() * 0.15, 0.12], accent: [0.35, 0.6, 0.2], scale: 0.04, shiny: false },
      second: ceramic(r),
      third: ceramic(r),
    }),
    parts: (w, h, d) => [box(0, 0.15, 0, w * 0.6, 0.3, d * 0.6, 'second'), box(0, 0.3 + (h - 0.3) / 2, 0, w, h - 0.3, d)],
  },
  nightstand: {
    label: 'nightstand',
    width: [0.4, 0.55],
    height: [0.45, 0.6],
    depth: [0.35, 0.45],
    placement: 'besideBed',
    materials: (r) => ({ main: wood(r), second: wood(r), third: metal(r, false) }),
    parts: (w, h, d) => [
      box(0, h / 2, -0.02, w, h, d - 0.04),
      box(0, h * 0.7, d / 2 - 0.03, w * 0.85, h * 0.3, 0.02, 'second'),
      box(0, h * 0.7, d / 2 - 0.01, 0.1, 0.02, 0.02, 'third'),
    ],
  },
  bookshelf: {
    label: 'bookshelf',
    width: [0.7, 1.2],
    height: [1.5, 2.0],
    depth: [0.28, 0.38],
    placement: 'wall',
    materials: (r) => ({
      main: wood(r),
      second: { kind: 'books', base: [0.5, 0.3, 0.2], accent: [0.2, 0.3, 0.6], scale: 0.035, shiny: false },
      third: wood(r),
    }),
    parts: (w, h, d) => [
      box(0, h / 2, -d / 2 + 0.01, w, h, 0.02),
      box(-w / 2 + 0.01, h / 2, 0, 0.02, h, d),
      box(w / 2 - 0.01, h / 2, 0, 0.02, h, d),
      ...[0, 1, 2, 3].map((i) => box(0, 0.02 + (i * (h - 0.04)) / 3, 0, w - 0.04, 0.03, d, 'third')),
      ...[0, 1, 2].map((i) => box(0, 0.04 + ((i + 0.4) * (h - 0.04)) / 3, -0.02, w - 0.06, ((h - 0.04) / 3) * 0.7, d - 0.08, 'second')),
    ],
  },
  'trash can': {
    label: 'trash can',
    width: [0.25, 0.38],
    height: [0.35, 0.6],
    depth: [0.25, 0.38],
    placement: 'free',
    materials: (r) => ({ main: metal(r, r() < 0.5), second: metal(r, false), third: metal(r) }),
    parts: (w, h, d) => [box(0, (h - 0.03) / 2, 0, w * 0.92, h - 0.03, d * 0.92), box(0, h - 0.015, 0, w, 0.03, d, 'second')],
  },
};

/** What each kind of room holds: category and [min, max] count, before what fits is decided. */
export const ROOM_CONTENTS: Record<'living room' | 'kitchen' | 'bedroom' | 'studio', [string, number, number][]> = {
  'living room': [
    ['sofa', 1, 1],
    ['tv', 1, 1],
    ['table', 1, 2],
    ['chair', 2, 4],
    ['lamp', 1, 2],
    ['plant', 1, 3],
    ['bookshelf', 0, 1],
    ['trash can', 0, 1],
  ],
  kitchen: [
    ['refrigerator', 1, 1],
    ['stove', 1, 1],
    ['sink', 1, 1],
    ['table', 1, 1],
    ['chair', 2, 4],
    ['stool', 0, 2],
    ['plant', 0, 2],
    ['trash can', 1, 1],
  ],
  bedroom: [
    ['bed', 1, 1],
    ['nightstand', 1, 2],
    ['lamp', 1, 2],
    ['tv', 0, 1],
    ['table', 0, 1],
    ['chair', 1, 2],
    ['plant', 0, 2],
    ['bookshelf', 0, 1],
  ],
  studio: [
    ['sofa', 1, 1],
    ['tv', 1, 1],
    ['refrigerator', 1, 1],
    ['stove', 1, 1],
    ['sink', 1, 1],
    ['table', 1, 2],
    ['chair', 2, 5],
    ['lamp', 1, 2],
    ['plant', 1, 3],
    ['trash can', 0, 1],
  ],
};
