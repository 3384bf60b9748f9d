import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { AppController } from './app/controller';
import { TEST_BUILD } from './buildMode';
import { readConfig } from './config';
import { registerServiceWorker } from './pwa/register';
import './ui/app.css';

const config = readConfig(location.search, location.origin);
const controller = new AppController(config);
controller.start().catch(() => {
  // The failure is in the store (model status) and shown by the status line.
});
// Builds made for the tests (`vite build --mode e2e`) only: what the 3D view holds and how fast it draws, and what it
// highlights (an answer's boxes and segments, the measurement); tests may also show highlights directly. A build for
// users has no such handle on the page.
if (TEST_BUILD) {
  (window as unknown as { __room3r: unknown }).__room3r = {
    viewStats: () => controller.viewStats(),
    highlights: () => controller.highlights(),
    showHighlights: (h: import('./spatial/types').AnswerHighlight | null) => controller.showHighlights(h),
    loseChatGpuMidAnswer: () => controller.loseChatGpuMidAnswer(),
  };
}

registerServiceWorker();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App controller={controller} />
  </StrictMode>,
);
