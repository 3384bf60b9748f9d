import { useEffect, useState } from 'react';
import { useApp } from '../app/store';
import { formatElapsed } from './format';

/** While the camera records: a red dot and the time recorded, in the top bar so it shows whatever section is open. */
export function RecordIndicator() {
  const { mode, startedAt, wakeLock } = useApp((s) => s.capture);
  const [now, setNow] = useState(() => Date.now());
  const recording = mode === 'recording' && startedAt !== undefined;
  useEffect(() => {
    if (!recording) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [recording]);
  if (!recording) return null;
  const elapsed = formatElapsed(now - startedAt);
  return (
    <span
      className="rec"
      role="timer"
      data-testid="record-indicator"
      data-wake-lock={wakeLock}
      title={wakeLock === 'on' ? 'Recording; the screen is kept on' : 'Recording; this browser may let the screen turn off'}
    >
      <span className="rec-dot" aria-hidden="true" />
      <span className="visually-hidden">Recording, </span>
      <span className="rec-label" aria-hidden="true">
        REC
      </span>{' '}
      <span className="rec-time" data-testid="record-time">
        {elapsed}
      </span>
    </span>
  );
}
