// The main thread's conductor: owns the geometry, detector, VLM and render workers, runs the capture flows (camera,
// video, images) and the chat, and keeps the store up to date; saved sessions, the camera and the model manager have
// clients of their own. It moves frames (transferred) and small messages; it computes and draws nothing heavy: the
// 3D view renders in its worker on an OffscreenCanvas.
import * as Comlink from 'comlink';
import { recordFrames } from '../capture/cameraSource';
import { downloadDemoVideo } from '../capture/demoVideo';
import { CaptureError, type FrameSink } from '../capture/frameSink';
import { runImageFiles } from '../capture/imageFilesSource';
import { runVideoFile } from '../capture/videoFileSource';
import { ScreenWakeLock } from '../capture/wakeLock';
import { cpuBitmap, type Rotation } from '../frames/cpuFrame';
import type { AppConfig } from '../config';
import type { CorrectionInfo, KeyframeInfo } from '../geometry/types';
import type { BackendChoice, BackendPreference } from '../models/backend';
import type { FileProgress } from '../models/loader';
import { TIERS } from '../models/tiers';
import { SceneSummary, spatialContextText } from '../scene/sceneSummary';
import { loopClosedNotice, trackingLostNotice } from '../scene/trackingText';
import { forwardCanvasEvents } from '../view/eventProxy';
import type { MeasureReadout } from '../view/measure';
import type { ViewHighlights, ViewStats } from '../view/sceneView';
import { describeVlmLoadFailure, type VlmFailure } from '../vlm/failures';
import { mentionedObjectNumbers } from '../vlm/objectMentions';
import { type ChatTurn, type PlanForVlm, type VlmStepProgress, vlmStepText } from '../vlm/types';
import type { AnswerHighlight, SpatialAnswer } from '../spatial/types';
import type { DetectorWorkerApi } from '../../workers/detector.worker';
import type { GeometryWorkerApi } from '../../workers/geometry.worker';
import type { RenderWorkerApi } from '../../workers/render.worker';
import type { VlmWorkerApi } from '../../workers/vlm.worker';
import { CameraClient } from './cameraClient';
import { ComputeTurns } from './computeTurns';
import { ModelsClient } from './modelsClient';
import { EMPTY_SCENE, useApp, useMeasure, type ModelRole } from './store';
import { WorkerHandle } from './workerHandle';
import { SessionsClient } from './sessionsClient';
import { useSessions } from './sessionsStore';
import type { SessionMeta } from '../sessions/types';

/** The scene pane's figures that come from the running summary (live capture and reopened sessions alike). */
const summaryFigures = (s: SceneSummary) => ({
  lostKeyframes: s.lost,
  keyframes: s.keyframes.length,
  points: s.points,
  pathLength: s.pathLength,
  extent: s.extent,
  durationMs: s.durationMs,
});

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Long side of the preview of a video file being reconstructed. */
const PREVIEW_LONG_SIDE = 640;

/** The user pressed Stop. */
class StoppedError extends Error {}

/** `work`, or a StoppedError as soon as `signal` aborts (the work itself goes on in its worker, unwatched). */
function untilStopped<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new StoppedError());
  return Promise.race([work, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new StoppedError()), { once: true }))]);
}

export class AppController {
  private readonly geometry: WorkerHandle<GeometryWorkerApi>;
  private readonly detector: WorkerHandle<DetectorWorkerApi>;
  private readonly vlm: WorkerHandle<VlmWorkerApi>;
  private readonly render: WorkerHandle<RenderWorkerApi>;
  private summary = new SceneSummary();
  private captureAbort: AbortController | null = null;
  /** What the map on screen was last captured from (a recording can go on; a file is a capture of its own). */
  private lastCapture: 'recording' | 'file' | null = null;
  /** The last emptying of the map (New capture, a deleted session): a capture's first frame waits for it. */
  private mapReset: Promise<void> = Promise.resolve();
  private geometryReady: Promise<void> | null = null;
  private detectorReady: Promise<void> | null = null;
  private vlmReady: Promise<void> | null = null;
  /** The chat model's backend when it differs from the app's (WASM after it failed on WebGPU). */
  private vlmBackend: BackendPreference | null = null;
  /** Frames per question after the chat model ran out of memory (halved each time). */
  private vlmFrameCap: number | null = null;
  private replying = false;
  /** Stops the question being answered. */
  private askAbort: AbortController | null = null;
  /** The model manager (tiers, downloads, cache); the VLM loads the chosen tier's model. */
  readonly models: ModelsClient;
  /** Saved sessions: list, reopen, rename, delete, export, import; the chat is saved to the current one. */
  readonly sessions: SessionsClient;
  /** The live camera (it plays in the preview's video element). */
  readonly camera = new CameraClient(() => this.cameraToBackground());
  /** The preview's canvas, where the frames of a video being reconstructed are drawn. */
  private previewCanvas: HTMLCanvasElement | null = null;
  private lastPreviewDraw = 0;
  /** Who has the GPU: a video waits while the chat model answers. */
  private readonly turns = new ComputeTurns();
  /** Held while a capture runs: a screen that locks stops the camera and pauses a video being processed. */
  private readonly wakeLock = new ScreenWakeLock(navigator.wakeLock, document, (wakeLock) => useApp.getState().patchCapture({ wakeLock }));

  constructor(private readonly config: AppConfig) {
    this.models = new ModelsClient(config);
    this.geometry = new WorkerHandle(
      () => new Worker(new URL('../../workers/geometry.worker.ts', import.meta.url), { type: 'module', name: 'geometry' }),
      (message) => this.workerDied('geometry', message),
    );
    this.detector = new WorkerHandle(
      () => new Worker(new URL('../../workers/detector.worker.ts', import.meta.url), { type: 'module', name: 'detector' }),
      (message) => this.workerDied('detector', message),
    );
    this.vlm = new WorkerHandle(
      () => new Worker(new URL('../../workers/vlm.worker.ts', import.meta.url), { type: 'module', name: 'vlm' }),
      (message) => this.workerDied('vlm', message),
    );
    this.render = new WorkerHandle(
      () => new Worker(new URL('../../workers/render.worker.ts', import.meta.url), { type: 'module', name: 'render' }),
      (message) => this.workerDied('render', message),
    );
    this.sessions = new SessionsClient(this.geometry, this);
    // Link settings that were refused (another host's models or demo video) are said, not silently dropped.
    for (const problem of config.problems) useApp.getState().notify('warning', problem);
  }

  /** Connects the workers (direct channels between them) and loads the depth model, then the detector. */
  start(): Promise<void> {
    this.linkGeometry();
    // From the hub, nothing downloads before the user has seen the size and pressed Download in the Models bar
    // (a capture started earlier still loads the depth model it needs). A mirror (tests, offline) loads at once.
    const geometry = this.config.modelSource.kind === 'hub' ? this.models.whenDownloaded().then(() => this.ensureGeometry()) : this.ensureGeometry();
    // The detector loads once the depth model is in, so the two downloads do not compete.
    geometry.then(() => this.ensureDetector()).catch(() => {});
    return geometry;
  }

  /** The geometry worker's listeners and its direct channels to the other workers (again after it is replaced). */
  private linkGeometry(): void {
    for (const role of ['detector', 'vlm', 'render'] as const) this.link(role);
    void this.geometry.api.subscribe(
      Comlink.proxy((info: KeyframeInfo) => this.onKeyframe(info)),
      Comlink.proxy((message: string) => useApp.getState().notify('warning', message)),
      Comlink.proxy((c: CorrectionInfo) => this.onCorrected(c)),
    );
    this.sessions.watchWorker();
  }

  /**
   * A direct channel from the geometry worker to another worker (keyframe copies for the detector and the chat,
   * points for the view), made again when either end is replaced: a new chat worker gets the map's keyframes.
   */
  private link(role: 'detector' | 'vlm' | 'render'): void {
    const { port1, port2 } = new MessageChannel();
    if (role === 'detector') {
      void this.geometry.api.connectDetector(Comlink.transfer(port1, [port1]));
      void this.detector.api.connectGeometry(Comlink.transfer(port2, [port2]));
    } else if (role === 'vlm') {
      void this.geometry.api.connectVlm(Comlink.transfer(port1, [port1]));
      void this.vlm.api.connectGeometry(Comlink.transfer(port2, [port2]));
    } else {
      void this.geometry.api.connectRender(Comlink.transfer(port1, [port1]));
      void this.render.api.connectGeometry(Comlink.transfer(port2, [port2]));
    }
  }

  /** Hands the 3D view's canvas to the render worker; returns a function that detaches it. */
  attachCanvas(canvas: HTMLCanvasElement): () => void {
    const offscreen = canvas.transferControlToOffscreen();
    const size = () => [canvas.clientWidth, canvas.clientHeight, window.devicePixelRatio] as const;
    void this.render.api.init(Comlink.transfer(offscreen, [offscreen]), ...size());
    this.attachViewTools();
    const stopEvents = forwardCanvasEvents(canvas, (e) => void this.render.api.event(e));
    const resize = new ResizeObserver(() => void this.render.api.resize(...size()));
    resize.observe(canvas);
    return () => {
      stopEvents();
      resize.disconnect();
    };
  }

  /** The page's preview: the camera plays in `video`, a video file's frames are drawn on `canvas`. */
  attachPreview(video: HTMLVideoElement, canvas: HTMLCanvasElement): () => void {
    this.previewCanvas = canvas;
    const detach = this.camera.attach(video);
    return () => {
      detach();
      if (this.previewCanvas === canvas) this.previewCanvas = null;
    };
  }

  /** Shows a video file's frame in the preview, a few times a second (the file is read faster than it plays). */
  private async drawPreview(frame: VideoFrame, rotation: Rotation): Promise<void> {
    const canvas = this.previewCanvas;
    const now = performance.now();
    if (!canvas || now - this.lastPreviewDraw < 250) return;
    this.lastPreviewDraw = now;
    try {
      // A CPU copy, not the decoded frame itself (see cpuFrame.ts).
      const picture = await cpuBitmap(frame, rotation, PREVIEW_LONG_SIDE);
      if (canvas.width !== picture.width || canvas.height !== picture.height) [canvas.width, canvas.height] = [picture.width, picture.height];
      canvas.getContext('2d')?.drawImage(picture, 0, 0);
      picture.close();
    } catch {
      // A missed preview frame is not worth stopping the capture for.
    }
  }

  /** Between two frames of a file (video or images): wait while the chat model answers (it gets the GPU), and say so. */
  private async fileTurn(): Promise<void> {
    const holder = this.turns.holder;
    if (!holder) return;
    useApp.getState().patchCapture({ waiting: holder });
    await this.turns.whenFree();
    useApp.getState().patchCapture({ waiting: null });
  }

  resetView(): void {
    void this.render.api.resetView();
  }

  /** What the 3D view holds and how fast it draws (tests and the benchmark read this). */
  viewStats(): Promise<ViewStats> {
    return this.render.api.stats();
  }

  // ── View tools: an answer's highlights and the measuring tool (both drawn and picked in the render worker) ──

  /** Shows an answer's boxes and segments (gravity frame) in the 3D view and frames them; null clears them. */
  showHighlights(h: AnswerHighlight | null): void {
    void this.render.api.setHighlights(h);
  }

  /** What the 3D view highlights now (tests read this). */
  highlights(): Promise<ViewHighlights> {
    return this.render.api.highlights();
  }

  /** Turns the measuring tool on or off (off clears the measurement). */
  setMeasuring(on: boolean): void {
    useMeasure.getState().setActive(on);
    void this.render.api.setMeasuring(on);
  }

  /** Forgets the measured points; the tool stays on. */
  clearMeasurement(): void {
    void this.render.api.clearMeasurement();
  }

  /** On a (new) canvas: the render worker reports measurements to the store and gets the tool's state. */
  private attachViewTools(): void {
    void this.render.api.onMeasure(Comlink.proxy((r: MeasureReadout) => useMeasure.getState().setReadout(r)));
    void this.render.api.setMeasuring(useMeasure.getState().active);
  }

  private ensureGeometry(): Promise<void> {
    this.geometryReady ??= this.loadModel('geometry', () =>
      this.geometry.call((api) =>
        api.init(
          { modelSource: this.config.modelSource, backend: this.config.backend },
          Comlink.proxy((p: FileProgress) => useApp.getState().setFileProgress('geometry', p)),
          Comlink.proxy((m: string) => useApp.getState().notify('warning', m)),
        ),
      ),
    );
    return this.geometryReady;
  }

  private ensureDetector(): Promise<void> {
    this.detectorReady ??= this.loadModel('detector', () =>
      this.detector.call((api) =>
        api.init(
          { modelSource: this.config.modelSource, backend: this.config.backend },
          Comlink.proxy((p: FileProgress) => useApp.getState().setFileProgress('detector', p)),
        ),
      ),
    );
    return this.detectorReady;
  }

  private ensureVlm(): Promise<void> {
    this.vlmReady ??= this.loadModel('vlm', () =>
      this.vlm.call((api) =>
        api.init(
          { modelSource: this.config.modelSource, backend: this.vlmBackend ?? this.config.backend, tier: this.models.tier() },
          Comlink.proxy((p: FileProgress) => useApp.getState().setFileProgress('vlm', p)),
        ),
      ),
    );
    return this.vlmReady;
  }

  /** `init` resolves to the backend the model runs on, or to that with a note for the status line. */
  private async loadModel(role: ModelRole, init: () => Promise<BackendChoice | { backend: BackendChoice; budget: string }>): Promise<void> {
    const store = useApp.getState();
    store.setModel(role, { phase: 'loading', error: undefined, note: undefined });
    try {
      const loaded = await init();
      const { backend, note } = 'backend' in loaded ? { backend: loaded.backend, note: loaded.budget } : { backend: loaded, note: undefined };
      useApp.getState().setModel(role, { phase: 'ready', backend, note });
    } catch (err) {
      const message = errorText(err);
      useApp.getState().setModel(role, { phase: 'error', error: message });
      this.forgetLoad(role);
      throw new Error(message);
    }
  }

  private forgetLoad(role: ModelRole): void {
    if (role === 'geometry') this.geometryReady = null;
    else if (role === 'detector') this.detectorReady = null;
    else this.vlmReady = null;
  }

  /** Retries a model that failed to load. */
  retryModel(role: ModelRole): void {
    const load = { geometry: () => this.ensureGeometry(), detector: () => this.ensureDetector(), vlm: () => this.ensureVlm() }[role]();
    load.catch(() => {});
  }

  private workerDied(role: ModelRole | 'render', message: string): void {
    const store = useApp.getState();
    const name = { geometry: 'geometry', detector: 'object detector', vlm: 'chat', render: '3D view' }[role];
    const lost = {
      geometry: ' The map it held is lost: start a new capture.',
      detector: ' Objects in keyframes it had not finished are not recognised.',
      vlm: '',
      render: ' The view is empty until new keyframes arrive.',
    }[role];
    store.notify('error', `The ${name} worker stopped (${message}); it was restarted.${lost}`);
    if (role === 'geometry') this.captureAbort?.abort();
    ({ geometry: this.geometry, detector: this.detector, vlm: this.vlm, render: this.render })[role].restart();
    if (role === 'geometry') {
      // The map lived in the geometry worker: the view, the chat's frames, the detector's and the summary must not outlive it.
      this.render.restart();
      this.vlm.restart();
      this.detector.restart();
      this.vlmReady = null;
      this.detectorReady = null;
      store.setModel('vlm', { phase: 'idle' });
      store.setModel('detector', { phase: 'idle' });
      store.bumpViewEpoch();
      this.replaceMap([]);
      this.sessions.detach();
    }
    if (role === 'render')
      store.bumpViewEpoch(); // a fresh canvas for the fresh worker
    else {
      this.forgetLoad(role);
      store.setModel(role, { phase: 'idle' });
    }
    // Re-wire the channels and the geometry listener on the fresh worker.
    this.start().catch(() => {});
  }

  private onKeyframe(g: KeyframeInfo): void {
    this.summary.add(g);
    const s = this.summary;
    // One notice while tracking is lost, worded as the counters word it, gone once tracking is back.
    if (g.tracking.status === 'lost') useApp.getState().notify('warning', trackingLostNotice(g.tracking), 'tracking');
    else useApp.getState().clearNotice('tracking');
    useApp.getState().setScene({
      tracking: g.tracking,
      ...summaryFigures(s),
      lastDepthMs: g.timings.inferenceMs,
    });
    this.sessions.listChanged();
  }

  /** A loop was closed: the summary takes the corrected path and map (the view and the saved session already have). */
  private onCorrected(c: CorrectionInfo): void {
    this.summary.correct(c.poses, c.world, c.points);
    useApp.getState().setScene(summaryFigures(this.summary));
    useApp.getState().notify('info', loopClosedNotice(c.stats), 'loop');
  }

  /** Frame counters, flushed to the store at most once per animation frame (not once per video frame). */
  private counters = { framesSeen: 0, queue: 0, skipped: 0, scheduled: false };

  private readonly sink: FrameSink = async (frame, meta) => {
    const { pending, skipped } = await this.geometry.call((api) => api.pushFrame(Comlink.transfer(frame, [frame]), meta));
    if (skipped > this.counters.skipped) {
      // A live camera cannot wait for a busy depth model: say plainly that views are being left out.
      this.counters.skipped = skipped;
      const why = this.turns.holder ? ` while ${this.turns.holder}` : '';
      useApp
        .getState()
        .notify(
          'warning',
          `The device cannot keep up${why}: ${skipped === 1 ? '1 keyframe was' : `${skipped} keyframes were`} skipped. Move the camera more slowly.`,
          'skipping',
        );
    }
    this.counters.framesSeen++;
    this.counters.queue = pending;
    if (!this.counters.scheduled) {
      this.counters.scheduled = true;
      requestAnimationFrame(() => {
        this.counters.scheduled = false;
        useApp.getState().setScene({ framesSeen: this.counters.framesSeen, queue: this.counters.queue });
      });
    }
    return pending;
  };

  /**
   * Starts a capture: the one before is stopped, the capture shows busy at once (no second start while the model
   * loads) and the screen is kept on. Returns what stops it, which also tells its end from a later capture's.
   */
  private startCapture(mode: 'video' | 'images' | 'recording', source: string): AbortController {
    this.captureAbort?.abort();
    const capture = new AbortController();
    this.captureAbort = capture;
    useApp.getState().setCapture(mode, source);
    void this.wakeLock.hold();
    return capture;
  }

  /**
   * Where one capture's frames go. On its first frame the capture gets its map and session, so a file that yields
   * no frame at all leaves the map on screen as it was. A file is a capture of its own: a file opened over a map (or
   * a recording over a file's map, or over a reopened session) starts a new map and session, and says so; recording
   * again after a recording (Stop, or the camera released in the background) goes on with the same map.
   */
  private captureSink(mode: 'video' | 'images' | 'recording', source: string): FrameSink {
    let ready: Promise<void> | null = null;
    const begin = async () => {
      await this.mapReset;
      const goesOn = mode === 'recording' && this.lastCapture === 'recording' && useSessions.getState().current !== null;
      if (!goesOn && this.summary.keyframes.length + this.summary.lost > 0) {
        await this.sessions.saveChatNow();
        await this.emptyMap();
        useApp
          .getState()
          .notify('info', `${mode === 'recording' ? 'The recording' : `"${source}"`} starts a new capture; the one before is saved in Sessions.`);
      }
      this.lastCapture = mode === 'recording' ? 'recording' : 'file';
      await this.sessions.begin(mode === 'recording' ? `Camera, ${new Date().toLocaleString()}` : source);
    };
    return async (frame, meta) => {
      ready ??= begin();
      await ready;
      return this.sink(frame, meta);
    };
  }

  /**
   * Ends `capture` once the geometry worker has finished its keyframes. A capture started meanwhile (the user
   * recording again while the last keyframes are still processed) owns the page's state, so it is left alone.
   */
  private async endCapture(capture: AbortController, what: string): Promise<void> {
    await this.geometry.call((api) => api.idle()).catch(() => {}); // a dead worker has nothing left to finish
    if (this.captureAbort !== capture) return;
    this.captureAbort = null;
    useApp.getState().setScene({ queue: 0 });
    this.wakeLock.release();
    useApp.getState().setCapture(this.camera.isOn ? 'camera' : 'idle');
    this.sessions.captureEnded();
    // Every capture says how it ended (a failure has said so already, and one that gave no frame has nothing to add).
    const { keyframes, lost } = this.summary;
    if (this.counters.framesSeen > 0 && keyframes.length + lost > 0) {
      const how = capture.signal.aborted ? 'stopped' : 'done';
      useApp.getState().notify('info', `${what}: ${how}. The map has ${keyframes.length} keyframes placed${lost ? ` and ${lost} lost` : ''}.`, 'capture-end');
    }
  }

  async openVideo(file: File): Promise<void> {
    const store = useApp.getState();
    if (this.camera.isOn) this.closeCamera();
    const capture = this.startCapture('video', file.name);
    try {
      await this.ensureGeometry();
      const result = await runVideoFile(file, this.captureSink('video', file.name), {
        turn: () => this.fileTurn(),
        onFrame: (frame, rotation) => this.drawPreview(frame, rotation),
        signal: capture.signal,
        queueLength: () => this.geometry.call((api) => api.pending()),
      });
      if (result.warning && !capture.signal.aborted) store.notify('warning', result.warning);
    } catch (err) {
      store.notify('error', err instanceof CaptureError ? err.message : `Could not process "${file.name}": ${errorText(err)}`);
    } finally {
      await this.endCapture(capture, `"${file.name}"`);
    }
  }

  /** "Try the demo room": downloads the configured demo video, then processes it as an opened video file. */
  async openDemo(): Promise<void> {
    if (this.camera.isOn) this.closeCamera();
    this.captureAbort?.abort();
    const abort = new AbortController(); // Stop cancels the download too
    this.captureAbort = abort;
    useApp.getState().setCapture('video', 'demo room (downloading)');
    let file: File;
    try {
      file = await downloadDemoVideo(this.config.demoVideoUrl, abort.signal);
    } catch (err) {
      if (!abort.signal.aborted)
        useApp.getState().notify('error', err instanceof CaptureError ? err.message : `Could not load the demo video: ${errorText(err)}`);
      useApp.getState().setCapture('idle');
      return;
    }
    if (!abort.signal.aborted) await this.openVideo(file);
    else useApp.getState().setCapture('idle');
  }

  async openImages(files: File[]): Promise<void> {
    const store = useApp.getState();
    const capture = this.startCapture('images', `${files.length} files`);
    try {
      await this.ensureGeometry();
      const result = await runImageFiles(files, this.captureSink('images', `${files.length} files`), {
        turn: () => this.fileTurn(),
        signal: capture.signal,
        queueLength: () => this.geometry.call((api) => api.pending()),
      });
      if (result.skipped.length)
        store.notify('warning', `Not images, skipped: ${result.skipped.slice(0, 5).join(', ')}${result.skipped.length > 5 ? '…' : ''}.`);
      if (result.frames === 0) store.notify('error', 'None of the chosen files is an image this browser can open.');
      else if (result.rgbd) store.notify('info', `RGB-D set: ${result.frames} frames with their own depth.`);
      if (result.withoutDepth.length) {
        store.notify(
          'warning',
          `No depth image for ${result.withoutDepth.slice(0, 3).join(', ')}${result.withoutDepth.length > 3 ? ` and ${result.withoutDepth.length - 3} more` : ''}: the depth model was used for those frames.`,
        );
      }
    } catch (err) {
      store.notify('error', err instanceof CaptureError ? err.message : `Could not process the images: ${errorText(err)}`);
    } finally {
      await this.endCapture(capture, `${files.length} images`);
    }
  }

  async openCamera(): Promise<void> {
    try {
      await this.camera.open();
      useApp.getState().setCapture('camera');
    } catch (err) {
      useApp.getState().setCapture('idle');
      useApp.getState().notify('error', errorText(err));
    }
  }

  /** Front ↔ rear, before recording (a recording keeps one camera: the map assumes one lens). */
  async switchCamera(): Promise<void> {
    if (useApp.getState().capture.mode !== 'camera') return;
    try {
      await this.camera.switch();
    } catch (err) {
      useApp.getState().notify('error', errorText(err));
      if (!this.camera.isOn) useApp.getState().setCapture('idle');
    }
  }

  closeCamera(): void {
    this.captureAbort?.abort();
    this.camera.close();
    useApp.getState().setCapture('idle');
  }

  /** The page was hidden with the camera on: the camera is released, and the user told how to go on. */
  private cameraToBackground(): void {
    const wasRecording = useApp.getState().capture.mode === 'recording';
    this.closeCamera();
    useApp
      .getState()
      .notify(
        'info',
        wasRecording
          ? 'Recording paused: the camera was turned off when Room3R went to the background. Everything recorded is kept. Tap Camera, then Record, to go on with the same map.'
          : 'The camera was turned off when Room3R went to the background. Tap Camera to turn it on again.',
      );
  }

  async record(): Promise<void> {
    const capture = this.startCapture('recording', 'camera');
    try {
      await this.ensureGeometry();
      await recordFrames(this.camera.video(), this.captureSink('recording', 'camera'), capture.signal);
    } catch (err) {
      capture.abort();
      useApp.getState().notify('error', `Recording stopped: ${errorText(err)}. What was captured before is kept.`);
    } finally {
      await this.endCapture(capture, 'The recording');
    }
  }

  stopCapture(): void {
    this.captureAbort?.abort();
  }

  /** Starts a new, empty capture with an empty chat; the previous chat stays with its saved session. */
  newCapture(): Promise<void> {
    this.captureAbort?.abort();
    return this.emptyMap(() => this.sessions.saveChatNow());
  }

  /** Stops any capture and empties the map, the 3D view and the chat; nothing is saved (their session is done or gone). */
  clearMap(): Promise<void> {
    this.captureAbort?.abort();
    return this.emptyMap();
  }

  /**
   * Empties the map (after `before`, e.g. saving the chat). A capture started meanwhile (Open video right after New
   * capture) waits for it on its first frame (captureSink), so the reset can never wipe the new capture's keyframes.
   */
  private emptyMap(before?: () => Promise<void>): Promise<void> {
    const reset = (async () => {
      await this.mapReset;
      await before?.();
      await this.geometry.call((api) => api.reset()).catch(() => {}); // a dead worker's map is gone anyway
      this.replaceMap([]);
      this.showHighlights(null);
      this.sessions.detach();
      useApp.getState().replaceMessages([]);
    })();
    this.mapReset = reset;
    return reset;
  }

  async ask(question: string): Promise<void> {
    const store = useApp.getState();
    if (this.replying || !question.trim()) return;
    const history: ChatTurn[] = store.messages.filter((m) => !m.error && m.text).map((m) => ({ role: m.role, text: m.text }));
    store.addMessage({ role: 'user', text: question, streaming: false });
    const id = store.addMessage({ role: 'assistant', text: '', streaming: true });
    this.replying = true;
    const ask = new AbortController();
    this.askAbort = ask;
    // A question takes the GPU: a video being reconstructed waits meanwhile (and loses nothing).
    const release = this.turns.hold('answering your question');
    const progress = (text: string | undefined) => useApp.getState().updateMessage(id, { progress: text });
    try {
      // Measured first: a question a solver answers never reaches the VLM.
      const spatial = await this.spatialQuery(question, ask.signal, progress);
      if (ask.signal.aborted) throw new StoppedError();
      if (spatial?.answer) {
        this.showAnswer(id, spatial.answer);
        return;
      }
      progress(undefined);
      await untilStopped(this.ensureVlm(), ask.signal).catch((err) => {
        if (err instanceof StoppedError) throw err;
        const tier = this.models.tier();
        throw new Error(describeVlmLoadFailure(err, { model: TIERS[tier].models.vlm.name, lightTier: tier === 'light' }));
      });
      const spatialContext = [spatialContextText(this.summary), spatial?.context].filter(Boolean).join('\n');
      const maxFrames = Math.min(this.config.vlmFrames ?? Number.POSITIVE_INFINITY, this.vlmFrameCap ?? Number.POSITIVE_INFINITY);
      const plan = spatial?.plan ?? undefined;
      const request = { history, question, spatialContext, plan, maxFrames: Number.isFinite(maxFrames) ? maxFrames : undefined };
      const result = await this.vlm.call((api) =>
        api.ask(
          plan ? Comlink.transfer(request, [plan.image.data.buffer]) : request,
          Comlink.proxy((chunk: string) => useApp.getState().updateMessage(id, (m) => ({ text: m.text + chunk, progress: undefined }))),
          Comlink.proxy((step: VlmStepProgress) => progress(vlmStepText(step))),
        ),
      );
      if (result.budget) useApp.getState().setModel('vlm', { note: result.budget });
      if (result.failure) this.vlmFailed(id, result.failure);
      else {
        // Objects the answer names by their plan number are highlighted in the 3D view.
        const named = plan ? mentionedObjectNumbers(result.text) : [];
        const highlight = named.length ? ((await this.geometry.call((api) => api.objectsByNumber(named)).catch(() => null)) ?? undefined) : undefined;
        useApp.getState().updateMessage(id, { text: result.text, streaming: false, stopped: result.stopped, writtenBy: result.writtenBy, highlight });
        if (highlight) this.showHighlights(highlight);
      }
    } catch (err) {
      if (err instanceof StoppedError) useApp.getState().updateMessage(id, { streaming: false, stopped: true, progress: undefined });
      else useApp.getState().updateMessage(id, { streaming: false, error: errorText(err), progress: undefined });
    } finally {
      release();
      this.replying = false;
      if (this.askAbort === ask) this.askAbort = null;
    }
  }

  /**
   * A failed answer: the message says which model, what happened and what to try (the capture, the map and the chat
   * are not touched). A runtime that cannot go on (lost GPU device, exhausted WASM heap) is replaced by a fresh
   * worker, which gets the map's keyframes again, so the next question works.
   */
  private vlmFailed(id: number, failure: VlmFailure): void {
    if (failure.nextFrames !== undefined) this.vlmFrameCap = failure.nextFrames;
    useApp
      .getState()
      .updateMessage(id, { text: '', streaming: false, error: failure.message, offer: failure.offerWasm ? 'vlm-wasm' : undefined, progress: undefined });
    if (failure.restartWorker) this.replaceVlmWorker();
  }

  private replaceVlmWorker(): void {
    this.vlm.restart();
    this.link('vlm');
    this.vlmReady = null;
    useApp.getState().setModel('vlm', { phase: 'idle' });
  }

  /** Test builds (window.__room3r): the chat's GPU device is destroyed at the next answer's first token. */
  loseChatGpuMidAnswer(): Promise<boolean> {
    return this.vlm.call((api) => api.loseGpuMidAnswer());
  }

  /** The chat model runs on WASM from the next question (it failed on WebGPU). */
  runChatOnWasm(): void {
    if (this.vlmBackend === 'wasm') return;
    this.vlmBackend = 'wasm';
    if (this.replying) this.askAbort?.abort();
    this.replaceVlmWorker();
    useApp.getState().notify('info', 'The chat model runs on WASM from the next question (slower, no GPU needed).');
  }

  /**
   * The scene memory's answer (null: not a spatial question) and its summary for the VLM. Objects the question
   * names that the detector has not looked for yet are searched for in the kept keyframes first, with progress in
   * the reply; Stop ends the wait at once. Null when the map is unavailable (its worker is down): the VLM then
   * answers without it.
   */
  private async spatialQuery(
    question: string,
    signal: AbortSignal,
    progress: (text: string | undefined) => void,
  ): Promise<{ answer: SpatialAnswer | null; context: string; plan: PlanForVlm | null } | null> {
    try {
      const labels = await this.geometry.call((api) => api.questionLabels(question));
      if (labels.length && useApp.getState().models.detector.phase === 'ready') {
        const what = labels.join(', ');
        const search = this.detector.call((api) =>
          api.lookFor(
            labels,
            Comlink.proxy((done: number, total: number) => progress(`Looking for ${what} in ${total} keyframes: ${done} done`)),
          ),
        );
        await untilStopped(
          search.catch(() => []),
          signal,
        );
      }
      progress('Measuring on the map');
      return await untilStopped(
        this.geometry.call((api) => api.spatialQuery(question)),
        signal,
      );
    } catch (err) {
      if (err instanceof StoppedError) throw err;
      return null;
    }
  }

  /** The map on screen is replaced: a reopened session's keyframes, or none (a new, empty map). */
  replaceMap(infos: KeyframeInfo[], meta?: SessionMeta): void {
    this.lastCapture = null;
    this.summary = new SceneSummary();
    infos.forEach((i) => this.summary.add(i));
    this.counters.framesSeen = meta?.framesSeen ?? 0;
    this.counters.skipped = 0;
    useApp.getState().setScene({
      ...EMPTY_SCENE,
      framesSeen: this.counters.framesSeen,
      tracking: infos.at(-1)?.tracking ?? EMPTY_SCENE.tracking,
      ...summaryFigures(this.summary),
    });
    if (meta) {
      this.showHighlights(null);
      this.resetView();
    }
  }

  private showAnswer(id: number, answer: SpatialAnswer): void {
    const detector = useApp.getState().models.detector;
    const aboutObjects = answer.value === null && answer.text.startsWith('Not seen') && detector.phase !== 'ready';
    // "Not seen" means little while the detector is not running: say why instead.
    const text = aboutObjects
      ? `${answer.text} (Object recognition is ${detector.phase === 'error' ? `unavailable: ${detector.error}` : 'still loading'}, so objects may be missing.)`
      : answer.text;
    const highlight = answer.highlight.boxes.length > 0 || answer.highlight.segments.length > 0 ? answer.highlight : undefined;
    useApp.getState().updateMessage(id, { text, streaming: false, measured: answer.type, highlight, progress: undefined });
    this.showHighlights(highlight ?? null);
  }

  /** Stop in the chat: ends whatever the reply is waiting for (the object search, the solver, the VLM) at once. */
  stopReply(): void {
    this.askAbort?.abort();
    void this.detector.api.stopSearch();
    void this.vlm.api.stop();
  }
}
