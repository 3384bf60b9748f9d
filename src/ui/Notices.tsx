import { useState } from 'react';
import { useApp } from '../app/store';

/** How many notices show at once; older ones wait behind "N earlier". */
const SHOWN = 3;

/**
 * Errors, warnings and news a user caused or should know about, newest last. Each can be dismissed; states the app
 * reports (tracking lost, storage full) clear themselves when they end.
 */
export function Notices() {
  const notices = useApp((s) => s.notices);
  const { dismiss, dismissAll } = useApp.getState();
  const [expanded, setExpanded] = useState(false);
  if (notices.length === 0) return null;
  const hidden = expanded ? 0 : Math.max(0, notices.length - SHOWN);
  return (
    <div className="notices-panel">
      <ul className="notices" aria-live="polite">
        {notices.slice(hidden).map((n) => (
          <li key={n.id} className={`notice notice-${n.level}`} role={n.level === 'error' ? 'alert' : 'status'} data-testid="notice" data-key={n.key}>
            <span>{n.text}</span>
            <button type="button" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {notices.length > 1 && (
        <div className="notices-more">
          {hidden > 0 && (
            <button type="button" onClick={() => setExpanded(true)}>
              {hidden} earlier
            </button>
          )}
          {expanded && notices.length > SHOWN && (
            <button type="button" onClick={() => setExpanded(false)}>
              Show fewer
            </button>
          )}
          <button type="button" onClick={dismissAll}>
            Dismiss all
          </button>
        </div>
      )}
    </div>
  );
}
