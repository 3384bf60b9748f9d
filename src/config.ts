// Run-time settings, from the page URL (so tests and power users can set them without a rebuild) with defaults for
// real users: models from the Hugging Face hub, WebGPU when the device has it. The URL is untrusted (anyone can send
// a link): it may point the app only at paths on its own origin. Other hosts are set when the app is built.
import type { ModelRuntime } from './models/backend';
import type { ModelSource } from './models/loader';
import { HUB_BASE_URL } from './models/loader';
import { parseTier, type TierId } from './models/tiers';

/**
 * "Try the demo room" plays this video. A placeholder path on the app's own origin: a deployment puts a short
 * room video there (public/demo/) or builds with VITE_DEMO_VIDEO_URL; `?demo=<URL>` overrides both.
 */
export const DEFAULT_DEMO_VIDEO_URL = '/demo/room3r-demo.webm';

/** What the build fixed: a model mirror on another host (trusted: the deployer chose it), the demo video. */
export interface BuildSettings {
  modelBaseUrl: string;
  demoVideoUrl: string;
}

const BUILD_SETTINGS: BuildSettings = {
  modelBaseUrl: import.meta.env.VITE_MODEL_BASE_URL ?? '',
  demoVideoUrl: import.meta.env.VITE_DEMO_VIDEO_URL ?? '',
};

export interface AppConfig extends ModelRuntime {
  /** Frames the chat model looks at per question; null: the tier's (`?vlmFrames=` sets it, 1 to 64). */
  vlmFrames: number | null;
  /** `?tier=quality|light`: overrides the model tier the user chose (tests); null: the user's choice. */
  tier: TierId | null;
  /** Absolute URL of the demo room video. */
  demoVideoUrl: string;
  /** URL settings that were refused, worded for the user (shown when the app starts). */
  problems: string[];
}

const mirror = (url: URL): ModelSource => ({ kind: 'mirror', baseUrl: url.href.replace(/\/+$/, '') });

export function readConfig(search: string, origin: string, build: BuildSettings = BUILD_SETTINGS): AppConfig {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const resolve = (value: string) => (URL.canParse(value, origin) ? new URL(value, origin) : null);
  const hostOf = (value: string) => resolve(value)?.host || value.slice(0, 80);

  let modelSource: ModelSource = build.modelBaseUrl ? mirror(new URL(build.modelBaseUrl, origin)) : { kind: 'hub', baseUrl: HUB_BASE_URL };
  const models = params.get('models');
  const modelsUrl = models ? resolve(models) : null;
  if (models && modelsUrl?.origin === origin) modelSource = mirror(modelsUrl);
  else if (models) {
    problems.push(
      `This link asks Room3R to load its models from ${hostOf(models)}. Models are loaded only from ${build.modelBaseUrl ? "this build's model host" : 'the Hugging Face hub'} or from this site, so nothing was loaded from there.`,
    );
  }

  // The demo video: a path on this site, or on the host the build names for it.
  const buildDemo = build.demoVideoUrl ? resolve(build.demoVideoUrl) : null;
  let demoVideoUrl = (buildDemo ?? resolve(DEFAULT_DEMO_VIDEO_URL)!).href;
  const demo = params.get('demo');
  const demoUrl = demo ? resolve(demo) : null;
  if (demoUrl && (demoUrl.origin === origin || demoUrl.origin === buildDemo?.origin)) demoVideoUrl = demoUrl.href;
  else if (demo) problems.push(`This link asks for a demo video from ${hostOf(demo)}, which this site does not allow; "Try the demo room" plays its own.`);

  const backend = params.get('backend');
  const frames = Number(params.get('vlmFrames'));
  return {
    modelSource,
    backend: backend === 'webgpu' || backend === 'wasm' ? backend : 'auto',
    vlmFrames: Number.isInteger(frames) && frames >= 1 && frames <= 64 ? frames : null,
    tier: parseTier(params.get('tier')),
    demoVideoUrl,
    problems,
  };
}
