// The depth benchmark's page: starts the bench worker and hands its API to the driver (scripts/bench-depth.ts) as
// `window.bench`, so each step is one call the driver can time (and abandon, by closing the page).
import * as Comlink from 'comlink';
import type { DepthBenchWorkerApi } from './bench.worker';

const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name: 'depth-bench' });
(window as unknown as { bench: Comlink.Remote<DepthBenchWorkerApi> }).bench = Comlink.wrap<DepthBenchWorkerApi>(worker);
