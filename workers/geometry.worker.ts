// Geometry worker: frames in (transferred), keyframe geometry out. Thin: the logic lives in
// src/geometry (pipeline, MoGe post-processing) and src/models (loader, backend choice).
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/webgpu';
import type { FrameMeta } from '../src/capture/frameSink';
import type { AppConfig } from '../src/config';
import { frameSize, frameToRgba, scaledBitmap, closeFrame, type BrowserFrame } from '../src/frames/canvasFrames';
import { KeyframePipeline, type DepthEstimator } from '../src/geometry/keyframePipeline';
import { identity } from '../src/geometry/mat4';
import { MogeDepthModel, type TensorConstructor } from '../src/geometry/moge';
import { keyframeInfo, type GivenDepth, type KeyframeInfo } from '../src/geometry/types';
import { decodeDepthPng } from '../src/rgbd/sevenScenes';
import { TrackedPose } from '../src/tracking/trackedPose';
import { chooseBackend, type BackendChoice } from '../src/models/backend';
import { loadMirrorCatalog, withMirrorChecksums } from '../src/models/catalog';
import { openBrowserModelCache, type FileProgress } from '../src/models/loader';
import { moge2Manifest } from '../src/models/manifests/moge2';
import { loadModelFiles } from '../src/models/modelFiles';
import { configureOrtWasm, createOrtSession } from '../src/models/ortSession';
import { ORT_WASM_PATHS } from '../src/models/ortWasm';
import { INDOOR_VOCABULARY } from '../src/perception/vocabulary';
import { answerSpatialQuestion } from '../src/spatial/answer';
import { ObjectMap } from '../src/spatial/objectMap';
import { routeQuestion } from '../src/spatial/router';
import { buildSceneMemory, sceneMemoryText } from '../src/spatial/sceneMemory';
import type { SpatialAnswer } from '../src/spatial/types';
import type { DetectionMessage, DetectorFrameMessage, RenderMessage, VlmFrameMessage } from './messages';

export type GeometryInitConfig = Pick<AppConfig, 'modelSource' | 'backend'>;

/** Long side of the copies of keyframes kept for the VLM, and of those sent to the object detector. */
const VLM_FRAME_LONG_SIDE = 448;
const DETECTOR_FRAME_LONG_SIDE = 640;
/** How long a question waits for the detector to finish the keyframes sent so far. */
const DETECTOR_WAIT_MS = 30_000;

let pipeline: KeyframePipeline<BrowserFrame> | null = null;
let vlmPort: MessagePort | null = null;
let renderPort: MessagePort | null = null;
let detectorPort: MessagePort | null = null;
const objects = new ObjectMap();
/** Copies of chosen keyframes waiting for their pose: only tracked ones go to the detector. */
const detectorFrames = new Map<number, ImageBitmap>();
const pongs = new Map<number, () => void>();
let pingId = 0;
let listeners: { onKeyframe(info: KeyframeInfo): void; onError(message: string): void } | null = null;

async function makeEstimator(config: GeometryInitConfig, onProgress: (p: FileProgress) => void, onWarning: (m: string) => void) {
  configureOrtWasm(ort, ORT_WASM_PATHS);
  let backend = await chooseBackend(config.backend);
  const cache = await openBrowserModelCache();
  const manifest = withMirrorChecksums(moge2Manifest, await loadMirrorCatalog(config.modelSource, cache));
  const files = await loadModelFiles(manifest, 'fp32', config.modelSource, {
    cache,
    onProgress,
    onStorageWarning: onWarning,
  });
  const bytes = files.get('model.onnx') ?? [...files.values()].pop()!;
  const made = await createOrtSession(ort, bytes, backend);
  backend = made.backend;
  let model = new MogeDepthModel(made.session, ort.Tensor as unknown as TensorConstructor);
  // A lost GPU device (or a WebGPU kernel failure) moves the model to WASM once, and says so.
  const estimator: DepthEstimator = {
    inputSize: (w, h) => model.inputSize(w, h),
    async estimate(image) {
      try {
        return await model.estimate(image);
      } catch (err) {
        if (backend.kind !== 'webgpu') throw err;
        onWarning(`The GPU failed while running the depth model (${(err as Error).message}); continuing on WASM.`);
        backend = { kind: 'wasm', reason: 'WebGPU failed during the capture', shaderF16: false };
        const wasm = await createOrtSession(ort, bytes, backend);
        model = new MogeDepthModel(wasm.session, ort.Tensor as unknown as TensorConstructor);
        return model.estimate(image);
      }
    },
  };
  return { estimator, backend };
}

/** Decodes a frame's own depth; on a problem says so and returns nothing (the depth model is used instead). */
async function givenDepth(frame: BrowserFrame, input: NonNullable<FrameMeta['rgbd']>): Promise<GivenDepth | undefined> {
  const problem = (why: string) => {
    listeners?.onError(`${input.name}: ${why}; the depth model is used for this frame instead.`);
    return undefined;
  };
  let decoded: ReturnType<typeof decodeDepthPng>;
  try {
    decoded = decodeDepthPng(new Uint8Array(await input.depthPng.arrayBuffer()));
  } catch (err) {
    return problem(`not a usable depth image (${(err as Error).message})`);
  }
  const { width, height } = frameSize(frame);
  if (decoded.width !== width || decoded.height !== height) {
    return problem(`depth is ${decoded.width}x${decoded.height} but the colour image is ${width}x${height}`);
  }
  if (!decoded.depth.some((d) => d > 0)) return problem('the depth image holds no valid depth (all zero)');
  return { width, height, depth: decoded.depth, intrinsics: input.intrinsics };
}

const api = {
  async init(
    config: GeometryInitConfig,
    onProgress: (p: FileProgress) => void,
    onWarning: (message: string) => void,
  ): Promise<BackendChoice> {
    const { estimator, backend } = await makeEstimator(config, onProgress, onWarning);
    pipeline = new KeyframePipeline<BrowserFrame>(
      { size: frameSize, toRgba: frameToRgba, close: closeFrame },
      estimator,
      new TrackedPose(),
      {
        onKeyframeChosen(frame, kf) {
          if (detectorPort) detectorFrames.set(kf.index, scaledBitmap(frame, DETECTOR_FRAME_LONG_SIDE));
          if (!vlmPort) return;
          const bitmap = scaledBitmap(frame, VLM_FRAME_LONG_SIDE);
          const message: VlmFrameMessage = { type: 'frame', bitmap, sourceFrame: kf.sourceFrame, timestampMs: kf.timestampMs };
          vlmPort.postMessage(message, [bitmap]);
        },
        onGeometry(g) {
          const forDetector = detectorFrames.get(g.index);
          detectorFrames.delete(g.index);
          if (forDetector && detectorPort && g.tracking.status !== 'lost') {
            const message: DetectorFrameMessage = { type: 'frame', bitmap: forDetector, keyframe: g.index };
            detectorPort.postMessage(message, [forDetector]);
          } else forDetector?.close();
          // Points go to the render worker; the main thread gets the keyframe without them.
          const info = keyframeInfo(g);
          const message: RenderMessage = { type: 'keyframe', geometry: g };
          renderPort?.postMessage(message, [g.points.buffer, g.colors.buffer]);
          listeners?.onKeyframe(info);
        },
        onError(err, kf) {
          detectorFrames.get(kf.index)?.close();
          detectorFrames.delete(kf.index);
          listeners?.onError(`Keyframe ${kf.index} could not be processed: ${err.message}`);
        },
      },
    );
    return backend;
  },

  /** A direct line to the VLM worker, for copies of keyframes (no trip through the main thread). */
  connectVlm(port: MessagePort): void {
    vlmPort = port;
  },

  /** A direct line to the render worker, for the points of each keyframe. */
  connectRender(port: MessagePort): void {
    renderPort = port;
  },

  /** A two-way line to the object detector: keyframes out, detections back. */
  connectDetector(port: MessagePort): void {
    detectorPort = port;
    port.onmessage = (e: MessageEvent<DetectionMessage>) => {
      const m = e.data;
      if (m.type === 'pong') {
        pongs.get(m.id)?.();
        pongs.delete(m.id);
        return;
      }
      const kf = pipeline?.stored.find((k) => k.index === m.keyframe);
      if (kf) objects.add(kf, m.width, m.height, m.detections);
    };
  },

  /** The object labels a question names (the detector may need to look for new ones first). */
  questionLabels(question: string): string[] {
    return routeQuestion(question, INDOOR_VOCABULARY)?.labels ?? [];
  },

  /**
   * Answers a question from the scene memory once the detector has caught up (or null: not a spatial question),
   * with the memory's summary for the VLM either way.
   */
  async spatialQuery(question: string): Promise<{ answer: SpatialAnswer | null; context: string }> {
    await detectorCaughtUp();
    const memory = currentMemory();
    return { answer: answerSpatialQuestion(question, memory), context: sceneMemoryText(memory) };
  },

  subscribe(onKeyframe: (info: KeyframeInfo) => void, onError: (message: string) => void): void {
    listeners = { onKeyframe, onError };
  },

  async pushFrame(frame: BrowserFrame, meta: FrameMeta): Promise<number> {
    if (!pipeline) {
      closeFrame(frame);
      throw new Error('The depth model is not loaded yet.');
    }
    return pipeline.push(frame, meta, meta.rgbd ? await givenDepth(frame, meta.rgbd) : undefined);
  },

  pending(): number {
    return pipeline?.pending ?? 0;
  },

  async idle(): Promise<void> {
    await pipeline?.idle();
  },

  reset(): void {
    pipeline?.reset();
    objects.reset();
    detectorFrames.forEach((b) => b.close());
    detectorFrames.clear();
    detectorPort?.postMessage({ type: 'reset' } satisfies DetectorFrameMessage);
    vlmPort?.postMessage({ type: 'reset' } satisfies VlmFrameMessage);
    renderPort?.postMessage({ type: 'reset' } satisfies RenderMessage);
  },
};

function currentMemory() {
  const world = pipeline?.gravityFrame;
  return buildSceneMemory({
    stored: pipeline?.stored ?? [],
    lostFrames: pipeline?.lostFrames ?? [],
    toGravity: world?.toGravity ?? identity(),
    floorSeen: world?.gravitySource === 'floor',
    mapPoints: pipeline && pipeline.map.size > 0 ? pipeline.map.snapshot(2).points : null,
    objects,
    sourceFrameCount: pipeline?.framesSeen ?? null,
  });
}

/** Resolves once the detector has answered every keyframe sent so far (or after a time limit). */
function detectorCaughtUp(): Promise<void> {
  if (!detectorPort) return Promise.resolve();
  const id = ++pingId;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      pongs.delete(id);
      resolve();
    }, DETECTOR_WAIT_MS);
    pongs.set(id, () => {
      clearTimeout(timer);
      resolve();
    });
    detectorPort!.postMessage({ type: 'ping', id } satisfies DetectorFrameMessage);
  });
}

export type GeometryWorkerApi = typeof api;
Comlink.expose(api);
