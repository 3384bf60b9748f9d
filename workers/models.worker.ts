// Models worker: the model manager. Plans the chosen tier for this device (backend, dtype variants, sizes) and
// downloads, pauses, resumes, cancels and deletes its files in the model cache, off the main thread (downloads of
// gigabytes and their SHA-256 checks would stall the page). Thin: the logic lives in src/models.
import * as Comlink from 'comlink';
import { chooseBackend, type BackendChoice, type ModelRuntime } from '../src/models/backend';
import { loadMirrorCatalog, type MirrorCatalog } from '../src/models/catalog';
import { DownloadManager, type ManagerSnapshot } from '../src/models/downloadManager';
import { openBrowserModelCache } from '../src/models/loader';
import { allModelUrls, planTier, TIER_IDS, TIERS, type TierId, type TierPlan } from '../src/models/tiers';

export type ModelsInitConfig = ModelRuntime;

/** What the pane shows of a tier before anything is downloaded. */
export interface TierSummary {
  id: TierId;
  label: string;
  summary: string;
  bytes: number;
  approximate: boolean;
  models: { role: string; id: string; repo: string; variant: string; bytes: number; approximate: boolean; license: string }[];
}

let config: ModelsInitConfig | null = null;
let catalog: MirrorCatalog | undefined;
let backend: BackendChoice | null = null;
let manager: DownloadManager | null = null;
let plan: TierPlan | null = null;

function summarise(p: TierPlan): TierSummary {
  const tier = TIERS[p.tier];
  return {
    id: p.tier,
    label: tier.label,
    summary: tier.summary,
    bytes: p.bytes,
    approximate: p.approximate,
    models: p.models.map((m) => ({
      role: m.role,
      id: m.manifest.id,
      repo: m.manifest.repo,
      variant: m.variant.id,
      bytes: m.bytes,
      approximate: m.approximate,
      license: m.manifest.license,
    })),
  };
}

/**
 * One manager operation at a time, in the order asked: a Download pressed while a tier switch is still scanning
 * the cache runs right after it, on the new tier, instead of being overtaken by the scan. (Pause and cancel act at
 * once: they must reach a download under way.)
 */
let queue: Promise<unknown> = Promise.resolve();
function inTurn<T>(operation: () => Promise<T>): Promise<T> {
  const run = queue.then(operation);
  queue = run.catch(() => undefined);
  return run;
}

function ready(): { manager: DownloadManager; plan: TierPlan } {
  if (!manager || !plan) throw new Error('The model manager is not started.');
  return { manager, plan };
}

/** Probes the backend, reads the mirror's sizes, and plans every tier for this device. */
async function start(c: ModelsInitConfig, onChange: (s: ManagerSnapshot) => void): Promise<{ backend: BackendChoice; tiers: TierSummary[] }> {
  config = c;
  backend = await chooseBackend(c.backend);
  catalog = await loadMirrorCatalog(c.modelSource);
  const cache = await openBrowserModelCache();
  if (!cache)
    throw new Error('This browser gives the page no storage (private window, or storage blocked): models cannot be kept and download on every visit.');
  manager = new DownloadManager({ cache, onChange });
  const tiers = TIER_IDS.map((id) => summarise(planTier(id, backend!, c.modelSource, catalog)));
  return { backend, tiers };
}

const api = {
  /** Probes the backend, reads the mirror's sizes, and plans every tier for this device. */
  init(c: ModelsInitConfig, onChange: (s: ManagerSnapshot) => void): Promise<{ backend: BackendChoice; tiers: TierSummary[] }> {
    return inTurn(() => start(c, onChange));
  },

  /** Makes `tier` the one managed, and says which of its files are in the cache. */
  select(tier: TierId): Promise<ManagerSnapshot> {
    return inTurn(async () => {
      if (!config || !backend || !manager) throw new Error('The model manager is not started.');
      plan = planTier(tier, backend, config.modelSource, catalog);
      return manager.scan(plan.models.flatMap((m) => m.files));
    });
  },

  download(): Promise<ManagerSnapshot> {
    return inTurn(() => ready().manager.download());
  },

  pause(): void {
    manager?.pause();
  },

  async cancel(): Promise<void> {
    await manager?.cancel();
  },

  /** Deletes every file of one model (all its variants) from the cache. */
  remove(modelId: string): Promise<ManagerSnapshot> {
    return inTurn(async () => {
      const { manager: m, plan: p } = ready();
      const model = p.models.find((x) => x.manifest.id === modelId);
      if (!model || !config) throw new Error(`No model "${modelId}" in this tier.`);
      return m.remove(allModelUrls(model.manifest, config.modelSource));
    });
  },

  /** Bytes used and available to this origin (null where the browser does not say). */
  async storageEstimate(): Promise<{ usage: number; quota: number } | null> {
    const storage = (globalThis.navigator as Navigator | undefined)?.storage;
    if (!storage?.estimate) return null;
    const e = await storage.estimate();
    return { usage: e.usage ?? 0, quota: e.quota ?? 0 };
  },
};

export type ModelsWorkerApi = typeof api;
Comlink.expose(api);
