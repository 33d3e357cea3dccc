// The budget part of the core: picks the ledger for the mode, follows the catalog's budgets,
// serves the lease API and sweeps expired leases. main.ts creates it and mounts `routes`.
import { join } from 'node:path';
import type { Logger } from '@edge-rtb/shared/log';
import type { LeaseSizing } from '@edge-rtb/shared/pacing/lease-size';
import { type Cluster, Redis } from 'ioredis';
import type { CorePart, PartContext } from '../part.ts';
import { createBudgetMetrics } from './budget-metrics.ts';
import type { CampaignBudget, CampaignBudgetSource } from './campaign-budget.ts';
import type { PublishLeaseEvents } from './lease-events.ts';
import { createLeaseRoutes } from './lease-routes.ts';
import { createLeaseService, type LeaseService } from './lease-service.ts';
import { nodeLeaseTokenCodec } from './lease-token-codec.ts';
import { type BudgetLedger, CAMPAIGN_ID_RE, DEFAULT_TIMING, type LedgerTiming } from './ledger.ts';
import { openEmbeddedLedger } from './ledger-embedded.ts';
import { createLedgerGuard, type LedgerGuard, LedgerNotVerifiedError } from './ledger-guard.ts';
import { createRedisLedger } from './ledger-redis.ts';

export interface BudgetPartOptions {
  source: CampaignBudgetSource;
  backend: 'embedded' | 'redis';
  /** Lease lifetime (default 60 s). */
  leaseTtlMs?: number;
  /** How often unsettled expired leases are swept to spent (default 5 s). */
  sweepEveryMs?: number;
  sizing?: LeaseSizing;
  /** A Redis Cluster (or any client) to use instead of one built from REDIS_URL; the part closes it. */
  redis?: Redis | Cluster;
  /** Redis key prefix (default 'rtb:'); tests use their own on a shared Redis. */
  redisPrefix?: string;
  /** Tests and benchmarks pass a ledger directly. */
  ledger?: BudgetLedger;
  /** Settle grace and record retention of the ledger the part opens (default DEFAULT_TIMING). */
  timing?: Partial<LedgerTiming>;
  /**
   * Where lease events (granted, settled, expired) go: main.ts passes the events part's publish.
   * Called after the money moved, from a queue that batches and retries (lease-events.ts).
   */
  onLeaseEvents?: PublishLeaseEvents;
  now?: () => number;
}

export interface BudgetPart extends CorePart {
  /** For the spend reconciler (event stream): service.reconcile(campaignId, leaseId, provenMicros). */
  service: LeaseService;
  /** The ledger checked against the catalog's record of it (fail closed when Redis comes back empty). */
  guard: LedgerGuard;
}

export async function createBudgetPart(ctx: PartContext, opts: BudgetPartOptions): Promise<BudgetPart> {
  const { config } = ctx;
  const log = ctx.log.child({ part: 'budget' });
  const opened = opts.ledger ? { ledger: opts.ledger, redis: null } : await openLedger(ctx, opts, log);
  const { ledger } = opened;
  const metrics = createBudgetMetrics(ctx.metrics);
  // Re-fund from the catalog each time the ledger is verified again (start, a restored Redis,
  // a finished re-seed): changes that arrived while it was refused were not applied.
  let started = false;
  const refundAll = async () => {
    if (!started) return;
    const all = await opts.source.listBudgets();
    await Promise.all(all.map((b) => apply(b, false)));
    log.info('budgets re-applied after the ledger was verified', { campaigns: all.length });
  };
  const guard = createLedgerGuard({
    ledger,
    registry: opts.source.ledgers ?? null,
    name: opts.backend === 'redis' ? `redis:${opts.redisPrefix ?? 'rtb:'}` : 'embedded',
    log,
    stateGauge: metrics.ledgerState,
    ...(opts.now ? { now: opts.now } : {}),
    onVerified: () => void refundAll().catch((e) => log.error('budgets not re-applied', { err: e })),
  });
  // A reconnect may be to a Redis that restarted empty: compare again before trusting it.
  opened.redis?.on('ready', () => void guard.check());
  await guard.check();
  const service = createLeaseService({
    ledger,
    guard,
    codec: nodeLeaseTokenCodec(config.leaseKeys),
    metrics,
    ...(opts.leaseTtlMs ? { leaseTtlMs: opts.leaseTtlMs } : {}),
    ...(opts.sizing ? { sizing: opts.sizing } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.onLeaseEvents ? { onLeaseEvents: opts.onLeaseEvents } : {}),
    log,
  });

  // Subscribe before listing so no change is missed; a listed value never overwrites a newer change.
  const changed = new Set<string>();
  const apply = (b: CampaignBudget, fromList: boolean) => {
    if (fromList && changed.has(b.campaignId)) return Promise.resolve();
    if (!fromList) changed.add(b.campaignId);
    if (!CAMPAIGN_ID_RE.test(b.campaignId)) {
      log.warn('campaign id not usable as a budget key; skipped', { campaignId: b.campaignId });
      return Promise.resolve();
    }
    return service.upsertBudget(b).catch((e) => {
      // Refused by the guard: its own error log says why once; refundAll applies it later.
      if (e instanceof LedgerNotVerifiedError) return;
      log.error('budget change not applied', { campaignId: b.campaignId, err: e });
    });
  };
  const unsubscribe = opts.source.onBudgetChange((b) => void apply(b, false));
  const budgets = await opts.source.listBudgets();
  await Promise.all(budgets.map((b) => apply(b, true)));
  started = true;
  log.info('budgets loaded', { campaigns: budgets.length, backend: opts.backend, ledger: guard.state() });

  let sweeping: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    // The check also catches a Redis flushed under a live connection (no reconnect to see).
    sweeping = guard
      .check()
      .then((state) => (state === 'ok' ? service.sweep() : undefined))
      .catch((e) => log.warn('lease sweep failed', { err: e }));
  }, opts.sweepEveryMs ?? 5_000);
  timer.unref();

  return {
    name: 'budget',
    routes: createLeaseRoutes({
      service,
      guard,
      listBudgets: () => opts.source.listBudgets(),
      edgeToken: config.edgeToken,
      adminToken: config.adminToken,
      log,
    }),
    service,
    guard,
    async ready() {
      const r = await ledger.ready();
      if (!r.ok) return r;
      const state = guard.state();
      return state === 'ok'
        ? r
        : {
            ok: false,
            detail: `budget ledger ${state}: grants refused (docs/budget-leases.md, "A lost ledger")`,
          };
    },
    async close() {
      unsubscribe();
      clearInterval(timer);
      await sweeping;
      // Before the events part closes (main.ts closes parts in reverse order): deliver what is queued.
      await service.closeLeaseEvents(5_000);
      await ledger.close();
    },
  };
}

async function openLedger(
  ctx: PartContext,
  opts: BudgetPartOptions,
  log: Logger,
): Promise<{ ledger: BudgetLedger; redis: Redis | Cluster | null }> {
  const timing = { ...DEFAULT_TIMING, ...opts.timing };
  if (opts.backend === 'embedded')
    return {
      ledger: await openEmbeddedLedger({ dir: join(ctx.config.dataDir, 'budget'), timing }),
      redis: null,
    };
  let redis = opts.redis;
  if (!redis) {
    if (!ctx.config.redisUrl) throw new Error('budget backend redis needs REDIS_URL');
    // Fail fast while Redis is away instead of queueing: a grant queued through an outage would
    // run later with stale timestamps for an edge that gave up on it (stranded money). The edge
    // retries the 503.
    redis = new Redis(ctx.config.redisUrl, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
    });
    redis.on('error', (err: Error) => log.warn('redis connection', { err: err.message }));
    // Without the offline queue nothing may be sent before the connection is up: wait for it
    // (bounded, so a core started while Redis is away still starts and reports not ready).
    const client = redis;
    await new Promise<void>((resolve) => {
      if (client.status === 'ready') return resolve();
      client.once('ready', () => resolve());
      setTimeout(resolve, 5_000).unref();
    });
  }
  const ledger = createRedisLedger({
    redis,
    ownsClient: true,
    timing,
    ...(opts.redisPrefix ? { prefix: opts.redisPrefix } : {}),
  });
  return { ledger, redis };
}
