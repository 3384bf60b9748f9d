// Detector worker: OWLv2 (transformers.js on onnxruntime-web) finds objects in the tracked keyframes the geometry
// worker sends straight to it, and answers with 2D boxes. Thin: the logic lives in src/perception (detector,
// keyframe queue, vocabulary) and src/models (loader, variants, backend choice).
import * as Comlink from 'comlink';
import type { RgbaImage } from '../src/geometry/types';
import type { BackendChoice, ModelRuntime } from '../src/models/backend';
import type { FileProgress } from '../src/models/loader';
import { owlv2Manifest } from '../src/models/manifests/owlv2';
import { routeTransformersToModel } from '../src/models/transformersSource';
import { letterboxBitmap } from '../src/perception/canvasLetterbox';
import { ObjectDetector, type DetectOptions, type Detection } from '../src/perception/detector';
import { KeyframeDetectionQueue } from '../src/perception/keyframeQueue';
import type { DetectionMessage, DetectorFrameMessage } from './messages';

export type DetectorInitConfig = ModelRuntime;

export interface DetectorInfo {
  backend: BackendChoice;
  /** The manifest variant loaded (e.g. `webgpu-q4f16`). */
  variant: string;
  /** Side of the model's square input in pixels (960 for OWLv2; the fixture says 480). */
  inputSize: number;
}

let detector: ObjectDetector | null = null;
let loaded: DetectorInfo | null = null;
let loadError: unknown = null;

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // rejections are handled by whoever awaits it
  return { promise, resolve, reject };
}
let pending = deferred<ObjectDetector>();

/** The detector; keyframes that arrive before it is loaded wait, and fail fast once a load has failed. */
function currentDetector(): Promise<ObjectDetector> {
  if (detector) return Promise.resolve(detector);
  if (loadError) return Promise.reject(loadError instanceof Error ? loadError : new Error(String(loadError)));
  return pending.promise;
}

let geometryPort: MessagePort | null = null;
let errorListener: ((message: string) => void) | null = null;

const queue = new KeyframeDetectionQueue<ImageBitmap>({
  detect: async (bitmap, labels) => {
    const d = await currentDetector();
    return d.detectLetterboxed(letterboxBitmap(bitmap, d.inputSize), labels);
  },
  size: (bitmap) => ({ width: bitmap.width, height: bitmap.height }),
  release: (bitmap) => bitmap.close(),
  post: (message) => geometryPort?.postMessage(message satisfies DetectionMessage),
  onError: (message) => errorListener?.(message),
});

function isBitmap(image: ImageBitmap | RgbaImage): image is ImageBitmap {
  return typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap;
}

const api = {
  /** Loads the model (WebGPU, else WASM; the variant that fits the device). Keyframes sent before this wait. */
  async init(config: DetectorInitConfig, onProgress: (p: FileProgress) => void): Promise<BackendChoice> {
    loadError = null;
    try {
      const { backend, manifest, variant } = await routeTransformersToModel(owlv2Manifest, config, onProgress);
      detector = await ObjectDetector.load({
        modelId: manifest.repo,
        revision: manifest.revision,
        dtype: variant.dtype ?? 'fp32',
        device: backend.kind,
      });
      pending.resolve(detector);
      loaded = { backend, variant: variant.id, inputSize: detector.inputSize };
      return backend;
    } catch (err) {
      loadError = err;
      pending.reject(err);
      pending = deferred();
      throw err;
    }
  },

  /** What was loaded (null before `init` succeeds). */
  info(): DetectorInfo | null {
    return loaded;
  },

  /** The geometry worker's line: keyframes in (detected in order), detections and pongs out. */
  connectGeometry(port: MessagePort): void {
    geometryPort = port;
    port.onmessage = (e: MessageEvent<DetectorFrameMessage>) => {
      const m = e.data;
      if (m.type === 'frame') queue.frame(m.keyframe, m.bitmap);
      else if (m.type === 'ping') queue.ping(m.id);
      else queue.reset();
    };
  },

  /** Told when a keyframe could not be processed (the queue goes on with the next). */
  onError(listener: (message: string) => void): void {
    errorListener = listener;
  },

  /** Detects `labels` in one image (boxes in its pixels). An ImageBitmap is closed afterwards: transfer it. */
  async detect(image: ImageBitmap | RgbaImage, labels: string[], options?: DetectOptions): Promise<Detection[]> {
    if (!isBitmap(image)) return (await currentDetector()).detect(image, labels, options);
    try {
      const d = await currentDetector();
      return await d.detectLetterboxed(letterboxBitmap(image, d.inputSize), labels, options);
    } finally {
      image.close();
    }
  },

  /**
   * Adds labels (e.g. the ones a question names) to those looked for in every keyframe, and looks for the new ones in
   * the keyframes kept so far; their detections go to the geometry worker. Resolves with the labels that were new.
   * `onProgress` hears (keyframes searched, keyframes to search).
   */
  lookFor(labels: string[], onProgress?: (done: number, total: number) => void): Promise<string[]> {
    return queue.lookFor(labels, onProgress);
  },

  /** Ends the label search under way (the chat's Stop). */
  stopSearch(): void {
    queue.stopSearch();
  },

  /** The labels looked for in each keyframe (the indoor vocabulary plus any added). */
  labels(): string[] {
    return [...queue.labels];
  },

  /** Keyframes waiting for detection. */
  pending(): number {
    return queue.pending;
  },
};

export type DetectorWorkerApi = typeof api;
Comlink.expose(api);
