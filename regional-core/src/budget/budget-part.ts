// The budget part of the core: picks the ledger for the mode, follows the catalog's budgets,
// serves the lease API and sweeps expired leases. main.ts creates it and mounts `routes`.
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { createLeaseTokenCodec } from '@edge-rtb/shared/lease-token';
import type { Logger } from '@edge-rtb/shared/log';
import type { LeaseSizing } from '@edge-rtb/shared/pacing/lease-size';
import { type Cluster, Redis } from 'ioredis';
import type { CorePart, PartContext } from '../part.ts';
import { createBudgetMetrics } from './budget-metrics.ts';
import type { CampaignBudget, CampaignBudgetSource } from './campaign-budget.ts';
import type { PublishLeaseEvents } from './lease-events.ts';
import { createLeaseRoutes } from './lease-routes.ts';
import { createLeaseService, type LeaseService } from './lease-service.ts';
import { type BudgetLedger, CAMPAIGN_ID_RE, DEFAULT_TIMING, type LedgerTiming } from './ledger.ts';
import { openEmbeddedLedger } from './ledger-embedded.ts';
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
}

export async function createBudgetPart(ctx: PartContext, opts: BudgetPartOptions): Promise<BudgetPart> {
  const { config } = ctx;
  const log = ctx.log.child({ part: 'budget' });
  const ledger = opts.ledger ?? (await openLedger(ctx, opts, log));
  const service = createLeaseService({
    ledger,
    codec: createLeaseTokenCodec(config.leaseKeys, (key, data) =>
      createHmac('sha256', key).update(data).digest(),
    ),
    metrics: createBudgetMetrics(ctx.metrics),
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
    return service
      .upsertBudget(b)
      .catch((e) => log.error('budget change not applied', { campaignId: b.campaignId, err: e }));
  };
  const unsubscribe = opts.source.onBudgetChange((b) => void apply(b, false));
  const budgets = await opts.source.listBudgets();
  await Promise.all(budgets.map((b) => apply(b, true)));
  log.info('budgets loaded', { campaigns: budgets.length, backend: opts.backend });

  let sweeping: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    sweeping = service.sweep().catch((e) => log.warn('lease sweep failed', { err: e }));
  }, opts.sweepEveryMs ?? 5_000);
  timer.unref();

  return {
    name: 'budget',
    routes: createLeaseRoutes({ service, edgeToken: config.edgeToken, adminToken: config.adminToken, log }),
    service,
    ready: () => ledger.ready(),
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

async function openLedger(ctx: PartContext, opts: BudgetPartOptions, log: Logger): Promise<BudgetLedger> {
  const timing = { ...DEFAULT_TIMING, ...opts.timing };
  if (opts.backend === 'embedded')
    return openEmbeddedLedger({ dir: join(ctx.config.dataDir, 'budget'), timing });
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
  return createRedisLedger({
    redis,
    ownsClient: true,
    timing,
    ...(opts.redisPrefix ? { prefix: opts.redisPrefix } : {}),
  });
}
