import { useEffect } from 'react';
import type { AppController } from '../app/controller';
import { useApp } from '../app/store';
import { CapturePane } from './CapturePane';
import { CapturePreview } from './CapturePreview';
import { ChatPane } from './ChatPane';
import { useCompactLayout, useLayout, useVisualViewportHeight } from './layout';
import { ModelsPane } from './ModelsPane';
import { Notices } from './Notices';
import { PwaControls } from './PwaControls';
import { RecordIndicator } from './RecordIndicator';
import { SectionBar } from './SectionBar';
import { SessionsPane } from './SessionsPane';
import { StatusLine } from './StatusLine';
import { ViewPane } from './ViewPane';

/**
 * One page. Wide screens: the library (models bar, sessions) on top, then Capture | 3D view | Chat side by side. Compact
 * (phones, tablets in portrait, short landscape screens): one section at a time, picked from a bar at the bottom
 * (a rail on the left in landscape); Capture shows the 3D view above its controls so the map is seen growing. Every
 * part stays mounted in both layouts (the camera, the 3D view's canvas and a half-typed question live on), and
 * app.css places them.
 */
export function App({ controller }: { controller: AppController }) {
  const compact = useCompactLayout();
  const section = useLayout((s) => s.section);
  const mode = useApp((s) => s.capture.mode);
  useVisualViewportHeight();
  // Turning the camera on or starting a file brings the capture into sight.
  useEffect(() => {
    if (mode !== 'idle') useLayout.getState().show('capture');
  }, [mode]);

  return (
    <div className="app" data-layout={compact ? 'compact' : 'wide'} data-section={section} data-capture={mode}>
      <header className="topbar">
        <h1>Room3R</h1>
        <RecordIndicator />
        <StatusLine controller={controller} />
        <PwaControls />
      </header>
      <Notices />
      <main className="panes">
        <section className="library" aria-label="Library">
          <ModelsPane models={controller.models} />
          <SessionsPane sessions={controller.sessions} />
        </section>
        <CapturePane controller={controller} />
        <CapturePreview controller={controller} />
        <ViewPane controller={controller} />
        <ChatPane controller={controller} />
      </main>
      {compact && <SectionBar />}
    </div>
  );
}
