// Render worker: owns the 3D view's canvas (OffscreenCanvas) and draws the reconstruction.
// Keyframe geometry arrives straight from the geometry worker; the main thread sends only
// input events and sizes, so drawing millions of points never blocks the page.
import * as Comlink from 'comlink';
import type { KeyframeGeometry, MapCorrection } from '../src/geometry/types';
import { ProxyElement, type ForwardedEvent } from '../src/view/eventProxy';
import { MeasureTool, type MeasureReadout } from '../src/view/measure';
import { SceneView, type ViewHighlights, type ViewStats } from '../src/view/sceneView';
import { summariseHighlight } from '../src/view/framing';
import type { AnswerHighlight } from '../src/spatial/types';
import type { RenderMessage } from './messages';

const element = new ProxyElement();
let view: SceneView | null = null;
/** Keyframes that arrive before the canvas (e.g. while the page lays out) are kept and drawn when it comes. */
const early: KeyframeGeometry[] = [];
/** A loop closure's corrected map that arrived before the canvas: drawn after the early keyframes. */
let earlyCorrection: MapCorrection | null = null;
/** View tools set before the canvas comes: applied when it does. */
let pendingHighlights: AnswerHighlight | null = null;
let measuring = false;
let measureListener: ((r: MeasureReadout) => void) | null = null;
function notifyMeasure(r: MeasureReadout): void {
  try {
    void Promise.resolve(measureListener?.(r)).catch(() => {});
  } catch {
    // The listener's page side is gone (a released proxy): nothing to tell.
  }
}

const api = {
  init(canvas: OffscreenCanvas, width: number, height: number, pixelRatio: number): void {
    view?.dispose();
    view = new SceneView(canvas, element);
    view.resize(width, height, pixelRatio);
    early.splice(0).forEach((g) => view!.addKeyframe(g));
    if (earlyCorrection) view.correct(earlyCorrection);
    earlyCorrection = null;
    view.onMeasure = notifyMeasure;
    view.setMeasuring(measuring);
    notifyMeasure(view.measureReadout());
    if (pendingHighlights) view.setHighlights(pendingHighlights);
    pendingHighlights = null;
  },

  connectGeometry(port: MessagePort): void {
    port.onmessage = (e: MessageEvent<RenderMessage>) => {
      if (e.data.type === 'keyframe') {
        if (e.data.geometry.tracking.status === 'lost') return; // nothing to draw: no pose, no points
        if (view) view.addKeyframe(e.data.geometry);
        else early.push(e.data.geometry);
      } else if (e.data.type === 'corrected') {
        if (view) view.correct(e.data.correction);
        else earlyCorrection = e.data.correction;
      } else {
        early.length = 0;
        earlyCorrection = null;
        pendingHighlights = null;
        view?.clear();
      }
    };
  },

  resize(width: number, height: number, pixelRatio: number): void {
    view?.resize(width, height, pixelRatio);
  },

  event(data: ForwardedEvent): void {
    element.replay(data);
  },

  resetView(): void {
    view?.resetView();
  },

  /** Shows an answer's highlights (gravity frame) and frames them; null clears them. */
  setHighlights(h: AnswerHighlight | null): void {
    if (view) view.setHighlights(h);
    else pendingHighlights = h;
  },

  /** What the view highlights now: the answer's boxes and segments with their labels, and the measurement. */
  highlights(): ViewHighlights {
    if (view) return view.highlights();
    const idle = new MeasureTool();
    idle.setActive(measuring);
    return { ...summariseHighlight(pendingHighlights), measure: idle.readout() };
  },

  /** Turns the measuring tool on or off: while on, a click on the map picks a point. */
  setMeasuring(on: boolean): void {
    measuring = on;
    view?.setMeasuring(on);
  },

  /** Forgets the measured points (the tool stays on). */
  clearMeasurement(): void {
    view?.clearMeasurement();
  },

  /** Registers the main thread's listener for measurement changes (a comlink proxy). */
  onMeasure(listener: (r: MeasureReadout) => void): void {
    measureListener = listener;
    if (view) notifyMeasure(view.measureReadout());
  },

  stats(): ViewStats {
    return view?.stats() ?? { points: early.reduce((s, g) => s + g.points.length / 3, 0), keyframes: early.length, frameTimes: [], camera: [0, 0, 0] };
  },
};

export type RenderWorkerApi = typeof api;
Comlink.expose(api);
