import type { AppController } from '../app/controller';
import { CapturePane } from './CapturePane';
import { ChatPane } from './ChatPane';
import { ModelsPane } from './ModelsPane';
import { Notices } from './Notices';
import { SessionsPane } from './SessionsPane';
import { PwaControls } from './PwaControls';
import { StatusLine } from './StatusLine';
import { ViewPane } from './ViewPane';

/** One page, three panes: side by side on a laptop, stacked on a phone (see app.css). */
export function App({ controller }: { controller: AppController }) {
  return (
    <div className="app">
      <header className="topbar">
        <h1>Room3R</h1>
        <StatusLine controller={controller} />
        <PwaControls />
      </header>
      <ModelsPane models={controller.models} />
      <Notices />
      <SessionsPane sessions={controller.sessions} />
      <main className="panes">
        <CapturePane controller={controller} />
        <ViewPane controller={controller} />
        <ChatPane controller={controller} />
      </main>
    </div>
  );
}
