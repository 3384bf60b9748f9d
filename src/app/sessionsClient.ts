// The main thread's side of saved sessions. The geometry worker saves the map as it grows (points never cross the
// main thread) and reopens, exports and imports sessions; this client saves the chat, lists, renames and deletes
// (small records), and mirrors it all into the sessions store that only the sessions pane reads.
import * as Comlink from 'comlink';
import type { KeyframeInfo } from '../geometry/types';
import { deleteSession, isQuotaError, listSessions, openSessionsDb, renameSession, saveChat, type SessionsDb } from '../sessions/db';
import type { SessionMeta } from '../sessions/types';
import type { GeometryWorkerApi } from '../../workers/geometry.worker';
import { useSessions } from './sessionsStore';
import { useApp } from './store';
import type { WorkerHandle } from './workerHandle';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** What the controller does when the map on screen is replaced by a saved one, or emptied for a new one. */
export interface MapHost {
  /** Shows these keyframes' figures (empty: a new, empty map); `meta` is set for a reopened session. */
  replaceMap(infos: KeyframeInfo[], meta?: SessionMeta): void;
  /** Empties the map, the 3D view and the chat. */
  clearMap(): Promise<void>;
}

export class SessionsClient {
  private sessionsDb: Promise<SessionsDb> | null = null;
  private chatTimer: ReturnType<typeof setTimeout> | null = null;
  /** The chat last saved, per session: a chat shown again unchanged (reopening) is not written again. */
  private savedChat = new Map<string, string>();
  private listTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly geometry: WorkerHandle<GeometryWorkerApi>,
    private readonly host: MapHost,
  ) {
    useApp.subscribe((s, prev) => {
      if (s.messages !== prev.messages) this.scheduleChatSave();
    });
  }

  private db(): Promise<SessionsDb> {
    this.sessionsDb ??= openSessionsDb();
    return this.sessionsDb;
  }

  /** The geometry worker (new or restarted) tells this client when saving pauses or resumes. */
  watchWorker(): void {
    void this.geometry.api.watchSaving(Comlink.proxy((state: 'ok' | 'full' | 'failed', message: string) => this.savingChanged(state, message)));
    void this.refresh();
  }

  /** The capture goes into the current session, or a new one; a capture after reopening starts a new map. */
  async begin(name: string): Promise<void> {
    try {
      const { id, reset } = await this.geometry.call((api) => api.beginSession(name));
      if (reset) this.host.replaceMap([]);
      // A new session's writer starts unpaused; one that goes on keeps its state.
      useSessions.setState((s) => ({ current: id, recording: id, saving: id === s.current ? s.saving : 'ok' }));
    } catch (err) {
      useApp.getState().notify('warning', `This capture is not being saved: ${errorText(err)}. It still works in memory.`);
    }
  }

  /** The capture ended: its session is no longer being recorded. */
  captureEnded(): void {
    useSessions.setState({ recording: null });
    void this.refresh();
  }

  /** The map on screen is gone (a new capture, or the geometry worker died): no session is shown. */
  detach(): void {
    useSessions.setState({ current: null, recording: null, saving: 'ok' });
  }

  async refresh(): Promise<void> {
    try {
      useSessions.setState({ list: await listSessions(await this.db()) });
    } catch (err) {
      useApp.getState().notify('warning', `Saved sessions cannot be read in this browser (${errorText(err)}).`);
    }
  }

  /** The list's counts follow a recording, at most every 2 s. */
  listChanged(): void {
    this.listTimer ??= setTimeout(() => {
      this.listTimer = null;
      void this.refresh();
    }, 2000);
  }

  private savingChanged(state: 'ok' | 'full' | 'failed', message: string): void {
    useSessions.setState({ saving: state });
    // One notice for the saving state: "Saving resumed" replaces "Storage is full".
    useApp.getState().notify(state === 'ok' ? 'info' : 'error', message, 'saving');
    void this.refresh();
  }

  /** Saves the chat to the current session within a second of a change (a streaming reply is saved as it grows). */
  private scheduleChatSave(): void {
    if (this.chatTimer || !useSessions.getState().current) return;
    this.chatTimer = setTimeout(() => void this.saveChatNow(), 500);
  }

  async saveChatNow(): Promise<void> {
    if (this.chatTimer) clearTimeout(this.chatTimer);
    this.chatTimer = null;
    const id = useSessions.getState().current;
    if (!id) return;
    const messages = useApp
      .getState()
      .messages.map(({ role, text, stopped, error, measured, writtenBy, highlight }) => ({ role, text, stopped, error, measured, writtenBy, highlight }));
    const json = JSON.stringify(messages);
    if (this.savedChat.get(id) === json) return;
    try {
      await saveChat(await this.db(), id, messages);
      this.savedChat.set(id, json);
    } catch (err) {
      if (isQuotaError(err)) this.savingChanged('full', 'Storage is full: the chat could not be saved. Delete old sessions to free space.');
      else useApp.getState().notify('warning', `The chat could not be saved: ${errorText(err)}.`);
    }
  }

  /** Shows a saved session: its map and camera path in the 3D view, its chat, and its objects for questions. */
  async reopen(id: string): Promise<void> {
    const store = useApp.getState();
    const name = this.nameOf(id, 'the session');
    try {
      const { meta, infos, chat } = await this.geometry.call((api) => api.openSession(id));
      this.savedChat.set(id, JSON.stringify(chat));
      this.host.replaceMap(infos, meta);
      // The session first, so the chat it brings is saved to it and not to the one shown before.
      useSessions.setState({ current: id, recording: null, saving: 'ok' });
      store.replaceMessages(chat.map((m) => ({ ...m, streaming: false })));
      store.setCapture('idle', meta.name);
    } catch (err) {
      store.notify('error', `Could not reopen "${name}": ${errorText(err)}`);
    }
  }

  async rename(id: string, name: string): Promise<void> {
    try {
      await renameSession(await this.db(), id, name.trim() || 'Untitled');
    } catch (err) {
      useApp.getState().notify('error', `Could not rename the session: ${errorText(err)}`);
    }
    await this.refresh();
  }

  /**
   * Deletes a saved session (not the one being recorded); saving, if storage was full, is retried. Deleting the
   * session on screen clears the map and the chat too: they would otherwise stand for a session that no longer exists.
   */
  async remove(id: string): Promise<void> {
    try {
      if (id === useSessions.getState().recording) throw new Error('it is being recorded; stop the capture first');
      const shown = useSessions.getState().current === id;
      if (shown) this.detach(); // first, so nothing of it is saved again while it goes
      // The geometry worker's writer of this session stops first: a late write would bring it back.
      await this.geometry.call((api) => api.forgetSession(id)).catch(() => {});
      await deleteSession(await this.db(), id);
      if (shown) await this.host.clearMap();
      if (useSessions.getState().saving !== 'ok') await this.geometry.call((api) => api.resumeSaving());
    } catch (err) {
      useApp.getState().notify('error', `Could not delete the session: ${errorText(err)}`);
    }
    await this.refresh();
  }

  /** Downloads the point cloud (PLY), the camera path (TUM) or the chat (JSON) of a saved session. */
  async export(id: string, kind: 'ply' | 'tum' | 'chat'): Promise<void> {
    const name = this.nameOf(id, 'session');
    try {
      const blob = await this.geometry.call((api) => api.exportSession(id, kind));
      const base = name.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'session';
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = { ply: `${base}.ply`, tum: `${base}-trajectory.txt`, chat: `${base}-chat.json` }[kind];
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
    } catch (err) {
      useApp.getState().notify('error', `Could not export "${name}": ${errorText(err)}`);
    }
  }

  /** Imports a point cloud (PLY) and a camera path (TUM text) as a new, view-only session and shows it. */
  async import(files: File[]): Promise<void> {
    const store = useApp.getState();
    const ply = files.find((f) => /\.ply$/i.test(f.name));
    const trajectory = files.find((f) => f !== ply);
    if (!ply || !trajectory || files.length !== 2) {
      store.notify('error', 'To import, choose two files together: a point cloud (.ply) and its camera trajectory (TUM text: timestamp tx ty tz qx qy qz qw).');
      return;
    }
    try {
      const { id, notes } = await this.geometry.call((api) => api.importSession(ply.name.replace(/\.ply$/i, ''), ply, trajectory));
      await this.refresh();
      await this.reopen(id);
      if (notes.length) store.notify('info', `Imported ${ply.name}: ${notes.join(' ')}`);
    } catch (err) {
      store.notify(
        'error',
        isQuotaError(err)
          ? 'Storage is full: the import could not be saved. Delete old sessions to free space.'
          : `Could not import ${ply.name} and ${trajectory.name}: ${errorText(err)}`,
      );
    }
  }

  private nameOf(id: string, fallback: string): string {
    return useSessions.getState().list.find((s) => s.id === id)?.name ?? fallback;
  }
}
