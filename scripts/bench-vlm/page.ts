// The benchmark page: starts the bench worker and hands its API to the driver (scripts/bench-vlm.ts) as
// `window.bench`, so each step is one call the driver can time and sample memory around.
import * as Comlink from 'comlink';
import type { BenchWorkerApi } from './bench.worker';

const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name: 'vlm-bench' });
(window as unknown as { bench: Comlink.Remote<BenchWorkerApi> }).bench = Comlink.wrap<BenchWorkerApi>(worker);
