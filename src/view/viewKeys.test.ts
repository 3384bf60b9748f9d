import { describe, expect, it } from 'vitest';
import { VIEW_KEYS, viewKeyAction } from './viewKeys';

describe('viewKeyAction', () => {
  it('turns with arrows, moves with Shift + arrows, zooms with + and −, resets with Home', () => {
    const left = viewKeyAction('ArrowLeft', false);
    const right = viewKeyAction('ArrowRight', false);
    expect(left).toMatchObject({ kind: 'orbit', up: 0 });
    expect(right).toMatchObject({ kind: 'orbit', up: 0 });
    expect((left as { left: number }).left).toBeCloseTo(-(right as { left: number }).left);
    expect(viewKeyAction('ArrowUp', false)).toMatchObject({ kind: 'orbit', left: 0 });
    expect(viewKeyAction('ArrowUp', true)).toMatchObject({ kind: 'pan', x: 0 });
    expect(viewKeyAction('ArrowLeft', true)).toMatchObject({ kind: 'pan', y: 0 });
    const zoomIn = viewKeyAction('+', false) as { scale: number };
    const zoomOut = viewKeyAction('-', false) as { scale: number };
    expect(zoomIn.scale).toBeLessThan(1);
    expect(zoomIn.scale * zoomOut.scale).toBeCloseTo(1);
    expect(viewKeyAction('PageUp', false)).toEqual(viewKeyAction('=', false));
    expect(viewKeyAction('Home', false)).toEqual({ kind: 'reset' });
  });

  it('leaves every other key alone, and forwards exactly the keys it handles', () => {
    for (const key of ['Tab', 'Enter', ' ', 'Escape', 'a']) expect(viewKeyAction(key, false)).toBeNull();
    for (const key of VIEW_KEYS) expect(viewKeyAction(key, false)).not.toBeNull();
  });
});
