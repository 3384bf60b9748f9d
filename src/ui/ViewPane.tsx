import { useEffect, useRef } from 'react';
import type { AppController } from '../app/controller';
import { useApp, useMeasure } from '../app/store';
import { VIEW_KEYS_HELP } from '../view/viewKeys';

/**
 * The canvas the render worker draws on. It is made here, not in JSX: control of a canvas can be handed to a worker
 * only once, so a new render worker (after one died) gets a new canvas, by a new `key` on this component.
 */
function ViewCanvas({ controller }: { controller: AppController }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const canvas = document.createElement('canvas');
    canvas.tabIndex = 0;
    canvas.setAttribute('role', 'application');
    canvas.setAttribute('aria-roledescription', '3D view');
    canvas.setAttribute('aria-label', `3D reconstruction. ${VIEW_KEYS_HELP}`);
    canvas.dataset.testid = 'view-canvas';
    host.current!.appendChild(canvas);
    const detach = controller.attachCanvas(canvas);
    return () => {
      detach();
      canvas.remove();
    };
  }, [controller]);
  return <div className="view-host" ref={host} />;
}

/** The 3D view: the canvas, the counters over it, and the measuring tool. */
export function ViewPane({ controller }: { controller: AppController }) {
  const scene = useApp((s) => s.scene);
  const epoch = useApp((s) => s.viewEpoch);
  const measuring = useMeasure((s) => s.active);
  const readout = useMeasure((s) => s.readout);

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
    <section className={measuring ? 'pane view measuring' : 'pane view'} aria-label="3D view">
      <ViewCanvas key={epoch} controller={controller} />
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
