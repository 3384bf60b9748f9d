// Overlays drawn over the map: labelled wireframe boxes, labelled segments with end markers, single markers.
// Lines are screen-space thick (LineSegments2), labels are sprites with a text texture drawn on an
// OffscreenCanvas (available in workers), and both keep a constant size on screen. Overlays are drawn over
// the points (no depth test): they are what the user asked about.
import * as THREE from 'three';
import { LineMaterial } from 'three/examples/jsm/lines/LineMaterial.js';
import { LineSegments2 } from 'three/examples/jsm/lines/LineSegments2.js';
import { LineSegmentsGeometry } from 'three/examples/jsm/lines/LineSegmentsGeometry.js';
import type { OrientedBox, Vec3 } from '../spatial/types';
import { boxEdges, boxTop, spriteScaleForPixels } from './framing';

/** Box colours, in turn. */
export const BOX_COLOURS = ['#ffd23f', '#4cd97b', '#ff7ab6', '#7aa7ff', '#ff9f43', '#b58cff'];
export const SEGMENT_COLOUR = '#3ee0ff';
export const MEASURE_COLOUR = '#ff6b3d';

const LABEL_FONT_PX = 13;
const MARKER_PX = 11;
const OVERLAY_ORDER = 10;

/** A sprite showing `text` on a dark rounded tag; its size on screen in CSS pixels is in userData.px. */
function textSprite(text: string, colour: string): THREE.Sprite {
  const ratio = 2; // drawn at twice the CSS size, for sharp text on high-density screens
  const font = `600 ${LABEL_FONT_PX * ratio}px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif`;
  const padX = 6 * ratio;
  const h = Math.round((LABEL_FONT_PX + 8) * ratio);
  let w = Math.round(text.length * LABEL_FONT_PX * 0.62 * ratio + 2 * padX);
  const material = new THREE.SpriteMaterial({ depthTest: false, depthWrite: false, transparent: true, sizeAttenuation: false });
  if (typeof OffscreenCanvas !== 'undefined') {
    const measure = new OffscreenCanvas(1, 1).getContext('2d');
    if (measure) {
      measure.font = font;
      w = Math.ceil(measure.measureText(text).width + 2 * padX);
    }
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (ctx) {
      ctx.fillStyle = 'rgba(16, 20, 24, 0.85)';
      ctx.strokeStyle = colour;
      ctx.lineWidth = ratio;
      ctx.beginPath();
      ctx.roundRect(ratio / 2, ratio / 2, w - ratio, h - ratio, 4 * ratio);
      ctx.fill();
      ctx.stroke();
      ctx.font = font;
      ctx.fillStyle = colour;
      ctx.textBaseline = 'middle';
      ctx.fillText(text, padX, h / 2 + ratio / 2);
      const texture = new THREE.CanvasTexture(canvas);
      texture.colorSpace = THREE.SRGBColorSpace;
      texture.minFilter = THREE.LinearFilter;
      texture.generateMipmaps = false;
      material.map = texture;
    }
  }
  const sprite = new THREE.Sprite(material);
  sprite.userData.px = [w / ratio, h / ratio];
  sprite.userData.label = text;
  sprite.renderOrder = OVERLAY_ORDER + 2;
  sprite.frustumCulled = false;
  return sprite;
}

let disc: THREE.Texture | null = null;
/** A round marker texture (points are square without one). */
function discTexture(): THREE.Texture | null {
  if (disc || typeof OffscreenCanvas === 'undefined') return disc;
  const size = 64;
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.fillStyle = '#ffffff';
  ctx.beginPath();
  ctx.arc(size / 2, size / 2, size / 2 - 6, 0, Math.PI * 2);
  ctx.fill();
  ctx.strokeStyle = '#101418';
  ctx.lineWidth = 6;
  ctx.stroke();
  disc = new THREE.CanvasTexture(canvas);
  return disc;
}

/** A group of overlays that keeps its lines and labels at a fixed size on screen. */
export class OverlayLayer {
  readonly group = new THREE.Group();
  private readonly lineMaterials: LineMaterial[] = [];
  private readonly sprites: THREE.Sprite[] = [];
  private viewport = { width: 1, height: 1, fov: 60 };

  constructor(name: string) {
    this.group.name = name;
  }

  get isEmpty(): boolean {
    return this.group.children.length === 0;
  }

  /** Labels currently drawn, in the order added. */
  get labels(): string[] {
    return this.sprites.map((s) => s.userData.label as string);
  }

  /** The viewport in CSS pixels and the camera's vertical field of view: line widths and label sizes follow. */
  setViewport(width: number, height: number, fov: number): void {
    this.viewport = { width, height, fov };
    for (const m of this.lineMaterials) m.resolution.set(width, height);
    for (const s of this.sprites) this.scaleSprite(s);
  }

  addBox(box: OrientedBox, label: string, colour: string): void {
    this.addLines(boxEdges(box), colour, 2.5);
    if (label) this.addLabel(boxTop(box), label, colour, [0.5, -0.25]);
  }

  /** A segment with a marker at each end and its label at the midpoint. */
  addSegment(from: Vec3, to: Vec3, label: string, colour: string): void {
    this.addLines([[from, to]], colour, 3.5);
    this.addMarkers([from, to], colour);
    const mid: Vec3 = [(from[0] + to[0]) / 2, (from[1] + to[1]) / 2, (from[2] + to[2]) / 2];
    if (label) this.addLabel(mid, label, colour, [0.5, -0.35]);
  }

  addMarkers(points: Vec3[], colour: string): void {
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.Float32BufferAttribute(points.flat(), 3));
    const map = discTexture();
    const material = new THREE.PointsMaterial({
      color: colour,
      size: MARKER_PX,
      sizeAttenuation: false,
      depthTest: false,
      depthWrite: false,
      transparent: true,
      ...(map ? { map, alphaTest: 0.5 } : {}),
    });
    const markers = new THREE.Points(geometry, material);
    markers.renderOrder = OVERLAY_ORDER + 1;
    markers.frustumCulled = false;
    this.group.add(markers);
  }

  clear(): void {
    for (const child of [...this.group.children]) {
      this.group.remove(child);
      const o = child as THREE.Mesh;
      o.geometry?.dispose();
      const material = o.material as THREE.Material & { map?: THREE.Texture | null };
      if (material.map && material.map !== disc) material.map.dispose();
      material.dispose();
    }
    this.lineMaterials.length = 0;
    this.sprites.length = 0;
  }

  dispose(): void {
    this.clear();
  }

  private addLines(pairs: [Vec3, Vec3][], colour: string, widthPx: number): void {
    const geometry = new LineSegmentsGeometry();
    geometry.setPositions(pairs.flatMap(([a, b]) => [...a, ...b]));
    const material = new LineMaterial({ color: colour, linewidth: widthPx, depthTest: false, depthWrite: false, transparent: true, opacity: 0.95 });
    material.resolution.set(this.viewport.width, this.viewport.height);
    const lines = new LineSegments2(geometry, material);
    lines.renderOrder = OVERLAY_ORDER;
    lines.frustumCulled = false;
    this.lineMaterials.push(material);
    this.group.add(lines);
  }

  private addLabel(at: Vec3, text: string, colour: string, anchor: [number, number]): void {
    const sprite = textSprite(text, colour);
    sprite.position.set(...at);
    sprite.center.set(...anchor);
    this.scaleSprite(sprite);
    this.sprites.push(sprite);
    this.group.add(sprite);
  }

  private scaleSprite(s: THREE.Sprite): void {
    const [w, h] = s.userData.px as [number, number];
    const k = spriteScaleForPixels(1, this.viewport.fov, this.viewport.height);
    s.scale.set(w * k, h * k, 1);
  }
}
