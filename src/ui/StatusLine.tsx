import type { AppController } from '../app/controller';
import { useApp, type ModelRole, type ModelStatus } from '../app/store';

function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}

function progressText(status: ModelStatus): string {
  const files = Object.values(status.files);
  const loaded = files.reduce((s, f) => s + f.loaded, 0);
  const total = files.reduce((s, f) => s + (f.total ?? f.loaded), 0);
  const pct = total ? Math.floor((100 * loaded) / total) : 0;
  return `${formatBytes(loaded)} / ${formatBytes(total)} (${pct}%)`;
}

function ModelState({ label, model, controller }: { label: string; model: ModelRole; controller: AppController }) {
  const status = useApp((s) => s.models[model]);
  let text: string;
  switch (status.phase) {
    case 'idle':
      text = 'not loaded';
      break;
    case 'loading':
      text = `loading ${progressText(status)}`;
      break;
    case 'ready':
      text = status.backend?.kind === 'webgpu' ? 'WebGPU' : `WASM (${status.backend?.reason ?? 'fallback'})`;
      break;
    case 'error':
      text = 'failed';
  }
  return (
    <span className={`model model-${status.phase}`} data-testid={`model-${model}`} data-phase={status.phase} data-backend={status.backend?.kind ?? ''}>
      {label}: {text}
      {status.phase === 'ready' && status.note && <span className="model-note">, {status.note}</span>}
      {status.phase === 'loading' && (
        <progress
          max={1}
          value={
            Object.values(status.files).reduce((s, f) => s + f.loaded, 0) /
            Math.max(
              1,
              Object.values(status.files).reduce((s, f) => s + (f.total ?? f.loaded), 0),
            )
          }
        />
      )}
      {status.phase === 'error' && (
        <>
          {' '}
          <span className="model-error" role="alert">
            {status.error}
          </span>{' '}
          <button type="button" onClick={() => controller.retryModel(model)}>
            Retry
          </button>
        </>
      )}
    </span>
  );
}

export function StatusLine({ controller }: { controller: AppController }) {
  return (
    <div className="status" data-testid="status">
      <ModelState label="Geometry" model="geometry" controller={controller} />
      <ModelState label="Objects" model="detector" controller={controller} />
      <ModelState label="Chat" model="vlm" controller={controller} />
    </div>
  );
}
