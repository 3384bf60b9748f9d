import { useEffect, useRef } from 'react';
import type { AppController } from '../app/controller';
import { useApp, useMeasure } from '../app/store';

/** The 3D view: a canvas whose drawing happens in the render worker, the counters over it, and the measuring tool. */
export function ViewPane({ controller }: { controller: AppController }) {
  const host = useRef<HTMLDivElement>(null);
  const scene = useApp((s) => s.scene);
  const epoch = useApp((s) => s.viewEpoch);
  const measuring = useMeasure((s) => s.active);
  const readout = useMeasure((s) => s.readout);

  useEffect(() => {
    // The canvas is made here, not in JSX: control of a canvas can be handed to a worker only once.
    const canvas = document.createElement('canvas');
    canvas.setAttribute('aria-label', '3D reconstruction');
    canvas.tabIndex = 0;
    host.current!.appendChild(canvas);
    const detach = controller.attachCanvas(canvas);
    return () => {
      detach();
      canvas.remove();
    };
  }, [controller, epoch]);

  // Escape clears the measurement, and a second Escape (nothing left to clear) turns the tool off.
  useEffect(() => {
    if (!measuring) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      if (useMeasure.getState().readout?.points.length) controller.clearMeasurement();
      else controller.setMeasuring(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [controller, measuring]);

  const shown = measuring && readout?.active ? readout : null;
  return (
    <section className="pane view" aria-label="3D view">
      <div className="view-host" ref={host} style={measuring ? { cursor: 'crosshair' } : undefined} />
      <div className="view-overlay">
        <span data-testid="point-count">{scene.points.toLocaleString('en')} points</span>
        <span data-testid="pose-count">{scene.keyframes} camera poses</span>
        {scene.extent && <span>{scene.extent.map((v) => v.toFixed(1)).join(' × ')} m</span>}
        <button type="button" onClick={() => controller.resetView()}>
          Reset view
        </button>
        <button
          type="button"
          className={measuring ? 'measure on' : 'measure'}
          aria-pressed={measuring}
          data-testid="measure-toggle"
          title="Click two points on the map to measure the distance between them (Esc clears)"
          onClick={() => controller.setMeasuring(!measuring)}
        >
          Measure
        </button>
        {measuring && (
          <output
            className={shown?.missed ? 'measure-readout missed' : 'measure-readout'}
            data-testid="measure-readout"
            data-points={shown?.points.length ?? 0}
            data-picks={shown?.picks ?? 0}
            data-distance={shown?.distance ?? ''}
            aria-live="polite"
          >
            {shown?.text ?? 'Click a point on the map'}
          </output>
        )}
      </div>
    </section>
  );
}
