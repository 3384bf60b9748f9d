// A long-lived handle on a comlink-wrapped worker that notices when the worker dies (an uncaught error
// at the top level or a crash) and lets the owner restart it. Calls made through `call` fail when the
// worker dies instead of waiting forever (comlink drops the pending calls of a released proxy).
import * as Comlink from 'comlink';

export class WorkerDiedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerDiedError';
  }
}

export class WorkerHandle<T> {
  private worker!: Worker;
  api!: Comlink.Remote<T>;
  private death!: Promise<never>;
  private die!: (err: Error) => void;

  constructor(
    private readonly create: () => Worker,
    private readonly onDeath: (message: string) => void,
  ) {
    this.spawn();
  }

  /** Runs a call on the worker; rejects with WorkerDiedError if the worker dies first. */
  call<R>(fn: (api: Comlink.Remote<T>) => Promise<R>): Promise<R> {
    return Promise.race([fn(this.api), this.death]);
  }

  private spawn(): void {
    this.death = new Promise<never>((_, reject) => (this.die = reject));
    this.death.catch(() => {}); // observed through call(); never unhandled
    this.worker = this.create();
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      const message = e.message || 'the worker stopped unexpectedly';
      this.die(new WorkerDiedError(message));
      this.onDeath(message);
    });
    this.api = Comlink.wrap<T>(this.worker);
  }

  /** Replaces a dead (or stuck) worker with a fresh one. */
  restart(): void {
    this.die(new WorkerDiedError('the worker was restarted'));
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
    this.spawn();
  }
}
