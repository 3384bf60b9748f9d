// Builds the chat messages for one VLM request: a system message carrying the spatial context, the earlier
// turns as plain text, and the new user turn with the frames and the question. Frames go with the new turn
// only: earlier answers already used them, and re-sending them every turn would multiply the image tokens.
// Plain data in, plain data out: runs in Node and in a Web Worker.
import type { ChatTurn, VlmFrame, VlmRequest } from './types';

export type ContentPart = { type: 'image' } | { type: 'text'; text: string };

/** The message shape transformers.js' `apply_chat_template` takes (Qwen3-VL template). */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

export const DEFAULT_SYSTEM_PREAMBLE =
  'You are the assistant of Room3R, an app that reconstructs a room from a video. ' +
  'Answer questions about the room using the frames and the measured scene context below. ' +
  'Distances and sizes in the context are metric (meters) and come from the reconstruction; ' +
  'prefer them over guesses from the images, and say when something is not in the data.';

export interface PromptOptions {
  /** At most this many frames (sampled uniformly over the given ones). Default 32. */
  maxFrames?: number;
  /** Text before the spatial context in the system message. */
  systemPreamble?: string;
  /** Put "Frame k (t s):" before each image so answers can refer to moments of the capture. Default true. */
  labelFrames?: boolean;
}

/** Picks `max` frames spread uniformly over `frames` (first and last kept), in capture order. */
export function sampleFrames<T>(frames: readonly T[], max: number): T[] {
  const n = frames.length;
  const k = Math.max(0, Math.floor(max));
  if (n <= k) return [...frames];
  if (k === 0) return [];
  if (k === 1) return [frames[Math.floor((n - 1) / 2)]!];
  const out: T[] = [];
  for (let i = 0; i < k; i++) out.push(frames[Math.round((i * (n - 1)) / (k - 1))]!);
  return out;
}

export function systemText(spatialContext: string, preamble = DEFAULT_SYSTEM_PREAMBLE): string {
  const ctx = spatialContext.trim();
  return ctx ? `${preamble}\n\nScene context:\n${ctx}` : preamble;
}

function frameLabel(frame: VlmFrame, index: number): string {
  return `Frame ${index + 1} (${(frame.timestampMs / 1000).toFixed(1)} s): `;
}

function historyMessages(history: readonly ChatTurn[]): ChatMessage[] {
  // Empty turns (e.g. an answer that was stopped before its first token) carry nothing for the model.
  return history.filter((t) => t.text.trim().length > 0).map((t) => ({ role: t.role, content: t.text }));
}

export interface BuiltPrompt {
  messages: ChatMessage[];
  /** The frames attached to the new user turn, in the order of their image parts. */
  frames: VlmFrame[];
}

export function buildMessages(request: VlmRequest, options: PromptOptions = {}): BuiltPrompt {
  const frames = sampleFrames(request.frames, options.maxFrames ?? 32);
  const label = options.labelFrames ?? true;
  const parts: ContentPart[] = [];
  frames.forEach((frame, i) => {
    if (label) parts.push({ type: 'text', text: frameLabel(frame, i) });
    parts.push({ type: 'image' });
  });
  const question = request.question.trim();
  parts.push({ type: 'text', text: frames.length > 0 ? `\n${question}` : question });
  return {
    messages: [
      { role: 'system', content: systemText(request.spatialContext, options.systemPreamble) },
      ...historyMessages(request.history),
      { role: 'user', content: parts },
    ],
    frames,
  };
}
