// The synthetic room's data: what the generator decides (layout, furniture, lights, camera path) and the renderer
// draws. World frame: metres, +y up, the floor at y = 0; an object's yaw turns its local frame about +y, and its
// local +z is its front.
import type { Vec3 } from '../spatial/types';

/** How a surface looks: a procedural texture (see textures.ts) and what a depth sensor makes of it. */
export interface Material {
  kind: 'paint' | 'planks' | 'tiles' | 'wood' | 'fabric' | 'metal' | 'screen' | 'leaves' | 'ceramic' | 'books' | 'burners';
  base: Vec3;
  accent: Vec3;
  /** Pattern size in metres (plank width, tile size, weave, leaf). */
  scale: number;
  /** Glossy or glass: a structured-light / ToF sensor loses much of it. */
  shiny: boolean;
}

/** A box of the scene: a furniture part or a decoration. `instance` 0 is the room itself. */
export interface Part {
  center: Vec3;
  half: Vec3;
  /** Rotation about +y (radians): local x → (cos, 0, −sin), local z → (sin, 0, cos). */
  yaw: number;
  material: number;
  instance: number;
}

/** A picture on a wall: a rectangle in the wall's own coordinates (s along the wall from its start, y up). */
export interface Poster {
  wall: number;
  s0: number;
  s1: number;
  y0: number;
  y1: number;
  /** Seeds the poster's pattern. */
  pattern: number;
}

export interface SynthObject {
  /** 1, 2, ... (the instance masks' value). */
  instance: number;
  /** A VSI-Bench category. */
  label: string;
  /** Floor centre of its footprint. */
  position: Vec3;
  yaw: number;
  /** Full width (local x), height, depth (local z) of its bounding box. */
  size: Vec3;
  /** Bottom of its bounding box above the floor (a wall-mounted TV is not on the floor). */
  elevation: number;
}

export interface Light {
  position: Vec3;
  intensity: number;
}

export interface SynthRoom {
  seed: number;
  kind: 'living room' | 'kitchen' | 'bedroom' | 'studio';
  /** Floor outline, [x, z] counter-clockwise seen from above. */
  footprint: [number, number][];
  height: number;
  /** Floor area, m². */
  area: number;
  materials: Material[];
  floorMaterial: number;
  wallMaterial: number;
  ceilingMaterial: number;
  parts: Part[];
  objects: SynthObject[];
  posters: Poster[];
  lights: Light[];
  ambient: number;
}

/** One frame of the camera path: camera-to-world, column-major 4x4, OpenCV camera (x right, y down, z forward). */
export interface CameraFrame {
  pose: Float32Array;
  position: Vec3;
}

export interface SynthIntrinsics {
  width: number;
  height: number;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
}
