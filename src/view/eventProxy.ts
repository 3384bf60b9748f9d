// The 3D view renders in a worker (OffscreenCanvas), so the main thread never rasterises points.
// Orbit controls live there too: the main thread forwards the canvas's input events as plain data,
// and the worker replays them on a stand-in element with the parts of the DOM API OrbitControls uses.
import { VIEW_KEYS } from './viewKeys';

/** The fields of pointer, wheel and key events that the view reads (OrbitControls, picking, keyboard control). */
export interface ForwardedEvent {
  type: string;
  pointerId?: number;
  pointerType?: string;
  clientX?: number;
  clientY?: number;
  pageX?: number;
  pageY?: number;
  button?: number;
  buttons?: number;
  deltaX?: number;
  deltaY?: number;
  deltaMode?: number;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  key?: string;
}

const POINTER_FIELDS = ['pointerId', 'pointerType', 'clientX', 'clientY', 'pageX', 'pageY', 'button', 'buttons', 'ctrlKey', 'metaKey', 'shiftKey'] as const;

/** Main thread: forwards a canvas's input events to `send` (coordinates relative to the canvas). Returns a remover. */
export function forwardCanvasEvents(canvas: HTMLCanvasElement, send: (e: ForwardedEvent) => void): () => void {
  const pointer = (e: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    const data: ForwardedEvent = { type: e.type };
    for (const k of POINTER_FIELDS) (data as unknown as Record<string, unknown>)[k] = e[k];
    data.clientX = e.clientX - rect.left;
    data.clientY = e.clientY - rect.top;
    data.pageX = data.clientX;
    data.pageY = data.clientY;
    if (e.type === 'pointerdown') canvas.setPointerCapture(e.pointerId);
    send(data);
  };
  const wheel = (e: WheelEvent) => {
    e.preventDefault();
    send({ type: 'wheel', deltaX: e.deltaX, deltaY: e.deltaY, deltaMode: e.deltaMode, ctrlKey: e.ctrlKey, metaKey: e.metaKey, shiftKey: e.shiftKey });
  };
  // The view's own keys, while the canvas has focus; arrows would otherwise scroll the page.
  const key = (e: KeyboardEvent) => {
    if (!VIEW_KEYS.has(e.key) || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    send({ type: 'keydown', key: e.key, shiftKey: e.shiftKey });
  };
  const menu = (e: Event) => e.preventDefault();
  const types = ['pointerdown', 'pointermove', 'pointerup', 'pointercancel'] as const;
  types.forEach((t) => canvas.addEventListener(t, pointer));
  canvas.addEventListener('wheel', wheel, { passive: false });
  canvas.addEventListener('contextmenu', menu);
  canvas.addEventListener('keydown', key);
  canvas.style.touchAction = 'none';
  return () => {
    types.forEach((t) => canvas.removeEventListener(t, pointer));
    canvas.removeEventListener('wheel', wheel);
    canvas.removeEventListener('contextmenu', menu);
    canvas.removeEventListener('keydown', key);
  };
}

/** Worker: an EventTarget that looks enough like a canvas element for OrbitControls. */
export class ProxyElement extends EventTarget {
  clientWidth = 1;
  clientHeight = 1;
  readonly style: Record<string, string> = {};
  /** OrbitControls listens for moves on the owner document while dragging; here that is this element. */
  readonly ownerDocument = this;

  setSize(width: number, height: number): void {
    this.clientWidth = width;
    this.clientHeight = height;
  }

  getBoundingClientRect() {
    return { left: 0, top: 0, x: 0, y: 0, width: this.clientWidth, height: this.clientHeight, right: this.clientWidth, bottom: this.clientHeight };
  }

  setPointerCapture(): void {}
  releasePointerCapture(): void {}
  hasPointerCapture(): boolean {
    return false;
  }
  focus(): void {}

  /** Replays a forwarded event. */
  replay(data: ForwardedEvent): void {
    const event = new Event(data.type, { cancelable: true });
    const { type: _type, ...fields } = data;
    Object.assign(event, fields);
    this.dispatchEvent(event);
  }
}
