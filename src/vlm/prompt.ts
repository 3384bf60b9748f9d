// Builds the chat messages for one VLM request. The order makes the expensive part reusable: a constant system
// message, then the frames in a message of their own, then the earlier turns as plain text, then the new turn with
// the measured scene context and the question. Two questions on the same frames share the prompt up to the end of
// the frames, so the second reuses their KV cache (src/vlm/vlmChat.ts) and only the text after them is read again.
// The plan of the map (when there is one) is the new turn's image: it changes as the map grows, so it comes after
// the frames and the history.
// Plain data in, plain data out: runs in Node and in a Web Worker.
import type { RgbaImage } from '../geometry/types';
import type { ChatTurn, VlmFrame, VlmRequest } from './types';

export type ContentPart = { type: 'image' } | { type: 'text'; text: string };

/** The message shape transformers.js' `apply_chat_template` takes (Qwen3-VL template). */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

export const DEFAULT_SYSTEM_PREAMBLE =
  'You are the assistant of Room3R, an app that reconstructs a room from a video. ' +
  'Answer questions about the room using the video frames and the measured scene context given with each question. ' +
  'Distances and sizes in the context are metric (meters) and come from the reconstruction; ' +
  'prefer them over guesses from the images, and say when something is not in the data.';

/** Closes the frames' message (constant, so it is part of the reusable prefix). */
export const FRAMES_NOTE = '\nThese are frames of the room video, in capture order.';

export interface PromptOptions {
  /** At most this many frames (sampled uniformly over the given ones). Default 32. */
  maxFrames?: number;
  /** The system message. */
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

/** The new turn's text: the scene context measured now (it changes as the map grows), then the question. */
export function questionText(spatialContext: string, question: string): string {
  const ctx = spatialContext.trim();
  const q = question.trim();
  return ctx ? `Scene context (measured on the 3D map):\n${ctx}\n\nQuestion: ${q}` : q;
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
  /** The frames in the frames' message, in the order of its image parts. */
  frames: VlmFrame[];
  /** The plan image, the prompt's last image part (after every frame). */
  plan?: RgbaImage;
}

export function buildMessages(request: VlmRequest, options: PromptOptions = {}): BuiltPrompt {
  const frames = sampleFrames(request.frames, options.maxFrames ?? 32);
  const label = options.labelFrames ?? true;
  const messages: ChatMessage[] = [{ role: 'system', content: options.systemPreamble ?? DEFAULT_SYSTEM_PREAMBLE }];
  if (frames.length > 0) {
    const parts: ContentPart[] = [];
    frames.forEach((frame, i) => {
      if (label) parts.push({ type: 'text', text: frameLabel(frame, i) });
      parts.push({ type: 'image' });
    });
    parts.push({ type: 'text', text: FRAMES_NOTE });
    messages.push({ role: 'user', content: parts });
  }
  const question = questionText(request.spatialContext, request.question);
  const plan = request.plan;
  const newTurn: ContentPart[] = plan ? [{ type: 'image' }, { type: 'text', text: `${plan.caption}\n\n${question}` }] : [{ type: 'text', text: question }];
  messages.push(...historyMessages(request.history), { role: 'user', content: newTurn });
  return { messages, frames, plan: plan?.image };
}
