// Geometry worker: frames in (transferred), keyframe geometry out. Thin: the logic lives in
// src/geometry (pipeline, MoGe post-processing) and src/models (loader, backend choice).
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/webgpu';
import type { FrameMeta } from '../src/capture/frameSink';
import { frameSize, frameToRgba, scaledBitmap, scaledJpeg, closeFrame, type BrowserFrame } from '../src/frames/canvasFrames';
import { cpuBitmap } from '../src/frames/cpuFrame';
import { KeyframePipeline, type DepthEstimator } from '../src/geometry/keyframePipeline';
import { identity, transformPoints } from '../src/geometry/mat4';
import { MogeDepthModel, type TensorConstructor } from '../src/geometry/moge';
import { keyframeInfo, type CorrectionInfo, type GivenDepth, type KeyframeInfo } from '../src/geometry/types';
import { decodeDepthPng } from '../src/rgbd/sevenScenes';
import { TrackedPose } from '../src/tracking/trackedPose';
import { withDeadline } from '../src/util/deadline';
import { chooseBackend, type BackendChoice, type ModelRuntime } from '../src/models/backend';
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
import { buildSceneMemory, numberedObjects, type PipelineState, sceneMemoryText, sceneObjects } from '../src/spatial/sceneMemory';
import { planCaption, renderPlanImage } from '../src/scene/planImage';
import type { AnswerHighlight, SceneMemory, SpatialAnswer } from '../src/spatial/types';
import { type PlanForVlm, VLM_FRAME_LONG_SIDE } from '../src/vlm/types';
import { loadSession, newSessionId, openSessionsDb, type SessionsDb } from '../src/sessions/db';
import { exportChat, exportPly, exportTum, importSession, importSizeProblem } from '../src/sessions/exchange';
import { restoreSession, type RestoredSession } from '../src/sessions/restore';
import { SessionWriter } from '../src/sessions/sessionWriter';
import type { SavedChatMessage, SessionMeta } from '../src/sessions/types';
import type { DetectionMessage, DetectorFrameMessage, RenderMessage, VlmFrameMessage } from './messages';

export type GeometryInitConfig = ModelRuntime;

/** Frames bigger than this are scaled down on arrival: the depth model, the detector and the chat model all take less. */
const MAX_FRAME_LONG_SIDE = 1280;
/** Long side of the copies of keyframes kept for the VLM, and of those sent to the object detector. */
const DETECTOR_FRAME_LONG_SIDE = 640;
/** How long one keyframe may take in the depth model before it counts as stuck (WASM is several times slower). */
const DEPTH_DEADLINE_MS = { webgpu: 60_000, wasm: 180_000 };
/** How long a question waits for the detector to finish the keyframes sent so far. */
const DETECTOR_WAIT_MS = 30_000;
/** Long side of the keyframe images saved with a session (also what the chat gets back on reopening). */
const SESSION_IMAGE_LONG_SIDE = 448;

let pipeline: KeyframePipeline<BrowserFrame> | null = null;
let vlmPort: MessagePort | null = null;
let renderPort: MessagePort | null = null;
let detectorPort: MessagePort | null = null;
const objects = new ObjectMap();
/** Copies of chosen keyframes waiting for their pose: only tracked ones go to the detector. */
const detectorFrames = new Map<number, ImageBitmap>();
const pongs = new Map<number, () => void>();
let pingId = 0;
let listeners: { onKeyframe(info: KeyframeInfo): void; onError(message: string): void; onCorrected(c: CorrectionInfo): void } | null = null;

// ── Sessions: the map is saved here, where its points and keyframes are (they never cross the main thread) ──
let sessionsDb: Promise<SessionsDb> | null = null;
const db = () => (sessionsDb ??= openSessionsDb());
/** Saves the capture as it grows; null when no capture is being saved (none yet, or a reopened session). */
let writer: SessionWriter | null = null;
/** A reopened or imported session: the map it restored (view and questions only; a new capture starts afresh). */
let restored: (RestoredSession & { id: string }) | null = null;
/** Keyframe images being encoded, until their keyframe's geometry is saved with them. */
const keyframeImages = new Map<number, Promise<Blob>>();
let detectionSeq = 0;
let savingListener: ((state: 'ok' | 'full' | 'failed', message: string) => void) | null = null;

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
  // A lost GPU device, a WebGPU kernel failure or a GPU that stops answering moves the model to WASM once, and says
  // so. On WASM a keyframe that gets no depth in time is reported and the capture goes on with the next.
  const estimator: DepthEstimator = {
    inputSize: (w, h) => model.inputSize(w, h),
    async estimate(image, options) {
      try {
        return await withDeadline(model.estimate(image, options), DEPTH_DEADLINE_MS[backend.kind], 'The depth model');
      } catch (err) {
        if (backend.kind !== 'webgpu') throw err;
        onWarning(`The GPU failed while running the depth model (${(err as Error).message}); continuing on WASM.`);
        backend = { kind: 'wasm', reason: 'WebGPU failed during the capture', shaderF16: false };
        const wasm = await createOrtSession(ort, bytes, backend);
        model = new MogeDepthModel(wasm.session, ort.Tensor as unknown as TensorConstructor);
        return withDeadline(model.estimate(image, options), DEPTH_DEADLINE_MS.wasm, 'The depth model');
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
  async init(config: GeometryInitConfig, onProgress: (p: FileProgress) => void, onWarning: (message: string) => void): Promise<BackendChoice> {
    const { estimator, backend } = await makeEstimator(config, onProgress, onWarning);
    pipeline = new KeyframePipeline<BrowserFrame>({ size: frameSize, toRgba: frameToRgba, close: closeFrame }, estimator, new TrackedPose(), {
      onKeyframeChosen(frame, kf) {
        if (writer) keyframeImages.set(kf.index, scaledJpeg(frame, SESSION_IMAGE_LONG_SIDE));
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
        if (writer) {
          // Copies: the arrays are transferred to the render worker below.
          writer.addKeyframe(
            { index: g.index, info, stored: pipeline?.stored.find((k) => k.index === g.index) ?? null },
            keyframeImages.get(g.index) ?? Promise.resolve(null),
          );
          writer.addPoints(g.index, g.points.slice(), g.colors.slice());
          writer.setFramesSeen(pipeline?.framesSeen ?? 0);
        }
        keyframeImages.delete(g.index);
        const message: RenderMessage = { type: 'keyframe', geometry: g };
        renderPort?.postMessage(message, [g.points.buffer, g.colors.buffer]);
        listeners?.onKeyframe(info);
      },
      onMapCorrected(c) {
        // Everything placed by the keyframes follows them: the objects, the saved session, the view, the summary.
        objects.relift(pipeline?.stored ?? []);
        writer?.correct({ poses: c.poses, world: c.world, points: c.points.slice(), colors: c.colors.slice() });
        const message: RenderMessage = { type: 'corrected', correction: c };
        renderPort?.postMessage(message, [c.points.buffer, c.colors.buffer]);
        listeners?.onCorrected({ poses: c.poses, world: c.world, points: c.points.length / 3, stats: c.stats });
      },
      onError(err, kf) {
        keyframeImages.delete(kf.index);
        detectorFrames.get(kf.index)?.close();
        detectorFrames.delete(kf.index);
        listeners?.onError(`Keyframe ${kf.index} could not be processed: ${err.message}`);
      },
    });
    return backend;
  },

  /**
   * A direct line to the VLM worker, for copies of keyframes (no trip through the main thread). A replacement VLM
   * worker (the last one failed) is given the keyframe images of the map on screen, from its saved session.
   */
  async connectVlm(port: MessagePort): Promise<void> {
    vlmPort?.close();
    vlmPort = port;
    const id = writer?.id ?? restored?.id;
    if (!id) return;
    const { keyframes } = await loadSession(await db(), id).catch(() => ({ keyframes: [] }));
    for (const k of keyframes) {
      if (!k.image || vlmPort !== port) continue;
      const bitmap = await createImageBitmap(k.image);
      const message: VlmFrameMessage = { type: 'frame', bitmap, sourceFrame: k.info.sourceFrame, timestampMs: k.info.timestampMs };
      port.postMessage(message, [bitmap]);
    }
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
      if (!kf) return;
      objects.add(kf, m.width, m.height, m.detections);
      writer?.addDetections({ seq: detectionSeq++, keyframe: m.keyframe, width: m.width, height: m.height, detections: m.detections });
    };
  },

  /** The object labels a question names (the detector may need to look for new ones first). */
  questionLabels(question: string): string[] {
    return routeQuestion(question, INDOOR_VOCABULARY)?.labels ?? [];
  },

  /**
   * Answers a question from the scene memory once the detector has caught up (or null: not a spatial question),
   * with the memory's summary for the VLM either way, and for the VLM the map as a top-down plan (none before the
   * first placed keyframe). The plan numbers objects as the summary does.
   */
  async spatialQuery(question: string): Promise<{ answer: SpatialAnswer | null; context: string; plan: PlanForVlm | null }> {
    await detectorCaughtUp();
    const state = currentState();
    const memory = buildSceneMemory(state);
    const answer = answerSpatialQuestion(question, memory);
    const plan = answer || memory.camera.length === 0 ? null : planForVlm(memory, state);
    const reply = { answer, context: sceneMemoryText(memory), plan };
    return plan ? Comlink.transfer(reply, [plan.image.data.buffer]) : reply;
  },

  /** The objects a VLM answer names by their plan numbers ("object 3"), as boxes for the 3D view. */
  objectsByNumber(numbers: number[]): AnswerHighlight | null {
    const numbered = numberedObjects(sceneObjects(currentState()));
    const boxes = numbers.flatMap((n) => {
      const o = numbered[n - 1]?.object;
      return o ? [{ box: o.box, label: `${n} ${o.label}` }] : [];
    });
    return boxes.length > 0 ? { boxes, segments: [] } : null;
  },

  subscribe(onKeyframe: (info: KeyframeInfo) => void, onError: (message: string) => void, onCorrected: (c: CorrectionInfo) => void): void {
    listeners = { onKeyframe, onError, onCorrected };
  },

  /** Takes a frame; returns the keyframes waiting (back-pressure) and those a live source had skipped so far. */
  async pushFrame(frame: BrowserFrame, meta: FrameMeta): Promise<{ pending: number; skipped: number }> {
    if (!pipeline) {
      closeFrame(frame);
      throw new Error('The depth model is not loaded yet.');
    }
    // A decoded frame is copied out once (upright, at most 1280 px) and released: only that copy is ever drawn.
    let image: ImageBitmap;
    if (frame instanceof VideoFrame) {
      try {
        image = await cpuBitmap(frame, meta.rotation ?? 0, MAX_FRAME_LONG_SIDE);
      } finally {
        frame.close();
      }
    } else image = frame;
    const pending = pipeline.push(image, meta, meta.rgbd ? await givenDepth(image, meta.rgbd) : undefined);
    return { pending, skipped: pipeline.skippedKeyframes };
  },

  pending(): number {
    return pipeline?.pending ?? 0;
  },

  /** Waits for the keyframes queued so far, then saves them (the session is then no longer 'recording'). */
  async idle(): Promise<void> {
    await pipeline?.idle();
    await writer?.setState('saved');
  },

  /** The session is about to be deleted: its writer (if it is this map's) stops writing for good. */
  async forgetSession(id: string): Promise<void> {
    if (writer?.id !== id) return;
    const gone = writer;
    writer = null;
    await gone.discard();
  },

  reset(): void {
    void writer?.setState('saved');
    writer = null;
    restored = null;
    keyframeImages.clear();
    detectionSeq = 0;
    pipeline?.reset();
    objects.reset();
    detectorFrames.forEach((b) => b.close());
    detectorFrames.clear();
    detectorPort?.postMessage({ type: 'reset' } satisfies DetectorFrameMessage);
    vlmPort?.postMessage({ type: 'reset' } satisfies VlmFrameMessage);
    renderPort?.postMessage({ type: 'reset' } satisfies RenderMessage);
  },
};

/** The plan image of the map for the VLM (src/scene/planImage.ts), from the memory and the map's points. */
function planForVlm(memory: SceneMemory, state: PipelineState): PlanForVlm {
  const points = state.mapPoints ? transformPoints(state.toGravity, state.mapPoints) : null;
  const { image, layout } = renderPlanImage(memory, { points });
  return { image, caption: planCaption(layout) };
}

/** What the scene memory is built from: the reopened session's, or the live pipeline's. */
function currentState(): PipelineState {
  if (restored) return { ...restored, objects, sourceFrameCount: restored.meta.framesSeen || null };
  const world = pipeline?.gravityFrame;
  return {
    stored: pipeline?.stored ?? [],
    lostFrames: pipeline?.lostFrames ?? [],
    toGravity: world?.toGravity ?? identity(),
    floorSeen: world?.gravitySource === 'floor',
    mapPoints: pipeline && pipeline.map.size > 0 ? pipeline.map.snapshot(2).points : null,
    objects,
    sourceFrameCount: pipeline?.framesSeen ?? null,
  };
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

const sessionsApi = {
  /**
   * The session the next capture is saved to: the current one while the map goes on, else a new one (a
   * reopened session is view-only, so the map is reset first: `reset` true).
   */
  async beginSession(name: string): Promise<{ id: string; reset: boolean }> {
    const reset = restored !== null;
    if (reset) api.reset();
    writer ??= new SessionWriter(await db(), newSessionId(), name, {
      onPaused: (full, message) => savingListener?.(full ? 'full' : 'failed', message),
      onResumed: () => savingListener?.('ok', 'Saving resumed: what was captured meanwhile is saved too.'),
    });
    await writer.setState('recording');
    return { id: writer.id, reset };
  },

  /** Told when saving stops (storage full or another failure) and when it goes on again. */
  watchSaving(listener: (state: 'ok' | 'full' | 'failed', message: string) => void): void {
    savingListener = listener;
  },

  /** Retries saving after a pause (e.g. once old sessions were deleted); the outcome goes to `watchSaving`. */
  async resumeSaving(): Promise<void> {
    if (writer?.isPaused) await writer.resume();
  },

  /**
   * Replaces the map with a saved session: its points and trajectory go to the 3D view, its keyframe images to
   * the chat, its objects back into the scene memory. Returns the keyframes (for the summary) and the chat.
   */
  async openSession(id: string): Promise<{ meta: SessionMeta; infos: KeyframeInfo[]; chat: SavedChatMessage[] }> {
    api.reset();
    const r = await restoreSession(await db(), id, (geometry) => {
      const message: RenderMessage = { type: 'keyframe', geometry };
      renderPort?.postMessage(message, [geometry.points.buffer, geometry.colors.buffer]);
    });
    for (const d of r.detections) {
      const kf = r.stored.find((k) => k.index === d.keyframe);
      if (kf) objects.add(kf, d.width, d.height, d.detections);
    }
    if (vlmPort) {
      for (const f of r.images) {
        const bitmap = await createImageBitmap(f.image);
        const message: VlmFrameMessage = { type: 'frame', bitmap, sourceFrame: f.sourceFrame, timestampMs: f.timestampMs };
        vlmPort.postMessage(message, [bitmap]);
      }
    }
    restored = { ...r, id };
    return { meta: r.meta, infos: r.infos, chat: r.chat };
  },

  /** A file of a saved session (the Blob is handed over, not copied). */
  async exportSession(id: string, kind: 'ply' | 'tum' | 'chat'): Promise<Blob> {
    const d = await db();
    if (kind === 'ply') return exportPly(d, id);
    if (kind === 'tum') return new Blob([await exportTum(d, id)], { type: 'text/plain' });
    return new Blob([await exportChat(d, id)], { type: 'application/json' });
  },

  /**
   * Stores a PLY point cloud and a TUM trajectory as a new session; returns its id and what was left out. The files
   * are untrusted: too big ones are refused before they are read, and nothing here touches the live map.
   */
  async importSession(name: string, ply: File, trajectory: File): Promise<{ id: string; notes: string[] }> {
    const problem = importSizeProblem(ply.size, trajectory.size);
    if (problem) throw new Error(problem);
    return importSession(await db(), name, await ply.arrayBuffer(), await trajectory.text());
  },
};
Object.assign(api, sessionsApi);

export type GeometryWorkerApi = typeof api & typeof sessionsApi;
Comlink.expose(api);
