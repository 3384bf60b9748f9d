// How many frames the chat model looks at per question on this device: the tier's count (32 for Qwen3-VL as in
// VLM-3R, 8 for SmolVLM), lowered when the device's memory, its GPU's buffer limits or its measured prompt speed
// cannot carry that many. The costs come from the loaded model itself (its KV cache bytes per token, the tokens
// one frame takes, its file sizes) and from what the browser reports (`navigator.deviceMemory`,
// `adapter.limits`), never from the model's name. Plain module: the VLM worker, the benchmark and tests use it.

/** What the browser says about the device. */
export interface DeviceFacts {
  backend: 'webgpu' | 'wasm';
  /** `navigator.deviceMemory` in GiB: rounded down to a power of two and capped (8 in Chrome for years; this machine's
   *  Chromium reports 16); absent in Safari and Firefox. */
  deviceMemoryGiB?: number;
  /** `adapter.limits.maxStorageBufferBindingSize` (WebGPU): the largest tensor one kernel can bind. */
  maxStorageBufferBindingSize?: number;
}

/** What the loaded chat model costs, read from its sessions, config and manifest. */
export interface ChatCosts {
  /** The chat model's files in the variant that runs. */
  weightsBytes: number;
  /** The other models' files (depth and detector), which share the device's memory. */
  otherModelsBytes: number;
  /** KV cache bytes one prompt token adds (every layer's key and value). */
  kvBytesPerToken: number;
  /** How many KV tensors there are (2 per layer): one of them holds kvBytesPerToken / kvTensors per token. */
  kvTensors: number;
  /** Vision features kept per frame token (hidden size x 4 bytes). */
  featureBytesPerToken: number;
  /** Prompt tokens one frame takes at the resolution the app sends. */
  tokensPerFrame: number;
  /** Prompt tokens besides the frames (instructions, scene summary, plan image, history, question). */
  textTokens: number;
  /** The output head (vocabulary x hidden) in fp32. */
  headBytes: number;
}

/** The part of ChatCosts the loaded model itself gives (VlmChat.frameCosts). */
export type FrameCosts = Pick<ChatCosts, 'tokensPerFrame' | 'kvBytesPerToken' | 'kvTensors' | 'featureBytesPerToken' | 'headBytes'>;

/** Measured on this device by earlier questions. */
export interface MeasuredSpeed {
  /** Prompt tokens per second through the language model (prefill). */
  prefillTokensPerSecond: number;
}

export type BudgetLimit = 'tier' | 'memory' | 'gpu-buffer' | 'speed';

export interface FrameBudget {
  frames: number;
  tokensPerFrame: number;
  limitedBy: BudgetLimit;
  /** Memory the chat model may use on this device. */
  chatBytes: number;
  /** The estimated peak of a question at this budget (weights, KV cache, features, one chunk's work). */
  peakBytes: number;
  /** The frames' KV cache kept between questions (prefix caching) up to this size. */
  prefixCacheBytes: number;
  /** The budget would not fit even one frame: the model itself barely fits or does not. */
  tight: boolean;
  /** One line for the status bar. */
  summary: string;
}

const GiB = 1024 ** 3;
/** Safari and Firefox do not report memory: assume a mid-range phone. */
export const ASSUMED_DEVICE_MEMORY_GIB = 4;
/** The share of the device's memory the app may take: the OS, the browser and other tabs hold the rest, and mobile
 *  browsers kill a tab that takes much more. */
const APP_SHARE = 0.5;
/** The page itself: the map, the 3D view's buffers, the captured keyframes, React. */
const PAGE_BYTES = 300e6;
/** Weights in memory per byte of model file (measured: the light tier's page peaked at 630 MB with 260 MB of files,
 *  45 MB of KV cache and one frame's vision pass; ORT's arena and prepacked copies make up the rest). */
const RESIDENT_PER_FILE_BYTE = 1.25;
/** One prefill chunk's or one frame's activations: logits within lmRunner's 100 MB budget, attention scores, MLP. */
const RUN_RESERVE_BYTES = 300e6;
/** On WASM a question also holds an fp32 copy of the 4-bit output head: ORT-web's WASM EP has no 4-bit kernel and
 *  dequantises each MatMulNBits weight at every call (one 2,048 x 151,936 node: +1,247 MB at its first call, its fp32
 *  size). The Qwen3-VL stand-in's browser processes grew by 2.4-2.8 GB during a question (npm run bench:vlm, 647-991
 *  tokens), of which KV, logits and this copy explain ~1.8 GB; the rest is outside what the heap estimate covers (the
 *  wasm32 heap cannot pass 4 GiB). WebGPU runs 4-bit matmuls natively (not measured here). */
const WASM_HEAD_COPIES = 1;
/** A wasm32 heap (ORT's WASM backend) cannot grow past 4 GiB; the chat worker's weights live in it. */
const WASM_HEAP_BYTES = 4 * GiB;
/** The prefix cache keeps the frames' KV while a question's own cache grows from a copy: two copies at the peak. */
const KV_COPIES = 2;
/** A warm question should reach its first token within this; past it, fewer frames. */
const PATIENCE_SECONDS = 30;
/** Fewer frames than this tell little about a room: speed alone never goes below it (memory may). */
const MIN_FRAMES_FOR_SPEED = 4;

/** `lightest`: the model is already the lightest tier's, so a device it barely fits is not sent to the light tier. */
export function chooseFrameBudget(tierFrames: number, costs: ChatCosts, device: DeviceFacts, speed?: MeasuredSpeed, lightest = false): FrameBudget {
  const memoryGiB = device.deviceMemoryGiB && device.deviceMemoryGiB > 0 ? device.deviceMemoryGiB : ASSUMED_DEVICE_MEMORY_GIB;
  const appBytes = memoryGiB * GiB * APP_SHARE;
  let chatBytes = appBytes - PAGE_BYTES - costs.otherModelsBytes * RESIDENT_PER_FILE_BYTE;
  if (device.backend === 'wasm') chatBytes = Math.min(chatBytes, WASM_HEAP_BYTES);
  const fixedBytes = costs.weightsBytes * RESIDENT_PER_FILE_BYTE + RUN_RESERVE_BYTES + (device.backend === 'wasm' ? WASM_HEAD_COPIES * costs.headBytes : 0);
  const perToken = costs.kvBytesPerToken * KV_COPIES;
  const perFrame = costs.tokensPerFrame * (perToken + costs.featureBytesPerToken);
  const textBytes = costs.textTokens * perToken;

  const limits: { limit: BudgetLimit; frames: number }[] = [{ limit: 'tier', frames: tierFrames }];
  limits.push({ limit: 'memory', frames: Math.floor((chatBytes - fixedBytes - textBytes) / perFrame) });
  if (device.backend === 'webgpu' && device.maxStorageBufferBindingSize && costs.kvTensors > 0) {
    // One layer's key (or value) for the whole prompt is one GPU buffer.
    const perTensorToken = costs.kvBytesPerToken / costs.kvTensors;
    const maxTokens = Math.floor(device.maxStorageBufferBindingSize / perTensorToken);
    limits.push({ limit: 'gpu-buffer', frames: Math.floor((maxTokens - costs.textTokens) / costs.tokensPerFrame) });
  }
  if (speed && speed.prefillTokensPerSecond > 0) {
    const tokens = PATIENCE_SECONDS * speed.prefillTokensPerSecond - costs.textTokens;
    limits.push({ limit: 'speed', frames: Math.max(MIN_FRAMES_FOR_SPEED, Math.floor(tokens / costs.tokensPerFrame)) });
  }
  const binding = limits.reduce((a, b) => (b.frames < a.frames ? b : a));
  const tight = binding.frames < 1;
  const frames = Math.max(1, binding.frames);
  const peakBytes = fixedBytes + textBytes + frames * perFrame;
  return {
    frames,
    tokensPerFrame: costs.tokensPerFrame,
    limitedBy: binding.limit,
    chatBytes,
    peakBytes,
    prefixCacheBytes: (frames * costs.tokensPerFrame + costs.textTokens) * costs.kvBytesPerToken,
    tight,
    summary: budgetSummary(frames, binding.limit, memoryGiB, device, tight, lightest),
  };
}

function budgetSummary(frames: number, limit: BudgetLimit, memoryGiB: number, device: DeviceFacts, tight: boolean, lightest: boolean): string {
  const count = frames === 1 ? '1 frame' : `${frames} frames`;
  const memory = device.deviceMemoryGiB ? `this device's ${memoryGiB} GB` : `an assumed ${memoryGiB} GB (the browser does not say)`;
  if (tight) return `${count} per question: the model barely fits in ${memory}; ${lightest ? 'close other apps and tabs' : 'the light tier is safer'}`;
  switch (limit) {
    case 'tier':
      return `${count} per question`;
    case 'memory':
      return `${count} per question (as many as fit in ${memory})`;
    case 'gpu-buffer':
      return `${count} per question (the GPU's largest buffer)`;
    case 'speed':
      return `${count} per question (to answer within ${PATIENCE_SECONDS} s at this device's measured speed)`;
  }
}
