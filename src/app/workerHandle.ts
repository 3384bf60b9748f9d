// A long-lived handle on a comlink-wrapped worker that notices when the worker dies
// (an uncaught error at the top level or a crash) and lets the owner restart it.
import * as Comlink from 'comlink';

export class WorkerHandle<T> {
  private worker!: Worker;
  api!: Comlink.Remote<T>;

  constructor(
    private readonly create: () => Worker,
    private readonly onDeath: (message: string) => void,
  ) {
    this.spawn();
  }

  private spawn(): void {
    this.worker = this.create();
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.onDeath(e.message || 'the worker stopped unexpectedly');
    });
    this.api = Comlink.wrap<T>(this.worker);
  }

  /** Replaces a dead (or stuck) worker with a fresh one. */
  restart(): void {
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
    this.spawn();
  }
}
