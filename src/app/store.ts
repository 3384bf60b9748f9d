// UI state (zustand). Bulk data (points, frames) never passes through here: the 3D view gets
// keyframes directly and this store holds only what the panes display.
import { create } from 'zustand';
import type { TrackingState } from '../geometry/types';
import type { BackendChoice } from '../models/backend';
import type { FileProgress } from '../models/loader';
import type { ModelRole } from '../models/manifest';
import type { AnswerHighlight } from '../spatial/types';
import type { MeasureReadout } from '../view/measure';

export type { ModelRole };

export type ModelPhase = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelStatus {
  phase: ModelPhase;
  /** Per-file download progress, by path. */
  files: Record<string, FileProgress>;
  backend?: BackendChoice;
  /** What the ready model shows beside its backend (the chat's frame budget). */
  note?: string;
  error?: string;
}

export type CaptureMode = 'idle' | 'camera' | 'recording' | 'video' | 'images';

/** A recording, a video or an image set is being captured (the camera merely being on is not). */
export const captureRunning = (mode: CaptureMode) => mode === 'recording' || mode === 'video' || mode === 'images';

export interface CaptureState {
  mode: CaptureMode;
  /** What is being captured (a file name, "camera"), or the session shown. */
  source?: string;
  /** When the running capture started (Date.now()), for its elapsed time. */
  startedAt?: number;
  /** Video inputs this device has, known once the camera was allowed: two or more offer a switch. */
  cameras: number;
  /** The screen is kept awake during a capture ('on'), the browser gives no wake lock ('unavailable'), or none is held. */
  wakeLock: 'off' | 'on' | 'unavailable';
  /** Why a video being reconstructed waits, e.g. "the chat model is answering" (null: it does not). */
  waiting: string | null;
}

export interface SceneStats {
  framesSeen: number;
  keyframes: number;
  points: number;
  /** Keyframes waiting for the geometry model. */
  queue: number;
  /** Camera path length over keyframes (m). */
  pathLength: number;
  /** Axis-aligned extent of the points (m), [x, y, z]. */
  extent: [number, number, number] | null;
  durationMs: number;
  /** Depth model time on the last keyframe (ms): 0 when the depth came with the frame, null before any. */
  lastDepthMs: number | null;
  /** Tracking of the last keyframe. */
  tracking: TrackingState;
  /** Keyframes whose tracking was lost. */
  lostKeyframes: number;
}

export interface ChatMessage {
  id: number;
  role: 'user' | 'assistant';
  text: string;
  streaming: boolean;
  stopped?: boolean;
  error?: string;
  /** Set when the answer was measured on the map (not written by the VLM): the question type it answered. */
  measured?: string;
  /** Set on the VLM's answers: which model wrote it and from how many frames (e.g. "SmolVLM-256M, 8 frames"). */
  writtenBy?: string;
  /** While a reply is being prepared: what is being done, e.g. "Looking for the sofa in 40 keyframes: 12 done". */
  progress?: string;
  /** A measured answer's objects and segments (gravity frame), for "Show in 3D view". */
  highlight?: AnswerHighlight;
  /** An action offered with a failed answer: run the chat model on WASM (it failed on WebGPU). */
  offer?: 'vlm-wasm';
}

export interface Notice {
  id: number;
  level: 'error' | 'warning' | 'info';
  text: string;
  /**
   * A state the app reports ('tracking', 'saving', ...): a newer notice with the same key replaces the old one, and
   * the state's end clears it (`clearNotice`), so a recovered state does not stay on screen.
   */
  key?: string;
}

/** The most notices kept; the panel shows the newest few and the rest on request. */
export const MAX_NOTICES = 8;

export const EMPTY_SCENE: SceneStats = {
  framesSeen: 0,
  keyframes: 0,
  points: 0,
  queue: 0,
  pathLength: 0,
  extent: null,
  durationMs: 0,
  lastDepthMs: null,
  tracking: { status: 'initialised', inliers: 0 },
  lostKeyframes: 0,
};

interface AppState {
  models: Record<ModelRole, ModelStatus>;
  capture: CaptureState;
  scene: SceneStats;
  messages: ChatMessage[];
  notices: Notice[];
  /** Bumped when the render worker is replaced: the view pane then makes a new canvas. */
  viewEpoch: number;
  bumpViewEpoch(): void;
  setModel(role: ModelRole, patch: Partial<ModelStatus>): void;
  setFileProgress(role: ModelRole, p: FileProgress): void;
  /** Sets the capture mode; a capture that starts gets its start time. */
  setCapture(mode: CaptureMode, source?: string): void;
  patchCapture(patch: Partial<Pick<CaptureState, 'cameras' | 'wakeLock' | 'waiting'>>): void;
  setScene(patch: Partial<SceneStats>): void;
  addMessage(m: Omit<ChatMessage, 'id'>): number;
  /** The chat of a reopened session replaces the one shown. */
  replaceMessages(ms: Omit<ChatMessage, 'id'>[]): void;
  updateMessage(id: number, patch: Partial<ChatMessage> | ((m: ChatMessage) => Partial<ChatMessage>)): void;
  /** Tells the user something; `key` marks a state (see Notice.key). The same text twice in a row is shown once. */
  notify(level: Notice['level'], text: string, key?: string): void;
  /** The state `key` is over: its notice goes. */
  clearNotice(key: string): void;
  dismiss(id: number): void;
  dismissAll(): void;
}

let nextId = 1;
const idleModel = (): ModelStatus => ({ phase: 'idle', files: {} });

export const useApp = create<AppState>((set) => ({
  models: { geometry: idleModel(), detector: idleModel(), vlm: idleModel() },
  capture: { mode: 'idle', cameras: 0, wakeLock: 'off', waiting: null },
  scene: EMPTY_SCENE,
  messages: [],
  notices: [],
  viewEpoch: 0,
  bumpViewEpoch: () => set((s) => ({ viewEpoch: s.viewEpoch + 1 })),
  setModel: (role, patch) => set((s) => ({ models: { ...s.models, [role]: { ...s.models[role], ...patch } } })),
  setFileProgress: (role, p) =>
    set((s) => ({
      models: { ...s.models, [role]: { ...s.models[role], files: { ...s.models[role].files, [p.path]: p } } },
    })),
  setCapture: (mode, source) =>
    set((s) => ({
      capture: {
        ...s.capture,
        mode,
        source,
        startedAt: !captureRunning(mode) ? undefined : s.capture.mode === mode && s.capture.startedAt !== undefined ? s.capture.startedAt : Date.now(),
      },
    })),
  patchCapture: (patch) => set((s) => ({ capture: { ...s.capture, ...patch } })),
  setScene: (patch) => set((s) => ({ scene: { ...s.scene, ...patch } })),
  addMessage: (m) => {
    const id = nextId++;
    set((s) => ({ messages: [...s.messages, { ...m, id }] }));
    return id;
  },
  replaceMessages: (ms) => set({ messages: ms.map((m) => ({ ...m, id: nextId++ })) }),
  updateMessage: (id, patch) =>
    set((s) => ({
      messages: s.messages.map((m) => (m.id === id ? { ...m, ...(typeof patch === 'function' ? patch(m) : patch) } : m)),
    })),
  notify: (level, text, key) =>
    set((s) => {
      const others = s.notices.filter((n) => n.text !== text && (key === undefined || n.key !== key));
      return { notices: [...others, { id: nextId++, level, text, key }].slice(-MAX_NOTICES) };
    }),
  clearNotice: (key) => set((s) => ({ notices: s.notices.filter((n) => n.key !== key) })),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  dismissAll: () => set({ notices: [] }),
}));

// ── The 3D view's measuring tool ──────────────────────────────────────────────────────────────────────────
// Its own small store: only the view pane reads it. `active` is set here at once (the button answers without
// waiting for the render worker); the readout comes from the render worker, which does the picking.

export interface MeasureState {
  active: boolean;
  readout: MeasureReadout | null;
  setActive(on: boolean): void;
  setReadout(r: MeasureReadout): void;
}

export const useMeasure = create<MeasureState>((set) => ({
  active: false,
  readout: null,
  setActive: (active) => set({ active, readout: null }),
  setReadout: (readout) => set({ readout }),
}));
