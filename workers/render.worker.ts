// Render worker: owns the 3D view's canvas (OffscreenCanvas) and draws the reconstruction.
// Keyframe geometry arrives straight from the geometry worker; the main thread sends only
// input events and sizes, so drawing millions of points never blocks the page.
import * as Comlink from 'comlink';
import type { KeyframeGeometry } from '../src/geometry/types';
import { ProxyElement, type ForwardedEvent } from '../src/view/eventProxy';
import { SceneView, type ViewStats } from '../src/view/sceneView';
import type { RenderMessage } from './messages';

const element = new ProxyElement();
let view: SceneView | null = null;
/** Keyframes that arrive before the canvas (e.g. while the page lays out) are kept and drawn when it comes. */
const early: KeyframeGeometry[] = [];

const api = {
  init(canvas: OffscreenCanvas, width: number, height: number, pixelRatio: number): void {
    view?.dispose();
    view = new SceneView(canvas, element);
    view.resize(width, height, pixelRatio);
    early.splice(0).forEach((g) => view!.addKeyframe(g));
  },

  connectGeometry(port: MessagePort): void {
    port.onmessage = (e: MessageEvent<RenderMessage>) => {
      if (e.data.type === 'keyframe') {
        if (e.data.geometry.tracking.status === 'lost') return; // nothing to draw: no pose, no points
        if (view) view.addKeyframe(e.data.geometry);
        else early.push(e.data.geometry);
      } else {
        early.length = 0;
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

  stats(): ViewStats {
    return view?.stats() ?? { points: early.reduce((s, g) => s + g.points.length / 3, 0), keyframes: early.length, frameTimes: [] };
  },
};

export type RenderWorkerApi = typeof api;
Comlink.expose(api);
