// Run-time settings, from the page URL (so tests and power users can set them without a rebuild)
// with defaults for real users: models from the Hugging Face hub, WebGPU when the device has it.
import type { ModelRuntime } from './models/backend';
import type { ModelSource } from './models/loader';
import { HUB_BASE_URL } from './models/loader';
import { parseTier, type TierId } from './models/tiers';

/**
 * "Try the demo room" plays this video. A placeholder path on the app's own origin: a deployment puts a short
 * room video there (public/demo/) or builds with VITE_DEMO_VIDEO_URL; `?demo=<URL>` overrides both.
 */
export const DEFAULT_DEMO_VIDEO_URL = '/demo/room3r-demo.webm';

export interface AppConfig extends ModelRuntime {
  /** Frames the chat model looks at per question; null: the tier's (`?vlmFrames=` sets it, 1 to 64). */
  vlmFrames: number | null;
  /** `?tier=quality|light`: overrides the model tier the user chose (tests); null: the user's choice. */
  tier: TierId | null;
  /** Absolute URL of the demo room video. */
  demoVideoUrl: string;
}

export function readConfig(search: string, origin: string): AppConfig {
  const params = new URLSearchParams(search);
  const models = params.get('models') ?? import.meta.env.VITE_MODEL_BASE_URL ?? '';
  const modelSource: ModelSource = models
    ? { kind: 'mirror', baseUrl: new URL(models, origin).href.replace(/\/+$/, '') }
    : { kind: 'hub', baseUrl: HUB_BASE_URL };
  const backend = params.get('backend');
  const frames = Number(params.get('vlmFrames'));
  const demo = params.get('demo') || import.meta.env.VITE_DEMO_VIDEO_URL || DEFAULT_DEMO_VIDEO_URL;
  return {
    modelSource,
    backend: backend === 'webgpu' || backend === 'wasm' ? backend : 'auto',
    vlmFrames: Number.isInteger(frames) && frames >= 1 && frames <= 64 ? frames : null,
    tier: parseTier(params.get('tier')),
    // A malformed one is kept as given: "Try the demo room" then says it cannot be downloaded.
    demoVideoUrl: URL.canParse(demo, origin) ? new URL(demo, origin).href : demo,
  };
}
