import { useEffect, useRef } from 'react';
import type { AppController } from '../app/controller';
import { useApp } from '../app/store';

/** The 3D view: a canvas whose drawing happens in the render worker, and the counters over it. */
export function ViewPane({ controller }: { controller: AppController }) {
  const host = useRef<HTMLDivElement>(null);
  const scene = useApp((s) => s.scene);
  const epoch = useApp((s) => s.viewEpoch);

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

  return (
    <section className="pane view" aria-label="3D view">
      <div className="view-host" ref={host} />
      <div className="view-overlay">
        <span data-testid="point-count">{scene.points.toLocaleString('en')} points</span>
        <span data-testid="pose-count">{scene.keyframes} camera poses</span>
        {scene.extent && <span>{scene.extent.map((v) => v.toFixed(1)).join(' × ')} m</span>}
        <button type="button" onClick={() => controller.resetView()}>
          Reset view
        </button>
      </div>
    </section>
  );
}
