import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { AppController } from './app/controller';
import { readConfig } from './config';
import './ui/app.css';

const config = readConfig(location.search, location.origin);
const controller = new AppController(config);
controller.start().catch(() => {
  // The failure is in the store (model status) and shown by the status line.
});
// Read by the end-to-end tests and the benchmark: what the 3D view holds and how fast it draws.
(window as unknown as { __room3r: unknown }).__room3r = { viewStats: () => controller.viewStats() };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App controller={controller} />
  </StrictMode>,
);
