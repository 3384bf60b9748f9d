// Export of a saved session (PLY point cloud, TUM trajectory, chat JSON) and import of a PLY + TUM pair as a
// new, view-only session. Exports are in the map's gravity frame (+y up, floor at y = 0 when found), points
// and poses alike, so the files line up with each other in any viewer; an import is stored as given.
import { boundsOf, type KeyframeInfo } from '../geometry/types';
import { identity, multiply, transformPoints } from '../geometry/mat4';
import { eachPointChunk, loadSession, newSessionId, type SessionsDb } from './db';
import { PlyError, readPly, writePly, type PointCloud } from './ply';
import { readTum, writeTum } from './tum';
import type { KeyframeRecord, SessionMeta } from './types';

/** The gravity frame as of the session's last keyframe. */
function gravityOf(keyframes: KeyframeRecord[]): Float32Array {
  const last = keyframes.reduce<KeyframeRecord | null>((a, k) => (!a || k.index > a.index ? k : a), null);
  return last ? new Float32Array(last.info.world.toGravity) : identity();
}

export async function exportPly(db: SessionsDb, id: string): Promise<Blob> {
  const { meta, keyframes } = await loadSession(db, id);
  const toGravity = gravityOf(keyframes);
  const chunks: PointCloud[] = [];
  await eachPointChunk(db, id, (c) => chunks.push({ points: transformPoints(toGravity, c.points), colors: c.colors }));
  return writePly(chunks, [`Room3R session "${meta.name.replace(/\s+/g, ' ')}"`, 'metres, gravity frame: +y up']);
}

export async function exportTum(db: SessionsDb, id: string): Promise<string> {
  const { meta, keyframes } = await loadSession(db, id);
  const toGravity = gravityOf(keyframes);
  const tracked = keyframes.filter((k) => k.info.tracking.status !== 'lost').sort((a, b) => a.info.timestampMs - b.info.timestampMs);
  return writeTum(
    tracked.map((k) => ({ timestamp: k.info.timestampMs / 1000, pose: multiply(toGravity, new Float32Array(k.info.pose)) })),
    [`Room3R session "${meta.name.replace(/\s+/g, ' ')}": camera-to-world, metres, gravity frame (+y up), OpenCV camera axes`],
  );
}

export async function exportChat(db: SessionsDb, id: string): Promise<string> {
  const { meta, chat } = await loadSession(db, id);
  return JSON.stringify({ session: meta.name, createdAt: new Date(meta.createdAt).toISOString(), messages: chat }, null, 2);
}

/** Intrinsics for the camera frustums of imported poses (TUM carries none): a 640x480 camera with a 60° field. */
const IMPORT_CAMERA = { intrinsics: { fx: 554, fy: 554, cx: 320, cy: 240 }, width: 640, height: 480 };
const IMPORT_CHUNK = 200_000;

/** Files bigger than these are refused before they are read: an import must never take down the worker that holds the live map. */
export const MAX_IMPORT_BYTES = { ply: 512 * 1024 ** 2, trajectory: 16 * 1024 ** 2 };
/** The most camera poses an import keeps (what the 3D view draws); a longer trajectory is thinned evenly. */
export const MAX_IMPORT_POSES = 4096;

/** Why a PLY + trajectory pair of these sizes is refused, or null. */
export function importSizeProblem(plyBytes: number, trajectoryBytes: number): string | null {
  const mb = (n: number) => `${Math.ceil(n / 1024 ** 2)} MB`; // up, so a file just over the limit does not read as equal to it
  if (plyBytes > MAX_IMPORT_BYTES.ply) return `The point cloud is ${mb(plyBytes)}; at most ${mb(MAX_IMPORT_BYTES.ply)} can be imported.`;
  if (trajectoryBytes > MAX_IMPORT_BYTES.trajectory)
    return `The trajectory is ${mb(trajectoryBytes)}; at most ${mb(MAX_IMPORT_BYTES.trajectory)} can be imported.`;
  return null;
}

/**
 * Stores a PLY point cloud and a TUM trajectory as a new session. Returns its id and what the user should know of
 * what was left out (points without finite coordinates, a cloud or a trajectory thinned to what the view holds).
 * Throws PlyError / TumError.
 */
export async function importSession(db: SessionsDb, name: string, ply: ArrayBuffer, tum: string): Promise<{ id: string; notes: string[] }> {
  const sizeProblem = importSizeProblem(ply.byteLength, tum.length);
  if (sizeProblem) throw new PlyError(sizeProblem);
  const cloud = readPly(ply);
  const allPoses = readTum(tum);
  const poseStep = Math.max(1, Math.ceil(allPoses.length / MAX_IMPORT_POSES));
  const poses = allPoses.filter((_, i) => i % poseStep === 0);
  const count = (v: number) => v.toLocaleString('en');
  const notes: string[] = [];
  if (cloud.nonFinite) notes.push(`${count(cloud.nonFinite)} points without finite coordinates were left out.`);
  if (cloud.step > 1) notes.push(`The cloud's ${count(cloud.declared)} points were thinned to ${count(cloud.points.length / 3)}.`);
  if (poseStep > 1) notes.push(`The trajectory's ${count(allPoses.length)} poses were thinned to ${count(poses.length)}.`);
  const id = newSessionId();
  const now = Date.now();
  const n = cloud.points.length / 3;
  const meta: SessionMeta = {
    id,
    name,
    createdAt: now,
    updatedAt: now,
    state: 'imported',
    keyframes: poses.length,
    points: n,
    bytes: ply.byteLength + tum.length,
    framesSeen: poses.length,
  };
  const world = { toGravity: identity(), gravitySource: 'cameras' as const, voxels: n, extent: null };
  const tx = db.transaction(['sessions', 'keyframes', 'points'], 'readwrite');
  const writes: Promise<unknown>[] = [tx.objectStore('sessions').put(meta)];
  poses.forEach((p, index) => {
    // The summary counts points per keyframe: the whole cloud is put on the first one.
    const info: KeyframeInfo = {
      index,
      sourceFrame: index,
      timestampMs: p.timestamp * 1000,
      pose: p.pose,
      tracking: { status: 'tracked', inliers: 0 },
      world,
      ...IMPORT_CAMERA,
      timings: { inferenceMs: 0, postMs: 0 },
      pointCount: index === 0 ? n : 0,
      bounds: index === 0 ? boundsOf(cloud.points) : null,
    };
    writes.push(tx.objectStore('keyframes').put({ sessionId: id, index, info, image: null, stored: null }));
  });
  for (let seq = 0; seq * IMPORT_CHUNK < n; seq++) {
    const [a, b] = [seq * IMPORT_CHUNK * 3, Math.min(n, (seq + 1) * IMPORT_CHUNK) * 3];
    writes.push(tx.objectStore('points').put({ sessionId: id, seq, points: cloud.points.slice(a, b), colors: cloud.colors.slice(a, b) }));
  }
  await Promise.all([...writes, tx.done]);
  return { id, notes };
}
