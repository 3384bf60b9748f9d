// What the chat sends to the VLM and gets back.
import type { RgbaImage } from '../geometry/types';

export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
}

/** The long side of the keyframe copies the geometry worker sends the VLM worker (px). */
export const VLM_FRAME_LONG_SIDE = 448;

/** A frame given to the VLM, with where it sits in the capture. */
export interface VlmFrame {
  image: RgbaImage;
  timestampMs: number;
  sourceFrame: number;
}

export interface PlanForVlm {
  image: RgbaImage;
  caption: string;
}

export interface VlmRequest {
  /** Earlier turns of this chat, oldest first. */
  history: ChatTurn[];
  question: string;
  /** Compact text assembled from the scene (sizes, counts, trajectory) for the model to use. */
  spatialContext: string;
  /** Frames sampled uniformly over the capture (at most the configured count). */
  frames: VlmFrame[];
  /** A top-down plan of the map (src/scene/planImage.ts) and how to read it: the prompt's last image. */
  plan?: PlanForVlm;
  maxNewTokens?: number;
}

/** Where a question is before its first token: frames through the vision encoder, then prompt tokens read. */
export interface VlmStepProgress {
  phase: 'frames' | 'prompt';
  done: number;
  total: number;
}

/** The step as the chat shows it while the reply has not started. */
export function vlmStepText(step: VlmStepProgress): string {
  if (step.phase === 'frames') return `Looking at the frames: ${step.done} of ${step.total}`;
  return `Reading the question and scene: ${Math.round((100 * step.done) / Math.max(1, step.total))}%`;
}
