// The catalog as a core part: opens the database for the mode (PGlite under dataDir in
// single-node, PostgreSQL in cluster), migrates, seeds the demo data in single-node dev,
// serves the admin API + /v1/snapshot + /openapi.json, and feeds the budget part.
import { join } from 'node:path';
import { Hono } from 'hono';
import type { CampaignBudgetSource } from '../budget/campaign-budget.ts';
import { ConfigError, type CoreConfig } from '../config.ts';
import type { CorePart, PartContext } from '../part.ts';
import { createCatalogApi } from './api.ts';
import { createBudgetSource } from './budget-source.ts';
import { readVersion } from './changes.ts';
import { type CatalogDbHandle, type CatalogDbOptions, openCatalogDb } from './db.ts';
import { createCatalogMetrics } from './metrics.ts';
import { migrateCatalog } from './migrate.ts';
import { seedCatalog } from './seed.ts';
import { defaultSnapshotSettings, type SnapshotSettings } from './snapshot.ts';
import { createSnapshotCache, type SnapshotCache } from './snapshot-cache.ts';
import { type CatalogStore, createStore } from './store.ts';
import { watchVersion } from './version-watch.ts';

export interface CatalogPartOptions {
  /** An already open database (tests, or a caller sharing one); the part then does not close it. */
  handle?: CatalogDbHandle;
  /** Where to open one; default from the config (catalogDbOptions). */
  db?: CatalogDbOptions;
  /** Apply pending migrations on start (default true). */
  migrate?: boolean;
  /** Insert the demo data if missing (default: single-node and not production). */
  seed?: boolean;
  /** Version-row poll interval: PGlite's change detection, PostgreSQL's safety net (default 1000 / 5000 ms). */
  pollMs?: number;
  snapshot?: Partial<SnapshotSettings>;
}

export interface CatalogPart extends CorePart {
  /** What the budget part subscribes to. */
  budgets: CampaignBudgetSource;
  store: CatalogStore;
  snapshots: SnapshotCache;
}

export function catalogDbOptions(config: CoreConfig): CatalogDbOptions {
  if (config.mode === 'cluster') {
    if (!config.postgresUrl) throw new ConfigError('DATABASE_URL must be set in cluster mode (catalog)');
    return { kind: 'postgres', url: config.postgresUrl };
  }
  return { kind: 'pglite', dataDir: join(config.dataDir, 'catalog-pglite') };
}

export async function createCatalogPart(
  ctx: PartContext,
  opts: CatalogPartOptions = {},
): Promise<CatalogPart> {
  const log = ctx.log.child({ part: 'catalog' });
  const dbOpts = opts.db ?? catalogDbOptions(ctx.config);
  const handle = opts.handle ?? (await openCatalogDb(dbOpts));
  if (opts.migrate ?? true) await migrateCatalog(handle);

  const store = createStore(handle);
  const metrics = createCatalogMetrics(ctx.metrics);
  const snapshots = createSnapshotCache(
    handle.db,
    {
      exchange: opts.snapshot?.exchange ?? defaultSnapshotSettings.exchange,
      ivt: opts.snapshot?.ivt ?? defaultSnapshotSettings.ivt,
    },
    () => metrics.snapshotBuilds.inc(),
  );
  const budgets = createBudgetSource(handle.db, (err) => log.warn('budget listener failed', { err }));

  const seed = opts.seed ?? (ctx.config.mode === 'single-node' && process.env.NODE_ENV !== 'production');
  if (seed) {
    const { created, version } = await seedCatalog(store);
    if (created > 0) log.info('catalog seeded', { created, version });
  }

  // Every new version, wherever it was committed, advances the snapshot and the budget feed.
  let lastVersion = await readVersion(handle.db);
  const onVersion = (v: number) => {
    snapshots.noteVersion(v);
    metrics.version.set(snapshots.knownVersion());
    if (v > lastVersion) {
      lastVersion = v;
      void budgets.refresh();
    }
  };
  onVersion(lastVersion);
  await budgets.refresh(); // baseline for the diff
  const unsubscribe = store.onCommit(onVersion);
  const stopWatch = await watchVersion(handle, {
    pollMs: opts.pollMs ?? (handle.kind === 'pglite' ? 1000 : 5000),
    onVersion,
    onError: (err) => log.warn('catalog version watch', { err }),
  });

  const api = createCatalogApi({
    store,
    snapshots,
    adminToken: ctx.config.adminToken,
    edgeToken: ctx.config.edgeToken,
    log,
    onSnapshotAnswer: (status) => metrics.snapshotRequests.inc({ status: String(status) }),
  });
  // CorePart.routes is a plain Hono; route() keeps the sub-app's own error handler.
  const routes = new Hono().route('/', api);

  return {
    name: 'catalog',
    routes,
    budgets,
    store,
    snapshots,
    async ready() {
      try {
        await readVersion(handle.db);
        return { ok: true };
      } catch (e) {
        return { ok: false, detail: e instanceof Error ? e.message : String(e) };
      }
    },
    async close() {
      unsubscribe();
      await stopWatch();
      if (!opts.handle) await handle.close();
    },
  };
}
