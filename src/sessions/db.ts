// The sessions database (IndexedDB through `idb`). Plain module: runs in workers, on the main thread and in
// Node (fake-indexeddb). Writers of the same session meet in readwrite transactions on `sessions`, which
// IndexedDB serialises, so a rename never loses a count update or the other way round.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ChatRecord, DetectionRecord, KeyframeRecord, PointChunk, SavedChatMessage, SessionMeta } from './types';

export const SESSIONS_DB = 'room3r-sessions';

interface SessionsSchema extends DBSchema {
  sessions: { key: string; value: SessionMeta };
  keyframes: { key: [string, number]; value: KeyframeRecord };
  points: { key: [string, number]; value: PointChunk };
  detections: { key: [string, number]; value: DetectionRecord };
  chat: { key: string; value: ChatRecord };
}

export type SessionsDb = IDBPDatabase<SessionsSchema>;
export const BULK_STORES = ['keyframes', 'points', 'detections'] as const;

export function openSessionsDb(): Promise<SessionsDb> {
  return openDB<SessionsSchema>(SESSIONS_DB, 1, {
    upgrade(db) {
      db.createObjectStore('sessions', { keyPath: 'id' });
      db.createObjectStore('keyframes', { keyPath: ['sessionId', 'index'] });
      db.createObjectStore('points', { keyPath: ['sessionId', 'seq'] });
      db.createObjectStore('detections', { keyPath: ['sessionId', 'seq'] });
      db.createObjectStore('chat', { keyPath: 'sessionId' });
    },
  });
}

/** Every record of one session in a bulk store. */
export const sessionRange = (id: string) => IDBKeyRange.bound([id, -Infinity], [id, Infinity]);

/** True for a write refused because the origin's storage is full. */
export function isQuotaError(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || (name === 'UnknownError' && /quota|space/i.test(String((err as Error).message)));
}

export function newSessionId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Newest first. */
export async function listSessions(db: SessionsDb): Promise<SessionMeta[]> {
  return (await db.getAll('sessions')).sort((a, b) => b.createdAt - a.createdAt);
}

export async function renameSession(db: SessionsDb, id: string, name: string): Promise<void> {
  const tx = db.transaction('sessions', 'readwrite');
  const meta = await tx.store.get(id);
  if (!meta) throw new Error('That session no longer exists.');
  await tx.store.put({ ...meta, name });
  await tx.done;
}

export async function deleteSession(db: SessionsDb, id: string): Promise<void> {
  const tx = db.transaction(['sessions', 'chat', ...BULK_STORES], 'readwrite');
  await Promise.all([
    tx.objectStore('sessions').delete(id),
    tx.objectStore('chat').delete(id),
    ...BULK_STORES.map((s) => tx.objectStore(s).delete(sessionRange(id))),
  ]);
  await tx.done;
}

export async function saveChat(db: SessionsDb, id: string, messages: SavedChatMessage[]): Promise<void> {
  await db.put('chat', { sessionId: id, messages });
}

export async function loadChat(db: SessionsDb, id: string): Promise<SavedChatMessage[]> {
  return (await db.get('chat', id))?.messages ?? [];
}

export interface LoadedSession {
  meta: SessionMeta;
  keyframes: KeyframeRecord[];
  detections: DetectionRecord[];
  chat: SavedChatMessage[];
}

/** A session without its points (those are read chunk by chunk: `eachPointChunk`). */
export async function loadSession(db: SessionsDb, id: string): Promise<LoadedSession> {
  const tx = db.transaction(['sessions', 'keyframes', 'detections', 'chat']);
  const [meta, keyframes, detections, chat] = await Promise.all([
    tx.objectStore('sessions').get(id),
    tx.objectStore('keyframes').getAll(sessionRange(id)),
    tx.objectStore('detections').getAll(sessionRange(id)),
    tx.objectStore('chat').get(id),
  ]);
  if (!meta) throw new Error('That session no longer exists (it may have been deleted in another tab).');
  return { meta, keyframes, detections, chat: chat?.messages ?? [] };
}

/** Calls `fn` on each point chunk in order, one at a time (a large map never sits in memory twice). */
export async function eachPointChunk(db: SessionsDb, id: string, fn: (chunk: PointChunk) => void): Promise<void> {
  const keys = await db.getAllKeys('points', sessionRange(id));
  for (const key of keys) {
    const chunk = await db.get('points', key);
    if (chunk) fn(chunk);
  }
}
