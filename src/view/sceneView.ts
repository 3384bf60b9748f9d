// The 3D view: the growing coloured point cloud, the camera trajectory with a frustum per keyframe,
// orbit / pan / zoom and reset. Runs on the main thread (three.js + WebGL) but does only cheap
// work there: appends into preallocated buffers and draws.
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { KeyframeGeometry } from '../geometry/types';
import { GrowingPointCloud } from './pointBuffer';
import { TrajectoryView } from './trajectory';

export const POINT_CAPACITY = 2_000_000;
export const KEYFRAME_CAPACITY = 4096;

export class SceneView {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(60, 1, 0.01, 200);
  private readonly controls: OrbitControls;
  private readonly cloud = new GrowingPointCloud(POINT_CAPACITY);
  private readonly trajectory = new TrajectoryView(KEYFRAME_CAPACITY);
  private readonly bounds = new THREE.Box3();
  private readonly resizeObserver: ResizeObserver;
  /** Most recent frame intervals (ms), for the frame-time readout and the benchmark. */
  readonly frameTimes: number[] = [];
  private lastFrame = 0;
  /** Redraw only when something changed: a phone's battery (and a software GPU) should not draw still scenes. */
  private dirty = true;

  constructor(private readonly container: HTMLElement) {
    this.renderer = new THREE.WebGLRenderer({ antialias: false, powerPreference: 'high-performance' });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio));
    this.renderer.setClearColor(0x101418);
    container.appendChild(this.renderer.domElement);
    this.renderer.domElement.setAttribute('aria-label', '3D reconstruction');
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.enableDamping = true;
    this.controls.addEventListener('change', () => (this.dirty = true));
    // Reconstructions use OpenCV camera axes (y down, z forward); show them y-up until the map is gravity-aligned.
    const world = new THREE.Group();
    world.rotation.x = Math.PI;
    world.add(this.cloud.object, this.trajectory.group);
    this.scene.add(world, new THREE.AxesHelper(0.3));
    this.resetView();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
    this.renderer.setAnimationLoop((t) => this.frame(t));
  }

  get pointCount(): number {
    return this.cloud.size;
  }

  get keyframeCount(): number {
    return this.trajectory.size;
  }

  addKeyframe(kf: KeyframeGeometry): void {
    const added = this.cloud.append(kf.points, kf.colors);
    this.trajectory.add(kf.pose, kf.intrinsics, kf.width, kf.height);
    const p = kf.points;
    for (let i = 0; i < added * 3; i += 3) this.bounds.expandByPoint(new THREE.Vector3(p[i], -p[i + 1]!, -p[i + 2]!));
    if (this.trajectory.size === 1) this.resetView();
    this.dirty = true;
  }

  clear(): void {
    this.cloud.clear();
    this.trajectory.clear();
    this.bounds.makeEmpty();
    this.resetView();
  }

  /** Frames the whole reconstruction (or a default view when empty). */
  resetView(): void {
    if (this.bounds.isEmpty()) {
      this.camera.position.set(0, 0.6, 2);
      this.controls.target.set(0, 0, -1);
    } else {
      const centre = this.bounds.getCenter(new THREE.Vector3());
      const radius = Math.max(0.5, this.bounds.getSize(new THREE.Vector3()).length() / 2);
      this.controls.target.copy(centre);
      this.camera.position.copy(centre).add(new THREE.Vector3(0, radius * 0.6, radius * 1.8));
    }
    this.controls.update();
    this.dirty = true;
  }

  dispose(): void {
    this.renderer.setAnimationLoop(null);
    this.resizeObserver.disconnect();
    this.controls.dispose();
    this.cloud.dispose();
    this.renderer.dispose();
    this.renderer.domElement.remove();
  }

  private resize(): void {
    const { clientWidth: w, clientHeight: h } = this.container;
    if (w === 0 || h === 0) return;
    this.renderer.setSize(w, h, false);
    this.renderer.domElement.style.width = '100%';
    this.renderer.domElement.style.height = '100%';
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.dirty = true;
  }

  private frame(t: number): void {
    if (this.lastFrame) {
      this.frameTimes.push(t - this.lastFrame);
      if (this.frameTimes.length > 600) this.frameTimes.shift();
    }
    this.lastFrame = t;
    this.controls.update(); // applies damping; fires 'change' while the view still moves
    if (!this.dirty) return;
    this.dirty = false;
    this.renderer.render(this.scene, this.camera);
  }
}
