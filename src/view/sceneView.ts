// The 3D view: the growing coloured point cloud, the camera trajectory with a frustum per keyframe,
// orbit / pan / zoom and reset, an answer's highlights (labelled boxes and segments, gravity frame) and the
// measuring tool (click two map points: the distance between them). Runs in the render worker on an OffscreenCanvas: appends go into
// preallocated buffers (only the new range is uploaded) and a frame is drawn only when something changed.
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { KeyframeGeometry, MapCorrection } from '../geometry/types';
import type { AnswerHighlight, Vec3 } from '../spatial/types';
import { GrowingPointCloud } from './pointBuffer';
import type { ProxyElement } from './eventProxy';
import { boundingSphere, easeInOut, framingDistance, highlightPoints, summariseHighlight, type HighlightSummary } from './framing';
import { MeasureTool, type MeasureReadout } from './measure';
import { BOX_COLOURS, MEASURE_COLOUR, OverlayLayer, SEGMENT_COLOUR } from './overlay';
import { ClickDetector, pickPoint, type PointerLike } from './picking';
import { TrajectoryView } from './trajectory';
import { viewKeyAction } from './viewKeys';

export const POINT_CAPACITY = 2_000_000;
export const KEYFRAME_CAPACITY = 4096;

export interface ViewStats {
  points: number;
  keyframes: number;
  /** Recent intervals between drawn frames (ms). */
  frameTimes: number[];
  /** Where the view's camera is (view frame, m): tests see the keyboard and the reset move it. */
  camera: [number, number, number];
}

/** What the view highlights: the answer's boxes and segments, and the measuring tool's state. */
export interface ViewHighlights extends HighlightSummary {
  measure: MeasureReadout;
}

/** How far from a click a map point may be and still be picked (CSS pixels): a finger is less precise. */
const PICK_RADIUS_PX = { mouse: 10, touch: 22 };
const FLIGHT_MS = 700;
const POINTER_EVENTS = ['pointerdown', 'pointermove', 'pointerup', 'pointercancel'] as const;

export class SceneView {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(60, 1, 0.01, 200);
  private readonly controls: OrbitControls;
  private readonly cloud = new GrowingPointCloud(POINT_CAPACITY);
  private readonly trajectory = new TrajectoryView(KEYFRAME_CAPACITY);
  private readonly bounds = new THREE.Box3();
  /** The map's frame in the view: the gravity frame once known (+y up, floor at y = 0). */
  private readonly world = new THREE.Group();
  private readonly frameTimes: number[] = [];
  private lastFrame = 0;
  /** Redraw only when something changed: a phone's battery (and a software GPU) should not draw still scenes. */
  private dirty = true;
  /** An answer's highlights: in the gravity frame, so at the scene's root. */
  private readonly highlightLayer = new OverlayLayer('highlights');
  private highlightSummary = summariseHighlight(null);
  /** The measurement: picked map points, so inside the world group (it stays on the map when up changes). */
  private readonly measureLayer = new OverlayLayer('measure');
  private readonly measure = new MeasureTool();
  private readonly clicks = new ClickDetector();
  private readonly onPointer = (e: Event) => this.pointer(e as unknown as PointerLike);
  private readonly onKey = (e: Event) => this.key(e as unknown as { key: string; shiftKey?: boolean });
  /** Told whenever the measurement changes (the main thread shows the readout). */
  onMeasure: ((r: MeasureReadout) => void) | null = null;
  /** A camera move in progress (framing highlights); the user's own orbit cancels it. */
  private flight: { fromPos: THREE.Vector3; toPos: THREE.Vector3; fromTarget: THREE.Vector3; toTarget: THREE.Vector3; start: number } | null = null;

  constructor(
    canvas: OffscreenCanvas,
    private readonly element: ProxyElement,
  ) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false, powerPreference: 'high-performance' });
    this.renderer.setClearColor(0x101418);
    this.controls = new OrbitControls(this.camera, element as unknown as HTMLElement);
    this.controls.enableDamping = true;
    this.controls.addEventListener('change', () => (this.dirty = true));
    this.controls.addEventListener('start', () => (this.flight = null));
    // Points and cameras stay in the tracking frame; the group carries them into the gravity frame, so a
    // better estimate of up moves the whole map without uploading a point again.
    this.world.matrixAutoUpdate = false;
    this.world.add(this.cloud.object, this.trajectory.group, this.measureLayer.group);
    this.scene.add(this.world, new THREE.AxesHelper(0.3), new THREE.GridHelper(10, 20, 0x2a333d, 0x1d242c), this.highlightLayer.group);
    // Clicks for the measuring tool come from the same events as the orbit controls: a press and release
    // without a drag is a click, anything else is left to the controls.
    POINTER_EVENTS.forEach((t) => element.addEventListener(t, this.onPointer));
    element.addEventListener('keydown', this.onKey);
    this.resetView();
    this.renderer.setAnimationLoop((t) => this.frame(t));
  }

  stats(): ViewStats {
    const { x, y, z } = this.camera.position;
    return { points: this.cloud.size, keyframes: this.trajectory.size, frameTimes: [...this.frameTimes], camera: [x, y, z] };
  }

  addKeyframe(kf: KeyframeGeometry): void {
    this.cloud.append(kf.points, kf.colors);
    this.trajectory.add(kf.index, kf.pose, kf.intrinsics, kf.width, kf.height);
    this.world.matrix.fromArray(kf.world.toGravity);
    this.world.matrixWorldNeedsUpdate = true;
    const p = kf.points;
    const v = new THREE.Vector3();
    for (let i = 0; i < p.length; i += 3) this.bounds.expandByPoint(v.set(p[i]!, p[i + 1]!, p[i + 2]!));
    if (this.trajectory.size === 1) this.resetView();
    this.dirty = true;
  }

  /** A loop closure moved the map: every point is drawn again where it now is, and the cameras with them. */
  correct(c: MapCorrection): void {
    this.cloud.clear();
    this.cloud.append(c.points, c.colors);
    this.trajectory.move(new Map(c.poses.map((p) => [p.index, p.pose])));
    this.world.matrix.fromArray(c.world.toGravity);
    this.world.matrixWorldNeedsUpdate = true;
    this.bounds.makeEmpty();
    const v = new THREE.Vector3();
    for (let i = 0; i < c.points.length; i += 3) this.bounds.expandByPoint(v.set(c.points[i]!, c.points[i + 1]!, c.points[i + 2]!));
    this.dirty = true;
  }

  clear(): void {
    this.cloud.clear();
    this.trajectory.clear();
    this.bounds.makeEmpty();
    this.world.matrix.identity();
    this.world.matrixWorldNeedsUpdate = true;
    this.setHighlights(null);
    this.clearMeasurement();
    this.resetView();
  }

  /** Shows an answer's boxes and segments (gravity frame), replacing any before, and frames them; null clears. */
  setHighlights(h: AnswerHighlight | null): void {
    this.highlightLayer.clear();
    this.highlightSummary = summariseHighlight(h);
    this.dirty = true;
    if (!h) return;
    h.boxes.forEach((b, i) => this.highlightLayer.addBox(b.box, b.label, BOX_COLOURS[i % BOX_COLOURS.length]!));
    h.segments.forEach((s) => this.highlightLayer.addSegment(s.from, s.to, s.label, SEGMENT_COLOUR));
    const sphere = boundingSphere(highlightPoints(h));
    if (sphere) {
      const distance = Math.max(0.8, framingDistance(Math.max(0.25, sphere.radius), this.camera.fov, this.camera.aspect));
      this.flyTo(new THREE.Vector3(...sphere.center), distance);
    }
  }

  highlights(): ViewHighlights {
    return { ...this.highlightSummary, measure: this.measureReadout() };
  }

  /** Turns the measuring tool on or off (off clears the measurement). */
  setMeasuring(on: boolean): void {
    if (this.measure.setActive(on)) this.measureChanged();
  }

  clearMeasurement(): void {
    this.measure.clear();
    this.measureChanged();
  }

  measureReadout(): MeasureReadout {
    const m = this.world.matrix;
    const v = new THREE.Vector3();
    return this.measure.readout(
      (p) =>
        v
          .set(...p)
          .applyMatrix4(m)
          .toArray() as Vec3,
    );
  }

  /** Moves the camera to look at `centre` from `distance`, keeping the direction it looks from. */
  private flyTo(centre: THREE.Vector3, distance: number): void {
    const dir = this.camera.position.clone().sub(this.controls.target);
    if (dir.lengthSq() < 1e-8) dir.set(0, 0.7, 1);
    dir.normalize();
    this.flight = {
      fromPos: this.camera.position.clone(),
      fromTarget: this.controls.target.clone(),
      toPos: centre.clone().addScaledVector(dir, distance),
      toTarget: centre.clone(),
      start: performance.now(),
    };
    this.dirty = true;
  }

  private pointer(e: PointerLike): void {
    const click = this.clicks.handle(e);
    if (click && this.measure.active) this.pickAt(click.x, click.y, click.pointerType);
  }

  /** Picks the map point under a click (screen space, over the whole point buffer) for the measurement. */
  private pickAt(x: number, y: number, pointerType: string): void {
    const t0 = performance.now();
    this.scene.updateMatrixWorld();
    this.camera.updateMatrixWorld();
    const mvp = new THREE.Matrix4().multiplyMatrices(this.camera.projectionMatrix, this.camera.matrixWorldInverse).multiply(this.world.matrixWorld);
    const positions = this.cloud.positionArray;
    const radiusPx = pointerType === 'mouse' ? PICK_RADIUS_PX.mouse : PICK_RADIUS_PX.touch;
    const hit = pickPoint(positions, this.cloud.size, mvp.elements, x, y, this.element.clientWidth, this.element.clientHeight, { radiusPx });
    const point: Vec3 | null = hit ? [positions[hit.index * 3]!, positions[hit.index * 3 + 1]!, positions[hit.index * 3 + 2]!] : null;
    this.measure.pick(point, performance.now() - t0);
    this.measureChanged();
  }

  private measureChanged(): void {
    this.measureLayer.clear();
    const points = this.measure.points;
    const readout = this.measureReadout();
    if (points.length === 2) this.measureLayer.addSegment(points[0]!, points[1]!, readout.label ?? '', MEASURE_COLOUR);
    else if (points.length === 1) this.measureLayer.addMarkers([points[0]!], MEASURE_COLOUR);
    this.dirty = true;
    this.onMeasure?.(readout);
  }

  /** Frames the whole reconstruction (or a default view when empty). */
  /** The keyboard's turn, move, zoom and reset (see viewKeys.ts). */
  private key(e: { key: string; shiftKey?: boolean }): void {
    const action = viewKeyAction(e.key, e.shiftKey ?? false);
    if (!action) return;
    this.flight = null;
    if (action.kind === 'reset') {
      this.resetView();
      return;
    }
    if (action.kind === 'orbit') {
      this.controls.rotateLeft(action.left);
      this.controls.rotateUp(action.up);
    } else if (action.kind === 'pan') this.controls.pan(action.x, action.y);
    else if (action.scale < 1) this.controls.dollyIn(action.scale);
    else this.controls.dollyOut(1 / action.scale);
    this.controls.update();
    this.dirty = true;
  }

  resetView(): void {
    this.flight = null;
    // A turn still easing out (damping) would carry the view away from the reset: finish it at once first.
    this.controls.enableDamping = false;
    this.controls.update();
    this.controls.enableDamping = true;
    if (this.bounds.isEmpty()) {
      this.camera.position.set(0, 0.6, 2);
      this.controls.target.set(0, 0, -1);
    } else {
      const box = this.bounds.clone().applyMatrix4(this.world.matrix);
      const centre = box.getCenter(new THREE.Vector3());
      const radius = Math.max(0.5, box.getSize(new THREE.Vector3()).length() / 2);
      this.controls.target.copy(centre);
      // From above and in front, as one looks at a model of a room.
      this.camera.position.copy(centre).add(new THREE.Vector3(0, radius * 1.3, radius * 1.4));
    }
    this.controls.update();
    this.dirty = true;
  }

  resize(width: number, height: number, pixelRatio: number): void {
    if (width === 0 || height === 0) return;
    this.element.setSize(width, height);
    this.renderer.setPixelRatio(Math.min(2, pixelRatio));
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.highlightLayer.setViewport(width, height, this.camera.fov);
    this.measureLayer.setViewport(width, height, this.camera.fov);
    this.dirty = true;
  }

  dispose(): void {
    this.renderer.setAnimationLoop(null);
    POINTER_EVENTS.forEach((t) => this.element.removeEventListener(t, this.onPointer));
    this.element.removeEventListener('keydown', this.onKey);
    this.onMeasure = null;
    this.controls.dispose();
    this.highlightLayer.dispose();
    this.measureLayer.dispose();
    this.cloud.dispose();
    this.renderer.dispose();
  }

  private frame(t: number): void {
    if (this.flight) {
      const f = this.flight;
      const k = easeInOut((performance.now() - f.start) / FLIGHT_MS);
      this.camera.position.lerpVectors(f.fromPos, f.toPos, k);
      this.controls.target.lerpVectors(f.fromTarget, f.toTarget, k);
      if (k >= 1) this.flight = null;
      this.dirty = true;
    }
    this.controls.update(); // applies damping; fires 'change' while the view still moves
    if (!this.dirty) return;
    this.dirty = false;
    if (this.lastFrame) {
      this.frameTimes.push(t - this.lastFrame);
      if (this.frameTimes.length > 600) this.frameTimes.shift();
    }
    this.lastFrame = t;
    this.renderer.render(this.scene, this.camera);
  }
}
