// Renders a synthetic room from one camera by casting a ray per pixel: the first surface hit (floor, ceiling, a wall,
// a furniture part) gives the pixel's depth (along the camera's z, exactly as the app back-projects it: x = (u − cx)·z/fx),
// its instance (0 for the room itself) and its colour (the surface's texture lit by the room's lights, Lambertian, no
// shadows). Deterministic arithmetic only. Parts are binned to 16x16-pixel tiles by their projected corners, so a ray
// tests only the parts that can cover it.
import type { Vec3 } from '../spatial/types';
import { inwardNormal } from './layout';
import { albedo, posterAlbedo } from './textures';
import type { Part, SynthIntrinsics, SynthRoom } from './types';

export interface RenderedView {
  width: number;
  height: number;
  /** RGB, 0–255, three bytes per pixel, before the camera's blur and noise. */
  rgb: Uint8ClampedArray;
  /** Metres along the camera's z; 0 where nothing was hit. */
  depth: Float32Array;
  /** Object instance per pixel (0: floor, walls, ceiling). */
  instance: Uint16Array;
  /** What a depth sensor makes of the surface: 0 ordinary, 1 glossy or glass, 2 dark. */
  surface: Uint8Array;
}

const TILE = 16;
const DARK_LUMINANCE = 0.08;

interface Hit {
  t: number;
  normal: Vec3;
  s: number;
  u: number;
  salt: number;
  material: number;
  instance: number;
  poster: number;
}

/** The walls as 2D segments with their inward normals and where each starts along the outline. */
function wallsOf(room: SynthRoom) {
  const poly = room.footprint;
  return poly.map(([ax, az], i) => {
    const [bx, bz] = poly[(i + 1) % poly.length]!;
    const len = Math.hypot(bx - ax, bz - az);
    const [nx, nz] = inwardNormal(poly, i);
    return { ax, az, dx: (bx - ax) / len, dz: (bz - az) / len, len, normal: [nx, 0, nz] as Vec3 };
  });
}

/** Which parts each tile must test: those whose projected corners' rectangle touches it. */
function binParts(parts: Part[], k: SynthIntrinsics, pose: Float32Array): number[][] {
  const tilesX = Math.ceil(k.width / TILE);
  const tilesY = Math.ceil(k.height / TILE);
  const bins: number[][] = Array.from({ length: tilesX * tilesY }, () => []);
  const [tx, ty, tz] = [pose[12]!, pose[13]!, pose[14]!];
  parts.forEach((p, index) => {
    const c = Math.cos(p.yaw);
    const s = Math.sin(p.yaw);
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    let behind = 0;
    let near = false;
    for (let corner = 0; corner < 8; corner++) {
      const lx = corner & 1 ? p.half[0] : -p.half[0];
      const ly = corner & 2 ? p.half[1] : -p.half[1];
      const lz = corner & 4 ? p.half[2] : -p.half[2];
      const wx = p.center[0] + c * lx + s * lz - tx;
      const wy = p.center[1] + ly - ty;
      const wz = p.center[2] - s * lx + c * lz - tz;
      // Camera coordinates: the rotation's columns are the camera axes in the world.
      const x = pose[0]! * wx + pose[1]! * wy + pose[2]! * wz;
      const y = pose[4]! * wx + pose[5]! * wy + pose[6]! * wz;
      const z = pose[8]! * wx + pose[9]! * wy + pose[10]! * wz;
      if (z <= 0.01) {
        behind++;
        near = true;
        continue;
      }
      const u = k.cx + (k.fx * x) / z;
      const v = k.cy + (k.fy * y) / z;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    if (behind === 8) return;
    // A box straddling the camera's plane can cover any pixel.
    const i0 = near ? 0 : Math.max(0, Math.floor(minU / TILE));
    const i1 = near ? tilesX - 1 : Math.min(tilesX - 1, Math.floor(maxU / TILE));
    const j0 = near ? 0 : Math.max(0, Math.floor(minV / TILE));
    const j1 = near ? tilesY - 1 : Math.min(tilesY - 1, Math.floor(maxV / TILE));
    for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) bins[j * tilesX + i]!.push(index);
  });
  return bins;
}

export function renderView(room: SynthRoom, k: SynthIntrinsics, pose: Float32Array): RenderedView {
  const { width, height } = k;
  const rgb = new Uint8ClampedArray(width * height * 3);
  const depth = new Float32Array(width * height);
  const instance = new Uint16Array(width * height);
  const surface = new Uint8Array(width * height);
  const walls = wallsOf(room);
  const wallStart: number[] = [0];
  for (const w of walls) wallStart.push(wallStart[wallStart.length - 1]! + w.len);
  // Per wall, the indices of its pictures (looked up for every pixel that hits a wall).
  const postersOf = walls.map((_, i) => room.posters.flatMap((p, index) => (p.wall === i ? [index] : [])));
  const bins = binParts(room.parts, k, pose);
  const tilesX = Math.ceil(width / TILE);
  const ox = pose[12]!;
  const oy = pose[13]!;
  const oz = pose[14]!;
  const hit: Hit = { t: 0, normal: [0, 0, 0], s: 0, u: 0, salt: 0, material: 0, instance: 0, poster: -1 };

  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const xn = (u - k.cx) / k.fx;
      const yn = (v - k.cy) / k.fy;
      const dx = pose[0]! * xn + pose[4]! * yn + pose[8]!;
      const dy = pose[1]! * xn + pose[5]! * yn + pose[9]!;
      const dz = pose[2]! * xn + pose[6]! * yn + pose[10]!;
      hit.t = Infinity;
      hit.poster = -1;
      // Floor and ceiling.
      if (dy < 0) setPlane(hit, -oy / dy, [0, 1, 0], ox + (-oy / dy) * dx, oz + (-oy / dy) * dz, room.floorMaterial, 1);
      else if (dy > 0)
        setPlane(hit, (room.height - oy) / dy, [0, -1, 0], ox + ((room.height - oy) / dy) * dx, oz + ((room.height - oy) / dy) * dz, room.ceilingMaterial, 2);
      // Walls: the ray against each segment in the floor plane.
      for (let w = 0; w < walls.length; w++) {
        const wall = walls[w]!;
        const denom = dx * wall.dz - dz * wall.dx;
        if (Math.abs(denom) < 1e-12) continue;
        const rx = wall.ax - ox;
        const rz = wall.az - oz;
        const t = (rx * wall.dz - rz * wall.dx) / denom;
        if (t <= 0 || t >= hit.t) continue;
        const along = (rx * dz - rz * dx) / denom;
        const y = oy + t * dy;
        if (along < 0 || along > wall.len || y < 0 || y > room.height) continue;
        setPlane(hit, t, wall.normal, wallStart[w]! + along, y, room.wallMaterial, 10 + w);
        for (const index of postersOf[w]!) {
          const q = room.posters[index]!;
          if (along >= q.s0 && along <= q.s1 && y >= q.y0 && y <= q.y1) hit.poster = index;
        }
      }
      // Furniture parts.
      const bin = bins[Math.floor(v / TILE) * tilesX + Math.floor(u / TILE)]!;
      for (let b = 0; b < bin.length; b++) intersectPart(room.parts[bin[b]!]!, ox, oy, oz, dx, dy, dz, hit);

      const i = v * width + u;
      if (!Number.isFinite(hit.t)) continue;
      depth[i] = hit.t;
      instance[i] = hit.instance;
      let colour: Vec3;
      if (hit.poster >= 0) {
        const q = room.posters[hit.poster]!;
        colour = posterAlbedo((hit.s - wallStart[q.wall]! - q.s0) / (q.s1 - q.s0), 1 - (hit.u - q.y0) / (q.y1 - q.y0), q.pattern);
      } else colour = albedo(room.materials[hit.material]!, hit.s, hit.u, hit.salt);
      const m = room.materials[hit.material]!;
      const luminance = 0.3 * colour[0] + 0.59 * colour[1] + 0.11 * colour[2];
      surface[i] = hit.poster < 0 && m.shiny ? 1 : luminance < DARK_LUMINANCE ? 2 : 0;
      const light = lighting(room, ox + hit.t * dx, oy + hit.t * dy, oz + hit.t * dz, hit.normal);
      rgb[3 * i] = colour[0] * light * 255;
      rgb[3 * i + 1] = colour[1] * light * 255;
      rgb[3 * i + 2] = colour[2] * light * 255;
    }
  }
  return { width, height, rgb, depth, instance, surface };
}

function setPlane(hit: Hit, t: number, normal: Vec3, s: number, u: number, material: number, salt: number): void {
  if (!(t > 0) || t >= hit.t) return;
  hit.t = t;
  hit.normal = normal;
  hit.s = s;
  hit.u = u;
  hit.material = material;
  hit.salt = salt;
  hit.instance = 0;
  hit.poster = -1;
}

/** Slab test in the part's own frame; keeps the nearer hit. */
function intersectPart(p: Part, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, hit: Hit): void {
  const c = Math.cos(p.yaw);
  const s = Math.sin(p.yaw);
  const rx = ox - p.center[0];
  const ry = oy - p.center[1];
  const rz = oz - p.center[2];
  const o = [c * rx - s * rz, ry, s * rx + c * rz];
  const d = [c * dx - s * dz, dy, s * dx + c * dz];
  let tNear = -Infinity;
  let tFar = Infinity;
  let axis = 0;
  let sign = 1;
  for (let a = 0; a < 3; a++) {
    const h = p.half[a]!;
    if (Math.abs(d[a]!) < 1e-12) {
      if (o[a]! < -h || o[a]! > h) return;
      continue;
    }
    let t0 = (-h - o[a]!) / d[a]!;
    let t1 = (h - o[a]!) / d[a]!;
    // Entering through the face whose normal opposes the ray.
    let faceSign = -1;
    if (t0 > t1) {
      [t0, t1] = [t1, t0];
      faceSign = 1;
    }
    if (t0 > tNear) {
      tNear = t0;
      axis = a;
      sign = faceSign;
    }
    tFar = Math.min(tFar, t1);
    if (tNear > tFar) return;
  }
  if (tNear <= 0 || tNear >= hit.t) return;
  hit.t = tNear;
  hit.normal = axis === 0 ? [c * sign, 0, -s * sign] : axis === 1 ? [0, sign, 0] : [s * sign, 0, c * sign];
  const px = o[0]! + tNear * d[0]!;
  const py = o[1]! + tNear * d[1]!;
  const pz = o[2]! + tNear * d[2]!;
  // Surface coordinates on the face, offset by the part's centre so two parts of one material do not repeat.
  const [a0, a1] = axis === 0 ? [pz, py] : axis === 1 ? [px, pz] : [px, py];
  hit.s = a0 + p.center[0] + p.center[2];
  hit.u = a1 + p.center[1];
  hit.material = p.material;
  hit.salt = p.material * 7 + axis * 2 + (sign > 0 ? 1 : 0);
  hit.instance = p.instance;
  hit.poster = -1;
}

/** Ambient plus Lambertian point lights with a soft distance fall-off; surfaces facing down (the ceiling, under a
 * table top) get more ambient, the light the floor and walls throw back up, which the lights alone would not give. */
function lighting(room: SynthRoom, x: number, y: number, z: number, n: Vec3): number {
  let light = room.ambient * (1 + 0.8 * Math.max(0, -n[1]));
  for (const l of room.lights) {
    const lx = l.position[0] - x;
    const ly = l.position[1] - y;
    const lz = l.position[2] - z;
    const d2 = lx * lx + ly * ly + lz * lz;
    const cos = (n[0] * lx + n[1] * ly + n[2] * lz) / Math.sqrt(d2);
    if (cos > 0) light += (l.intensity * cos) / (1 + 0.12 * d2);
  }
  return light;
}
