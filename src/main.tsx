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

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App controller={controller} />
  </StrictMode>,
);
