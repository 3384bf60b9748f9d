// The sessions list's state (zustand), apart from the app store: only the sessions pane reads it.
import { create } from 'zustand';
import type { SessionMeta } from '../sessions/types';

export interface SessionsState {
  list: SessionMeta[];
  /** The session the map on screen belongs to (being recorded, reopened or imported); its chat is saved to it. */
  current: string | null;
  /** The session being recorded now (it cannot be deleted while it is). */
  recording: string | null;
  /** 'full': the browser's storage for this site is full and saving is paused; 'failed': saving stopped for another reason. */
  saving: 'ok' | 'full' | 'failed';
}

export const useSessions = create<SessionsState>(() => ({ list: [], current: null, recording: null, saving: 'ok' }));
