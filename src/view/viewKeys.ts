// The 3D view by keyboard (the canvas takes focus): arrows turn the view round its centre, Shift + arrows move it,
// + / − (or Page Up / Page Down) zoom, Home frames the whole map again.

export type ViewKeyAction =
  | { kind: 'orbit'; left: number; up: number }
  | { kind: 'pan'; x: number; y: number }
  | { kind: 'zoom'; scale: number }
  | { kind: 'reset' };

/** One arrow press turns the view by this much (radians). */
const ORBIT_STEP = Math.PI / 18;
/** One Shift + arrow press moves the view by this many CSS pixels. */
const PAN_STEP_PX = 40;
/** One zoom press brings the camera this much closer (< 1) to the centre. */
const ZOOM_STEP = 0.8;

/** The keys the view handles; the page forwards only these (Tab and the rest keep their usual meaning). */
export const VIEW_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', '+', '=', '-', '_', 'PageUp', 'PageDown', 'Home']);

export const VIEW_KEYS_HELP = 'Arrow keys turn the view, Shift and arrow keys move it, plus and minus zoom, Home shows the whole map.';

export function viewKeyAction(key: string, shift: boolean): ViewKeyAction | null {
  const arrow: Record<string, [number, number]> = { ArrowLeft: [1, 0], ArrowRight: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
  const dir = arrow[key];
  if (dir)
    return shift ? { kind: 'pan', x: dir[0] * PAN_STEP_PX, y: dir[1] * PAN_STEP_PX } : { kind: 'orbit', left: dir[0] * ORBIT_STEP, up: dir[1] * ORBIT_STEP };
  if (key === '+' || key === '=' || key === 'PageUp') return { kind: 'zoom', scale: ZOOM_STEP };
  if (key === '-' || key === '_' || key === 'PageDown') return { kind: 'zoom', scale: 1 / ZOOM_STEP };
  if (key === 'Home') return { kind: 'reset' };
  return null;
}
