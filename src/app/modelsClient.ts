// The main thread's side of the model manager: owns the models worker, keeps the tier choice (localStorage, or the
// URL's override), asks the browser to keep the models (navigator.storage.persist, a window-only API) and mirrors
// the worker's state into a small store of its own that only the models pane reads.
import * as Comlink from 'comlink';
import { create } from 'zustand';
import type { AppConfig } from '../config';
import type { BackendChoice } from '../models/backend';
import type { ManagerSnapshot } from '../models/downloadManager';
import { chooseTier, TIER_STORAGE_KEY, type TierId } from '../models/tiers';
import type { ModelsWorkerApi, TierSummary } from '../../workers/models.worker';
import { WorkerHandle } from './workerHandle';

export interface ModelsState {
  started: boolean;
  tier: TierId;
  /** The tier is set by the URL (`?tier=`): the switch is shown but the choice is not stored. */
  tierFromUrl: boolean;
  tiers: TierSummary[];
  backend: BackendChoice | null;
  snapshot: ManagerSnapshot | null;
  storage: { usage: number; quota: number } | null;
  /** Whether the browser promised to keep the models (null: not asked / not known). */
  persisted: boolean | null;
  /** A failure of the manager itself (not of one download), fit for the UI. */
  error: string | null;
}

export const useModels = create<ModelsState>(() => ({
  started: false,
  tier: 'quality',
  tierFromUrl: false,
  tiers: [],
  backend: null,
  snapshot: null,
  storage: null,
  persisted: null,
  error: null,
}));

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

function storedTier(): string | null {
  try {
    return localStorage.getItem(TIER_STORAGE_KEY);
  } catch {
    return null; // storage blocked: the default tier
  }
}

export class ModelsClient {
  private readonly worker: WorkerHandle<ModelsWorkerApi>;
  private started: Promise<void> | null = null;

  constructor(private readonly config: Pick<AppConfig, 'modelSource' | 'backend' | 'tier'>) {
    this.worker = new WorkerHandle(
      () => new Worker(new URL('../../workers/models.worker.ts', import.meta.url), { type: 'module', name: 'models' }),
      (message) => {
        this.worker.restart();
        this.started = null;
        useModels.setState({
          started: false,
          error: `The model manager stopped (${message}); it was restarted. Partly downloaded files continue from what was saved.`,
        });
        void this.start();
      },
    );
    useModels.setState({ tier: chooseTier(config.tier, storedTier()), tierFromUrl: config.tier !== null });
  }

  /** The tier the app loads models for. */
  tier(): TierId {
    return useModels.getState().tier;
  }

  /** Resolves once every file of the chosen tier is in the cache (downloaded now or on an earlier visit). */
  whenDownloaded(): Promise<void> {
    void this.start();
    const done = (st: ModelsState) => st.snapshot?.phase === 'done';
    return new Promise((resolve) => {
      const unsubscribe = useModels.subscribe((st) => {
        if (!done(st)) return;
        unsubscribe();
        resolve();
      });
      if (done(useModels.getState())) {
        unsubscribe();
        resolve();
      }
    });
  }

  start(): Promise<void> {
    this.started ??= this.init();
    return this.started;
  }

  private async init(): Promise<void> {
    try {
      const { backend, tiers } = await this.worker.call((api) =>
        api.init(
          { modelSource: this.config.modelSource, backend: this.config.backend },
          Comlink.proxy((snapshot: ManagerSnapshot) => useModels.setState({ snapshot })),
        ),
      );
      // The default tier depends on the backend, known only now.
      useModels.setState({ backend, tiers, started: true, tier: chooseTier(this.config.tier, storedTier(), backend.kind) });
      await this.select(this.tier());
      const persisted = await navigator.storage?.persisted?.().catch(() => null);
      useModels.setState({ persisted: persisted ?? null });
      await this.refreshStorage();
    } catch (err) {
      this.started = null;
      useModels.setState({ error: errorText(err) });
    }
  }

  private async select(tier: TierId): Promise<void> {
    const snapshot = await this.worker.call((api) => api.select(tier));
    useModels.setState({ snapshot, error: null });
  }

  /** Switches tier and remembers the choice. Models already loaded stay until the page is reloaded. */
  async setTier(tier: TierId): Promise<void> {
    useModels.setState({ tier, tierFromUrl: false });
    try {
      localStorage.setItem(TIER_STORAGE_KEY, tier);
    } catch {
      // storage blocked: the choice lasts this visit only
    }
    await this.run(() => this.select(tier));
  }

  /** Downloads the tier's missing files (continuing a paused download); asks the browser to keep them. */
  async download(): Promise<void> {
    // Asked on the user's click: browsers grant persistence more readily for a user gesture.
    const persist = navigator.storage?.persist?.().catch(() => false);
    await this.run(async () => {
      const pending = this.worker.call((api) => api.download());
      useModels.setState({ persisted: (await persist) ?? null });
      useModels.setState({ snapshot: await pending });
      await this.refreshStorage();
    });
  }

  pause(): void {
    void this.worker.api.pause();
  }

  cancel(): void {
    void this.worker.api.cancel();
  }

  /** Deletes one model's files from the cache. */
  async remove(modelId: string): Promise<void> {
    await this.run(async () => {
      useModels.setState({ snapshot: await this.worker.call((api) => api.remove(modelId)) });
      await this.refreshStorage();
    });
  }

  private async refreshStorage(): Promise<void> {
    useModels.setState({ storage: await this.worker.call((api) => api.storageEstimate()) });
  }

  private async run(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      useModels.setState({ error: errorText(err) });
    }
  }
}
