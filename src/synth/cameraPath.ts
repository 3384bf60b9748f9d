// A camera path like a person filming a room: walking through the free floor at 1.3–1.7 m height (0.3–0.6 m/s, a
// little head bob), looking at one thing after another (the furniture, a wall), turning at most ~60°/s, tilted down a
// little, once turning to look back the way they came. 10–30 s at 10 frames per second.
import type { Vec3 } from '../spatial/types';
import { seededRandom } from '../util/random';
import { distanceToOutline, footprintCorners, insidePolygon } from './layout';
import type { CameraFrame, SynthRoom } from './types';

export const FPS = 10;
const CELL = 0.1;
/** How far the walker's head stays from walls and furniture; less in a crowded room, rather than no walk at all. */
const CLEARANCES = [0.4, 0.3, 0.22];
const MAX_TURN_PER_FRAME = (60 / FPS) * (Math.PI / 180);

type P2 = [number, number];

/** The free floor as a grid of 10 cm cells: inside, CLEARANCE from walls and furniture; the largest connected part. */
function freeCells(room: SynthRoom, clearance: number): { free: Uint8Array; nx: number; nz: number; x0: number; z0: number } {
  const xs = room.footprint.map((p) => p[0]);
  const zs = room.footprint.map((p) => p[1]);
  const x0 = Math.min(...xs);
  const z0 = Math.min(...zs);
  const nx = Math.ceil((Math.max(...xs) - x0) / CELL);
  const nz = Math.ceil((Math.max(...zs) - z0) / CELL);
  const quads = room.objects.map((o) => footprintCorners(o.position[0], o.position[2], o.yaw, o.size[0], o.size[2]));
  const free = new Uint8Array(nx * nz);
  for (let j = 0; j < nz; j++)
    for (let i = 0; i < nx; i++) {
      const x = x0 + (i + 0.5) * CELL;
      const z = z0 + (j + 0.5) * CELL;
      if (!insidePolygon(room.footprint, x, z) || distanceToOutline(room.footprint, x, z) < clearance + 0.05) continue;
      if (quads.some((q) => distanceToQuad(q, x, z) < clearance)) continue;
      free[j * nx + i] = 1;
    }
  // Keep the largest connected part, so every waypoint can reach every other.
  const label = new Int32Array(nx * nz).fill(-1);
  let best = -1;
  let bestSize = 0;
  for (let start = 0; start < free.length; start++) {
    if (!free[start] || label[start]! >= 0) continue;
    const stack = [start];
    label[start] = start;
    let size = 0;
    while (stack.length) {
      const c = stack.pop()!;
      size++;
      for (const n of neighbours(c, nx, nz)) {
        if (!free[n] || label[n]! >= 0) continue;
        label[n] = start;
        stack.push(n);
      }
    }
    if (size > bestSize) {
      best = start;
      bestSize = size;
    }
  }
  for (let c = 0; c < free.length; c++) if (label[c] !== best) free[c] = 0;
  return { free, nx, nz, x0, z0 };
}

function neighbours(c: number, nx: number, nz: number): number[] {
  const i = c % nx;
  const j = (c - i) / nx;
  const out: number[] = [];
  for (let dj = -1; dj <= 1; dj++)
    for (let di = -1; di <= 1; di++) {
      if ((di || dj) && i + di >= 0 && i + di < nx && j + dj >= 0 && j + dj < nz) out.push((j + dj) * nx + i + di);
    }
  return out;
}

function distanceToQuad(q: P2[], x: number, z: number): number {
  // Inside → 0; outside → distance to the nearest edge.
  return insidePolygon(q, x, z) ? 0 : distanceToOutline(q, x, z);
}

/** Shortest 8-connected path between two free cells (Dijkstra; the grids are a few thousand cells). */
function shortestPath(free: Uint8Array, nx: number, nz: number, from: number, to: number): number[] {
  const dist = new Float64Array(free.length).fill(Infinity);
  const prev = new Int32Array(free.length).fill(-1);
  const done = new Uint8Array(free.length);
  dist[from] = 0;
  const open = [from];
  while (open.length) {
    let k = 0;
    for (let n = 1; n < open.length; n++) if (dist[open[n]!]! < dist[open[k]!]!) k = n;
    const c = open.splice(k, 1)[0]!;
    if (done[c]) continue;
    done[c] = 1;
    if (c === to) break;
    for (const n of neighbours(c, nx, nz)) {
      if (!free[n] || done[n]) continue;
      const step = n % nx !== c % nx && Math.floor(n / nx) !== Math.floor(c / nx) ? Math.SQRT2 : 1;
      if (dist[c]! + step < dist[n]!) {
        dist[n] = dist[c]! + step;
        prev[n] = c;
        open.push(n);
      }
    }
  }
  const path: number[] = [];
  for (let c = to; c >= 0; c = prev[c]!) path.unshift(c);
  return path[0] === from ? path : [from];
}

/** Moving average of a polyline over `radius` points each side (the ends kept). */
function smoothPolyline(points: P2[], radius: number): P2[] {
  return points.map((_, k) => {
    let sx = 0;
    let sz = 0;
    let n = 0;
    for (let m = Math.max(0, k - radius); m <= Math.min(points.length - 1, k + radius); m++) {
      sx += points[m]![0];
      sz += points[m]![1];
      n++;
    }
    return [sx / n, sz / n];
  });
}

/** Grid points averaged each side when smoothing the walked route. */
const SMOOTHING = 4;

function polylineLength(points: P2[]): number {
  let length = 0;
  for (let k = 1; k < points.length; k++) length += Math.hypot(points[k]![0] - points[k - 1]![0], points[k]![1] - points[k - 1]![1]);
  return length;
}

/** Points every `step` metres along a polyline. */
function resample(points: P2[], step: number, count: number): P2[] {
  const out: P2[] = [points[0]!];
  let k = 0;
  let t = 0;
  while (out.length < count && k < points.length - 1) {
    const [ax, az] = points[k]!;
    const [bx, bz] = points[k + 1]!;
    const len = Math.hypot(bx - ax, bz - az);
    if (t + step <= len) {
      t += step;
      out.push([ax + ((bx - ax) * t) / len, az + ((bz - az) * t) / len]);
    } else {
      t -= len;
      k++;
    }
  }
  while (out.length < count) out.push(out[out.length - 1]!);
  return out;
}

const wrap = (a: number) => Math.atan2(Math.sin(a), Math.cos(a));

/** The camera's frames for one room and seed. */
export function generateCameraPath(room: SynthRoom, seed: number): CameraFrame[] {
  const random = seededRandom(0xca3e0000 ^ seed);
  const frames = Math.round((10 + random() * 20) * FPS);
  const speed = 0.3 + random() * 0.3;
  const eye = 1.3 + random() * 0.4;
  let grid = freeCells(room, CLEARANCES[0]!);
  let cells: number[] = [];
  for (const clearance of CLEARANCES) {
    grid = freeCells(room, clearance);
    cells = [...grid.free.keys()].filter((c) => grid.free[c]);
    if (cells.length >= 20) break;
  }
  if (cells.length === 0) throw new Error(`room ${room.seed} has no free floor to walk`);
  const centre = (c: number): P2 => [grid.x0 + ((c % grid.nx) + 0.5) * CELL, grid.z0 + (Math.floor(c / grid.nx) + 0.5) * CELL];

  // Waypoints far apart (farthest-point order from a random start), walked in turn until the path is long enough.
  const needed = speed * (frames / FPS);
  const route: P2[] = [];
  let at = cells[Math.floor(random() * cells.length)]!;
  const visited: number[] = [at];
  route.push(centre(at));
  // Measured on the smoothed route, the one walked: a grid path's staircase is longer than it.
  for (let leg = 0; polylineLength(smoothPolyline(route, SMOOTHING)) < needed && leg < 60; leg++) {
    // The next waypoint: among a few random free cells, the one farthest from those visited, so the walk covers the room.
    let next = at;
    let bestScore = -1;
    for (let k = 0; k < 12; k++) {
      const c = cells[Math.floor(random() * cells.length)]!;
      const [x, z] = centre(c);
      const score = Math.min(...visited.map((v) => Math.hypot(centre(v)[0] - x, centre(v)[1] - z)));
      if (score > bestScore) {
        bestScore = score;
        next = c;
      }
    }
    if (visited.length > 4) visited.shift();
    visited.push(next);
    const leg_ = shortestPath(grid.free, grid.nx, grid.nz, at, next);
    for (const c of leg_.slice(1)) route.push(centre(c));
    at = next;
  }
  const walk = resample(smoothPolyline(route, SMOOTHING), speed / FPS, frames);

  // Where the walker looks: objects and walls in turn, 1.5–4 s each; one of them is behind them (looking back).
  const targets: { frame: number; point: Vec3 }[] = [];
  const lookBackAt = Math.floor(frames * (0.3 + random() * 0.4));
  for (let f = 0; f < frames; ) {
    const dwell = Math.round((1.5 + random() * 2.5) * FPS);
    let point: Vec3;
    if (f <= lookBackAt && lookBackAt < f + dwell) {
      // Behind: the point 2 m back along the way they came, at eye height − 0.3 m.
      const [px, pz] = walk[f]!;
      const [qx, qz] = walk[Math.max(0, f - 10)]!;
      const back = Math.hypot(px - qx, pz - qz) > 1e-3 ? [qx - px, qz - pz] : [Math.cos(f), Math.sin(f)];
      const n = Math.hypot(back[0]!, back[1]!);
      point = [px + (back[0]! / n) * 2, eye - 0.3, pz + (back[1]! / n) * 2];
    } else if (room.objects.length > 0 && random() < 0.75) {
      const o = room.objects[Math.floor(random() * room.objects.length)]!;
      point = [o.position[0], o.elevation + o.size[1] * 0.6, o.position[2]];
    } else {
      const w = room.footprint[Math.floor(random() * room.footprint.length)]!;
      point = [w[0] * 0.8, 1.2, w[1] * 0.8];
    }
    targets.push({ frame: f, point });
    f += dwell;
  }

  const out: CameraFrame[] = [];
  let yaw = NaN;
  let pitch = -0.25;
  let target = 0;
  for (let f = 0; f < frames; f++) {
    while (target + 1 < targets.length && targets[target + 1]!.frame <= f) target++;
    const [x, z] = walk[f]!;
    const y = eye + 0.015 * Math.sin((f / FPS) * Math.PI * 3.6);
    const p = targets[target]!.point;
    const wantYaw = Math.atan2(p[0] - x, p[2] - z);
    const wantPitch = Math.max(-0.6, Math.min(0.08, Math.atan2(p[1] - y, Math.hypot(p[0] - x, p[2] - z))));
    if (Number.isNaN(yaw)) yaw = wantYaw;
    yaw = wrap(yaw + Math.max(-MAX_TURN_PER_FRAME, Math.min(MAX_TURN_PER_FRAME, wrap(wantYaw - yaw) * 0.35)));
    pitch += Math.max(-MAX_TURN_PER_FRAME / 2, Math.min(MAX_TURN_PER_FRAME / 2, (wantPitch - pitch) * 0.25));
    const roll = 0.03 * Math.sin((f / FPS) * 1.3 + seed);
    out.push({ pose: cameraToWorld([x, y, z], yaw, pitch, roll), position: [x, y, z] });
  }
  return out;
}

/** Camera-to-world (column-major) for an OpenCV camera at `position` looking along yaw / pitch, rolled about its view. */
export function cameraToWorld(position: Vec3, yaw: number, pitch: number, roll: number): Float32Array {
  const f: Vec3 = [Math.sin(yaw) * Math.cos(pitch), Math.sin(pitch), Math.cos(yaw) * Math.cos(pitch)];
  // right = forward × up, down = forward × right (x right, y down, z forward: a right-handed camera).
  const r0: Vec3 = normalise([-f[2], 0, f[0]]);
  const d0: Vec3 = cross(f, r0);
  const c = Math.cos(roll);
  const s = Math.sin(roll);
  const r: Vec3 = [r0[0] * c + d0[0] * s, r0[1] * c + d0[1] * s, r0[2] * c + d0[2] * s];
  const d: Vec3 = [d0[0] * c - r0[0] * s, d0[1] * c - r0[1] * s, d0[2] * c - r0[2] * s];
  return new Float32Array([...r, 0, ...d, 0, ...f, 0, ...position, 1]);
}

const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const normalise = (a: Vec3): Vec3 => {
  const n = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / n, a[1] / n, a[2] / n];
};
