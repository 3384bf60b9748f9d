import { useEffect, useRef } from 'react';
import type { AppController } from '../app/controller';
import { useApp } from '../app/store';
import { SceneView } from '../view/sceneView';

export function ViewPane({ controller }: { controller: AppController }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<SceneView | null>(null);
  const scene = useApp((s) => s.scene);

  useEffect(() => {
    if (!host.current) return;
    const v = new SceneView(host.current);
    view.current = v;
    controller.attachView(v);
    (window as unknown as { __room3rView?: SceneView }).__room3rView = v; // read by the benchmark
    return () => {
      controller.attachView(null);
      v.dispose();
    };
  }, [controller]);

  return (
    <section className="pane view" aria-label="3D view">
      <div className="view-host" ref={host} />
      <div className="view-overlay">
        <span data-testid="point-count">{scene.points.toLocaleString('en')} points</span>
        <span data-testid="pose-count">{scene.keyframes} camera poses</span>
        {scene.extent && (
          <span>
            {scene.extent.map((v) => v.toFixed(1)).join(' × ')} m
          </span>
        )}
        <button type="button" onClick={() => view.current?.resetView()}>
          Reset view
        </button>
      </div>
    </section>
  );
}
