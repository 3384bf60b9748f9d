// The measuring tool's states and the distance labels.
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../spatial/types';
import { formatMetres, MeasureTool } from './measure';

describe('formatMetres', () => {
  it('shows metres with sensible precision', () => {
    expect(formatMetres(1.8412)).toBe('1.84 m');
    expect(formatMetres(0.372)).toBe('0.37 m');
    expect(formatMetres(0.0423)).toBe('0.042 m');
    expect(formatMetres(12.345)).toBe('12.3 m');
    expect(formatMetres(0)).toBe('0.00 m');
    expect(formatMetres(NaN)).toBe('– m');
  });
});

describe('MeasureTool', () => {
  const a: Vec3 = [0, 0, 0];
  const b: Vec3 = [1.2, 0, 1.6];
  const c: Vec3 = [0, 3, 0];

  it('does nothing while off', () => {
    const t = new MeasureTool();
    expect(t.pick(a)).toBe(false);
    expect(t.readout()).toMatchObject({ active: false, points: [], distance: null, text: '' });
  });

  it('one point, then two: the distance and its label; a third click starts again', () => {
    const t = new MeasureTool();
    t.setActive(true);
    expect(t.readout().text).toBe('Click a point on the map');
    t.pick(a);
    expect(t.readout()).toMatchObject({ points: [a], distance: null, label: null, text: 'Click the second point' });
    t.pick(b, 4.2);
    expect(t.readout()).toMatchObject({ points: [a, b], distance: 2, label: '2.00 m', text: '2.00 m', missed: false, pickMs: 4.2 });
    t.pick(c);
    expect(t.readout()).toMatchObject({ points: [c], distance: null, picks: 3 });
  });

  it('a miss keeps the points and says so', () => {
    const t = new MeasureTool();
    t.setActive(true);
    t.pick(a);
    t.pick(null);
    const r = t.readout();
    expect(r.points).toEqual([a]);
    expect(r.missed).toBe(true);
    expect(r.text).toMatch(/^No map point there/);
    t.pick(b);
    expect(t.readout()).toMatchObject({ missed: false, label: '2.00 m' });
  });

  it('clear keeps the tool on; turning it off clears', () => {
    const t = new MeasureTool();
    t.setActive(true);
    t.pick(a);
    t.pick(b);
    t.clear();
    expect(t.readout()).toMatchObject({ active: true, points: [], distance: null });
    t.pick(a);
    expect(t.setActive(false)).toBe(true);
    expect(t.setActive(false)).toBe(false);
    expect(t.points).toEqual([]);
    t.setActive(true);
    expect(t.points).toEqual([]);
    expect(t.readout().picks).toBe(0);
  });

  it('reports points in the gravity frame; a rigid transform keeps the distance', () => {
    const t = new MeasureTool();
    t.setActive(true);
    t.pick(a);
    t.pick(b);
    // A rotation of 90° about x plus a shift: what the world group does.
    const toGravity = (p: Vec3): Vec3 => [p[0] + 1, -p[2] + 2, p[1] - 0.5];
    const r = t.readout(toGravity);
    const expected = [
      [1, 2, -0.5],
      [2.2, 0.4, -0.5],
    ];
    r.points.forEach((p, i) => p.forEach((v, k) => expect(v).toBeCloseTo(expected[i]![k]!, 12)));
    expect(r.distance).toBeCloseTo(2, 12);
    expect(t.points).toEqual([a, b]); // kept in the map's frame
  });
});
