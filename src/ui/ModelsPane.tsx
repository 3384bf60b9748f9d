import { useEffect } from 'react';
import { useModels, type ModelsClient } from '../app/modelsClient';
import { formatBytes, type FileStatus, type ManagerSnapshot } from '../models/downloadManager';
import type { TierId } from '../models/tiers';

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

function rateText(bytesPerSecond: number, etaSeconds: number | undefined): string {
  if (bytesPerSecond <= 0) return '';
  return ` · ${formatBytes(bytesPerSecond)}/s${etaSeconds !== undefined ? ` · ${formatDuration(etaSeconds)} left` : ''}`;
}

const ROLE_LABEL: Record<string, string> = { geometry: 'Geometry', detector: 'Objects', vlm: 'Chat' };

function modelState(files: FileStatus[]): 'cached' | 'partial' | 'missing' {
  const cached = files.filter((f) => f.state === 'cached').length;
  if (cached === files.length) return 'cached';
  return cached > 0 || files.some((f) => f.loaded > 0) ? 'partial' : 'missing';
}

function FileRow({ f }: { f: FileStatus }) {
  const size = f.total !== undefined ? formatBytes(f.total) : 'size unknown';
  const busy = f.state === 'downloading' || f.state === 'paused' || f.state === 'error';
  return (
    <li className={`models-file models-file-${f.state}`} data-testid="models-file" data-path={f.path} data-state={f.state}>
      <span className="models-file-name">{f.path}</span> <span className="models-file-size">{size}</span>{' '}
      {f.unverified && (
        <span className="models-file-unverified" title="No pinned checksum: this file is used as the server sends it">
          unverified{' '}
        </span>
      )}
      <span className="models-file-state">
        {f.state === 'cached' ? 'downloaded' : f.state}
        {busy && f.total ? ` ${formatBytes(f.loaded)} (${Math.floor((100 * f.loaded) / f.total)}%)` : ''}
        {f.state === 'downloading' ? rateText(f.bytesPerSecond, f.etaSeconds) : ''}
      </span>
    </li>
  );
}

function Progress({ snap }: { snap: ManagerSnapshot }) {
  const current = snap.files.find((f) => f.state === 'downloading') ?? snap.files.find((f) => f.state === 'paused' || f.state === 'error');
  return (
    <span className="models-progress" data-testid="models-progress" data-loaded={snap.loaded} data-total={snap.total}>
      <progress max={1} value={snap.total ? snap.loaded / snap.total : 0} /> {formatBytes(snap.loaded)} / {formatBytes(snap.total)}
      {rateText(snap.bytesPerSecond, snap.etaSeconds)}
      {current && (
        <span className="models-current" data-testid="models-current" data-path={current.path} data-loaded={current.loaded} data-total={current.total ?? ''}>
          {' '}
          — {current.path.split('/').pop()} {formatBytes(current.loaded)}
          {current.total ? ` / ${formatBytes(current.total)}` : ''}
          {current.state === 'downloading' ? rateText(current.bytesPerSecond, current.etaSeconds) : ''}
        </span>
      )}
    </span>
  );
}

/** The model manager: tier switch, download size, download / pause / resume / cancel, storage, per-model delete. */
export function ModelsPane({ models }: { models: ModelsClient }) {
  useEffect(() => {
    void models.start();
  }, [models]);
  const s = useModels();
  const snap = s.snapshot;
  const phase = snap?.phase ?? 'idle';
  const tier = s.tiers.find((t) => t.id === s.tier);
  const missing = snap ? snap.files.filter((f) => f.state !== 'cached').reduce((n, f) => n + Math.max(0, (f.total ?? 0) - f.loaded), 0) : 0;
  const downloading = phase === 'downloading';

  return (
    <section className="models" data-testid="models-pane" data-phase={phase} data-tier={s.tier}>
      <label className="models-tier">
        Models{' '}
        <select aria-label="Model tier" value={s.tier} disabled={downloading || !s.started} onChange={(e) => void models.setTier(e.target.value as TierId)}>
          {s.tiers.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}: {t.summary} ({t.approximate ? '≈' : ''}
              {formatBytes(t.bytes)})
            </option>
          ))}
        </select>
      </label>
      {snap && phase === 'idle' && (
        <button type="button" data-testid="models-download" onClick={() => void models.download()}>
          Download models ({formatBytes(missing)})
        </button>
      )}
      {downloading && (
        <>
          <button type="button" onClick={() => models.pause()}>
            Pause
          </button>
          <button type="button" onClick={() => models.cancel()}>
            Cancel
          </button>
        </>
      )}
      {(phase === 'paused' || phase === 'error') && (
        <>
          <button type="button" onClick={() => void models.download()}>
            Resume
          </button>
          <button type="button" onClick={() => models.cancel()}>
            Cancel
          </button>
        </>
      )}
      {phase === 'done' && (
        <span className="models-done" data-testid="models-done">
          Models downloaded
        </span>
      )}
      {snap && phase !== 'idle' && phase !== 'done' && <Progress snap={snap} />}
      {snap?.error && phase === 'error' && (
        <span className="model-error" role="alert" data-testid="models-error">
          {snap.error}
        </span>
      )}
      {s.error && (
        <span className="model-error" role="alert" data-testid="models-error">
          {s.error}
        </span>
      )}
      {s.storage && phase !== 'done' && missing > s.storage.quota - s.storage.usage && (
        <span className="model-error" role="alert" data-testid="models-space">
          Not enough free storage for this tier: {formatBytes(missing)} needed, {formatBytes(Math.max(0, s.storage.quota - s.storage.usage))} free. Delete a
          model or free some space first.
        </span>
      )}
      {s.backend?.kind === 'wasm' && (
        <span className="hint" data-testid="models-wasm-hint">
          {s.tier === 'quality'
            ? 'No WebGPU here: Qwen3-VL 2B runs on the CPU at seconds per word; the Light tier answers in seconds.'
            : 'No WebGPU here: the Light tier is the one that answers in seconds on the CPU.'}
        </span>
      )}
      <span className="models-storage hint" data-testid="models-storage">
        {s.storage ? `Storage: ${formatBytes(s.storage.usage)} used of ${formatBytes(s.storage.quota)}` : 'Storage: unknown'}
        {s.persisted === true ? ' · kept by the browser' : s.persisted === false ? ' · may be cleared by the browser when space runs low' : ''}
      </span>
      {tier && snap && (
        <details className="models-details">
          <summary>
            Files ({tier.label} tier{s.backend ? `, ${s.backend.kind === 'webgpu' ? `WebGPU${s.backend.shaderF16 ? ' with f16' : ''}` : 'WASM'}` : ''})
          </summary>
          {tier.approximate && <p className="hint">Sizes marked ≈ are the hub's rounded figures or estimates (see docs/MODELS.md).</p>}
          <ul className="models-list">
            {tier.models.map((m) => {
              const files = snap.files.filter((f) => f.modelId === m.id);
              const state = modelState(files);
              return (
                <li key={m.id} data-testid={`models-model-${m.id}`} data-state={state}>
                  <strong>{ROLE_LABEL[m.role] ?? m.role}</strong>: {m.repo} ({m.variant}, {m.approximate ? '≈' : ''}
                  {formatBytes(m.bytes)}, {m.license}){' '}
                  <span className="models-model-state">{state === 'cached' ? 'downloaded' : state === 'partial' ? 'partly downloaded' : 'not downloaded'}</span>{' '}
                  {state !== 'missing' && (
                    <button type="button" disabled={downloading} onClick={() => void models.remove(m.id)}>
                      Delete
                    </button>
                  )}
                  <ul>
                    {files.map((f) => (
                      <FileRow key={f.url} f={f} />
                    ))}
                  </ul>
                </li>
              );
            })}
          </ul>
        </details>
      )}
    </section>
  );
}
