import { captureRunning, useApp } from '../app/store';
import { usePwa } from '../pwa/pwaStore';

/** "Install" when the browser offers it, and the update notice ("Reload", held while a capture runs). */
export function PwaControls() {
  const { updateWaiting, reloadDeferred, installPrompt, reload, setInstallPrompt } = usePwa();
  const running = useApp((s) => captureRunning(s.capture.mode));
  return (
    <>
      {installPrompt && (
        <button
          type="button"
          onClick={() => {
            setInstallPrompt(null); // the browser's prompt can be shown once per event
            void installPrompt.prompt();
          }}
        >
          Install app
        </button>
      )}
      {updateWaiting && (
        <div className="update" role="status" data-testid="update-notice">
          {reloadDeferred
            ? 'Update available: it will apply after the recording.'
            : running
              ? 'Update available: Reload now waits for the recording to end.'
              : 'Update available.'}
          {!reloadDeferred && (
            <button type="button" title="Reloading clears the current reconstruction" onClick={reload}>
              Reload
            </button>
          )}
        </div>
      )}
    </>
  );
}
