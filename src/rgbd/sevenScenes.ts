// The RGB-D folder layout Room3R reads (7-Scenes, as in ../shared/data/redkitchen-7scenes):
// frame-NNNNNN.color.jpg, frame-NNNNNN.depth.png (16-bit, millimetres, 0 = invalid),
// optional frame-NNNNNN.pose.txt (4x4 camera-to-world, metres), camera-intrinsics.txt (3x3 K).
// Parsing only: decoding images is the caller's (Node: jpeg-js / fast-png; browser: createImageBitmap / fast-png).
import { decode } from 'fast-png';
import type { Intrinsics } from '../geometry/types';

export interface RgbdFrameFiles {
  id: string;
  color: string;
  depth?: string;
  pose?: string;
}

/** Groups a folder's file names into frames, in frame order. */
export function groupRgbdFiles(names: string[]): RgbdFrameFiles[] {
  const frames = new Map<string, RgbdFrameFiles>();
  for (const name of names) {
    const m = /^(.*?)\.(color\.(?:jpg|jpeg|png)|depth\.png|pose\.txt)$/i.exec(name.split('/').pop()!);
    if (!m) continue;
    const id = m[1]!;
    const f = frames.get(id) ?? { id, color: '' };
    const kind = m[2]!.toLowerCase();
    if (kind.startsWith('color')) f.color = name;
    else if (kind === 'depth.png') f.depth = name;
    else f.pose = name;
    frames.set(id, f);
  }
  return [...frames.values()].filter((f) => f.color).sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
}

function numbers(text: string): number[] {
  return text.trim().split(/\s+/).map(Number);
}

export function parseIntrinsics(text: string): Intrinsics {
  const v = numbers(text);
  if (v.length < 9 || v.some((x) => !Number.isFinite(x))) throw new Error('camera-intrinsics.txt must hold a 3x3 matrix of numbers');
  const [fx, , cx, , fy, cy] = v as [number, number, number, number, number, number];
  if (fx <= 0 || fy <= 0) throw new Error('camera-intrinsics.txt has a non-positive focal length');
  return { fx, fy, cx, cy };
}

/** A 4x4 camera-to-world pose (row-major text) as a column-major Float32Array; null when it has NaN or infinities. */
export function parsePose(text: string): Float32Array | null {
  const v = numbers(text);
  if (v.length < 16 || v.slice(0, 16).some((x) => !Number.isFinite(x))) return null;
  const m = new Float32Array(16);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) m[c * 4 + r] = v[r * 4 + c]!;
  orthonormalise(m);
  return m;
}

/**
 * Makes the rotation part exactly a rotation (Gram-Schmidt on its columns). Recorded poses are written with a few
 * digits and drift from orthonormal by ~1e-4, which reads as a 1 degree rotation error wherever an angle is taken
 * from the trace of a relative rotation.
 */
function orthonormalise(m: Float32Array): void {
  const a = [m[0]!, m[1]!, m[2]!];
  const b = [m[4]!, m[5]!, m[6]!];
  const na = Math.hypot(a[0]!, a[1]!, a[2]!);
  for (let i = 0; i < 3; i++) a[i]! /= na;
  const dot = a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
  for (let i = 0; i < 3; i++) b[i]! -= dot * a[i]!;
  const nb = Math.hypot(b[0]!, b[1]!, b[2]!);
  for (let i = 0; i < 3; i++) b[i]! /= nb;
  const c = [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
  m.set(a, 0);
  m.set(b, 4);
  m.set(c, 8);
}

/** A 16-bit depth PNG in millimetres → metres (0 = invalid). */
export function decodeDepthPng(bytes: Uint8Array): { width: number; height: number; depth: Float32Array } {
  const png = decode(bytes);
  if (png.channels !== 1 || png.depth !== 16) throw new Error(`depth must be a 1-channel 16-bit PNG (got ${png.channels} channel(s), ${png.depth}-bit)`);
  const src = png.data as Uint16Array;
  const depth = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) depth[i] = src[i]! === 65535 ? 0 : src[i]! / 1000;
  return { width: png.width, height: png.height, depth };
}
