import { useEffect, useState } from 'react';
import type { SessionsClient } from '../app/sessionsClient';
import { useApp } from '../app/store';
import { useSessions } from '../app/sessionsStore';
import type { SessionMeta } from '../sessions/types';
import { FilePickerButton } from './FilePickerButton';

const size = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`);

/** Saved sessions: reopen, export (PLY, TUM, chat JSON), rename, delete; import a PLY + trajectory. */
export function SessionsPane({ sessions }: { sessions: SessionsClient }) {
  const { list, current, recording, saving } = useSessions();
  const busy = useApp((s) => s.capture.mode !== 'idle' && s.capture.mode !== 'camera');
  const [open, setOpen] = useState(false);
  const oldest = list.filter((s) => s.id !== recording).at(-1);
  // Opens when saving stops, and stays open once it resumes (the list is what the user was acting on).
  useEffect(() => {
    if (saving !== 'ok') setOpen(true);
  }, [saving]);

  return (
    <details className="sessions" open={open} onToggle={(e) => setOpen(e.currentTarget.open)} aria-label="Sessions">
      <summary>Sessions ({list.length})</summary>
      {saving === 'full' && (
        <p className="sessions-full" role="alert">
          Storage is full, so the current capture is not being saved (it goes on in memory; what was saved is kept). Delete old sessions to make room; saving
          resumes by itself once the browser has reclaimed it.
          {oldest && (
            <button type="button" onClick={() => void sessions.remove(oldest.id)}>
              Delete the oldest ({oldest.name})
            </button>
          )}
        </p>
      )}
      <ul className="session-list" data-testid="sessions">
        {list.map((s) => (
          <SessionRow key={s.id} s={s} sessions={sessions} current={s.id === current} recording={s.id === recording} busy={busy} />
        ))}
        {list.length === 0 && <li className="hint">No saved sessions yet: every capture is saved here as it grows.</li>}
      </ul>
      <div className="buttons">
        <FilePickerButton accept=".ply,.txt,.tum,text/plain" multiple disabled={busy} testId="import-session" onFiles={(files) => void sessions.import(files)}>
          Import PLY + trajectory
        </FilePickerButton>
      </div>
    </details>
  );
}

function SessionRow({
  s,
  sessions,
  current,
  recording,
  busy,
}: {
  s: SessionMeta;
  sessions: SessionsClient;
  current: boolean;
  recording: boolean;
  busy: boolean;
}) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const status = recording ? 'recording' : s.state === 'recording' ? 'interrupted' : s.state === 'imported' ? 'imported' : null;
  return (
    <li className={`session ${current ? 'current' : ''}`} data-testid="session" data-id={s.id} data-keyframes={s.keyframes} data-state={status ?? s.state}>
      {renaming === null ? (
        <span className="session-name">{s.name}</span>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void sessions.rename(s.id, renaming);
            setRenaming(null);
          }}
        >
          <input
            aria-label="Session name"
            value={renaming}
            // biome-ignore lint/a11y/noAutofocus: the field appears because the user pressed Rename; typing goes there
            autoFocus
            onChange={(e) => setRenaming(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)}
          />
        </form>
      )}
      <span className="session-facts">
        {new Date(s.createdAt).toLocaleString()} · {s.keyframes} keyframes · {size(s.bytes)}
        {status && <em> · {status}</em>}
      </span>
      <span className="buttons">
        <button type="button" disabled={busy} onClick={() => void sessions.reopen(s.id)}>
          Open
        </button>
        <button type="button" onClick={() => void sessions.export(s.id, 'ply')}>
          PLY
        </button>
        <button type="button" onClick={() => void sessions.export(s.id, 'tum')}>
          Trajectory
        </button>
        <button type="button" onClick={() => void sessions.export(s.id, 'chat')}>
          Chat
        </button>
        <button type="button" onClick={() => setRenaming(s.name)}>
          Rename
        </button>
        {confirmDelete ? (
          <button type="button" className="stop" onClick={() => void sessions.remove(s.id)}>
            Really delete
          </button>
        ) : (
          <button
            type="button"
            disabled={recording}
            title={recording ? 'Being recorded: stop the capture first' : undefined}
            onClick={() => setConfirmDelete(true)}
          >
            Delete
          </button>
        )}
      </span>
    </li>
  );
}
