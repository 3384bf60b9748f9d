// The 3D view: the growing coloured point cloud, the camera trajectory with a frustum per keyframe,
// orbit / pan / zoom and reset. Runs in the render worker on an OffscreenCanvas: appends go into
// preallocated buffers (only the new range is uploaded) and a frame is drawn only when something changed.
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { KeyframeGeometry } from '../geometry/types';
import { GrowingPointCloud } from './pointBuffer';
import type { ProxyElement } from './eventProxy';
import { TrajectoryView } from './trajectory';

export const POINT_CAPACITY = 2_000_000;
export const KEYFRAME_CAPACITY = 4096;

export interface ViewStats {
  points: number;
  keyframes: number;
  /** Recent intervals between drawn frames (ms). */
  frameTimes: number[];
}

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

  constructor(canvas: OffscreenCanvas, private readonly element: ProxyElement) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false, powerPreference: 'high-performance' });
    this.renderer.setClearColor(0x101418);
    this.controls = new OrbitControls(this.camera, element as unknown as HTMLElement);
    this.controls.enableDamping = true;
    this.controls.addEventListener('change', () => (this.dirty = true));
    // Points and cameras stay in the tracking frame; the group carries them into the gravity frame, so a
    // better estimate of up moves the whole map without uploading a point again.
    this.world.matrixAutoUpdate = false;
    this.world.add(this.cloud.object, this.trajectory.group);
    this.scene.add(this.world, new THREE.AxesHelper(0.3), new THREE.GridHelper(10, 20, 0x2a333d, 0x1d242c));
    this.resetView();
    this.renderer.setAnimationLoop((t) => this.frame(t));
  }

  stats(): ViewStats {
    return { points: this.cloud.size, keyframes: this.trajectory.size, frameTimes: [...this.frameTimes] };
  }

  addKeyframe(kf: KeyframeGeometry): void {
    const added = this.cloud.append(kf.points, kf.colors);
    this.trajectory.add(kf.pose, kf.intrinsics, kf.width, kf.height);
    this.world.matrix.fromArray(kf.world.toGravity);
    this.world.matrixWorldNeedsUpdate = true;
    const p = kf.points;
    const v = new THREE.Vector3();
    for (let i = 0; i < added * 3; i += 3) this.bounds.expandByPoint(v.set(p[i]!, p[i + 1]!, p[i + 2]!));
    if (this.trajectory.size === 1) this.resetView();
    this.dirty = true;
  }

  clear(): void {
    this.cloud.clear();
    this.trajectory.clear();
    this.bounds.makeEmpty();
    this.world.matrix.identity();
    this.world.matrixWorldNeedsUpdate = true;
    this.resetView();
  }

  /** Frames the whole reconstruction (or a default view when empty). */
  resetView(): void {
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
    this.dirty = true;
  }

  dispose(): void {
    this.renderer.setAnimationLoop(null);
    this.controls.dispose();
    this.cloud.dispose();
    this.renderer.dispose();
  }

  private frame(t: number): void {
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
