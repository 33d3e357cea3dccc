// Spend reconciliation end to end on real backends, the core parts composed as main.ts does
// (events part first, budget part publishing lease events to it, onLeaseProven late-bound to the
// budget service), served over real HTTP. Single-node: embedded ledger + local log + chDB in a
// temp dir. Cluster: Redis + Kafka + the ClickHouse server (scripts/services.sh).
// Grants two leases, posts win events for both, settles one, lets the other expire, then checks
// the lease events in ClickHouse and that a reconcile pass gives the unproven part of the expired
// lease back to the campaign's available budget, with overspend 0.

import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventId, type WinEvent } from '@edge-rtb/shared/events';
import type { LeaseResponse } from '@edge-rtb/shared/lease-api';
import { createLogger } from '@edge-rtb/shared/log';
import { impressionCost } from '@edge-rtb/shared/money';
import { serve } from '@hono/node-server';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createCoreApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createServerStore } from '../events/ch/store.ts';
import { createEventsPart } from '../events/part.ts';
import { createMetrics } from '../metrics.ts';
import type { CorePart, PartContext } from '../part.ts';
import { type BudgetPart, createBudgetPart } from './budget-part.ts';
import type { BudgetStatus } from './lease-service.ts';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:16379';
const KAFKA = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const CH = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123';
const run = `le${Date.now().toString(36)}`;
const CAMPAIGN = 'c-recon';
const BUDGET = 100_000_000;
const CPM = 2_000_000; // each win costs impressionCost(2 units CPM) = 2,000 micros
const TTL_MS = 1_500;
const LEASE = 20_000; // below the cold-start lease size (plan rate x 60 s), so granted as asked
const GRACE_MS = 300;

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function waitFor<T>(
  what: string,
  get: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await get();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

/** The parts as main.ts composes them (minus the catalog: an in-memory budget source stands in). */
async function startCore(mode: 'single-node' | 'cluster') {
  const dataDir = await mkdtemp(join(tmpdir(), `lease-events-${mode}-`));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const config = loadConfig({
    EDGE_RTB_MODE: mode,
    EDGE_RTB_DATA: dataDir,
    REDIS_URL: REDIS,
    KAFKA_BROKERS: KAFKA,
    CLICKHOUSE_URL: CH,
    CLICKHOUSE_DATABASE: `${run}_db`,
    KAFKA_TOPIC_PREFIX: `${run}.`,
    ADMIN_TOKEN: 'admin-t',
    EDGE_TOKEN: 'edge-t',
    LEASE_KEYS: 'k1:secret',
    LOG_LEVEL: 'error',
  });
  const ctx: PartContext = { config, log: createLogger({}, 'error'), metrics: createMetrics() };
  const now = Date.now();
  const source = {
    listBudgets: async () => [
      {
        campaignId: CAMPAIGN,
        status: 'active' as const,
        totalBudgetMicros: BUDGET,
        dailyBudgetMicros: null,
        startAt: now - 86_400_000,
        endAt: now + 86_400_000,
        timeZone: 'UTC',
        pacing: 'asap' as const,
      },
    ],
    onBudgetChange: () => () => undefined,
  };

  const parts: CorePart[] = [];
  let budget: BudgetPart | undefined;
  const events = await createEventsPart(ctx, {
    onLeaseProven: (l) =>
      budget
        ? budget.service.reconcile(l.campaignId, l.leaseId, l.provenSpentMicros)
        : Promise.reject(new Error('budget part not started yet')),
    sinkMaxDelayMs: 200,
    reconcileGraceMs: 0,
    reconcileEveryMs: 600_000, // the test runs the pass itself
    kafkaPartitions: 1,
    kafkaSessionTimeoutMs: 6_000,
  });
  parts.push(events);
  budget = await createBudgetPart(ctx, {
    source,
    backend: mode === 'cluster' ? 'redis' : 'embedded',
    redisPrefix: `${run}:`,
    leaseTtlMs: TTL_MS,
    sweepEveryMs: 100,
    timing: { settleGraceMs: GRACE_MS },
    onLeaseEvents: (e) => events.publish(e),
  });
  parts.push(budget);

  const app = createCoreApp({
    config,
    log: ctx.log,
    metrics: ctx.metrics,
    readiness: parts.map((p) => async () => ({ name: p.name, ...(await p.ready()) })),
  });
  for (const p of parts) if (p.routes) app.route('/', p.routes);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await new Promise((r) => server.close(r));
    for (const p of [...parts].reverse()) await p.close();
  };
  if (mode === 'cluster') {
    cleanups.push(async () => {
      const store = createServerStore(CH);
      await store.exec(`DROP DATABASE IF EXISTS ${run}_db`);
      await store.close();
    });
    cleanups.push(async () => {
      const r = new Redis(REDIS);
      const keys = await r.keys(`${run}:*`);
      if (keys.length) await r.del(...keys);
      await r.quit();
    });
  }
  cleanups.push(close); // runs first (cleanups run in reverse)

  const edge = { authorization: 'Bearer edge-t', 'content-type': 'application/json' };
  const post = (path: string, body: unknown) =>
    fetch(base + path, { method: 'POST', headers: edge, body: JSON.stringify(body) });
  const status = async () =>
    (await (
      await fetch(`${base}/v1/budgets/${CAMPAIGN}`, { headers: { authorization: 'Bearer admin-t' } })
    ).json()) as BudgetStatus;
  return { events, budget, post, status, close };
}

function win(leaseId: string, n: number): WinEvent {
  const auctionId = `${run}-a-${leaseId.slice(0, 8)}-${n}`;
  return {
    v: 1,
    id: eventId(auctionId, 'win', '1'),
    type: 'win',
    ts: Date.now(),
    auctionId,
    impId: '1',
    bidId: `b${n}`,
    bidderKind: 'campaign',
    bidderId: CAMPAIGN,
    campaignId: CAMPAIGN,
    crid: 'cr-1',
    clearingCpmMicros: CPM,
    bidCpmMicros: CPM,
    takeRateBps: 1_000,
    leaseId,
  };
}

async function reconcileScenario(mode: 'single-node' | 'cluster') {
  const core = await startCore(mode);
  const grant = async (holder: string) => {
    const res = await core.post('/v1/leases', { campaignId: CAMPAIGN, holder, requestedMicros: LEASE });
    expect(res.status).toBe(200);
    const r = (await res.json()) as LeaseResponse;
    if (!r.lease) throw new Error(`no lease: ${JSON.stringify(r)}`);
    return r as Extract<LeaseResponse, { token: string }>;
  };
  const settled = await grant('pop-a');
  const expiring = await grant('pop-b');
  expect(settled.lease.amountMicros).toBe(LEASE);
  expect(expiring.lease.amountMicros).toBe(LEASE);

  // The edge reports its wins: 2 on the lease it will settle, 3 on the one it will abandon.
  const wins = [0, 1]
    .map((n) => win(settled.lease.id, n))
    .concat([2, 3, 4].map((n) => win(expiring.lease.id, n)));
  const ingest = await core.post('/v1/events', { events: wins });
  expect(ingest.status).toBe(202);
  const cost = impressionCost(CPM);
  const settleRes = await core.post(`/v1/leases/${settled.lease.id}/settle`, {
    token: settled.token,
    spentMicros: 2 * cost,
  });
  expect(await settleRes.json()).toMatchObject({ applied: true, spentMicros: 2 * cost });

  // The other lease is never settled: the sweep counts it as fully spent after TTL + grace.
  const swept = await waitFor('the expired lease swept', core.status, (s) => s.leasedMicros === 0);
  expect(swept).toMatchObject({
    spentMicros: 2 * cost + LEASE,
    remainingMicros: BUDGET - 2 * cost - LEASE,
  });

  // The lease events land in ClickHouse (through the log and the sink, like the edge's events).
  const store = () => core.events.store();
  const leaseRows = await waitFor(
    'lease events and wins in ClickHouse',
    async () => {
      const s = store();
      if (!s) return [];
      return s.query<{
        lease_id: string;
        action: string;
        amount_micros: string;
        spent_micros: string;
        pop: string;
      }>(
        `SELECT lease_id, action, amount_micros, spent_micros, pop FROM events FINAL
         WHERE type = 'lease' AND lease_id IN ('${settled.lease.id}', '${expiring.lease.id}')
         ORDER BY lease_id, action`,
      );
    },
    (rows) => rows.length >= 4,
  );
  const byKey = Object.fromEntries(
    leaseRows.map((r) => [
      `${r.lease_id === settled.lease.id ? 'settled' : 'expiring'}/${r.action}`,
      { amount: Number(r.amount_micros), spent: Number(r.spent_micros), pop: r.pop },
    ]),
  );
  expect(byKey).toEqual({
    'settled/granted': { amount: LEASE, spent: 0, pop: 'pop-a' },
    'settled/settled': { amount: LEASE, spent: 2 * cost, pop: 'pop-a' },
    'expiring/granted': { amount: LEASE, spent: 0, pop: 'pop-b' },
    'expiring/expired': { amount: LEASE, spent: LEASE, pop: 'pop-b' },
  });
  await waitFor(
    'the wins in ClickHouse',
    async () =>
      Number(
        (await store()!.query<{ n: string }>(`SELECT count() AS n FROM events FINAL WHERE type = 'win'`))[0]!
          .n,
      ),
    (n) => n >= 5,
  );

  // One reconcile pass: the events prove 3 wins on the expired lease; the rest goes back.
  const judged = await core.events.reconcileNow(Date.now() + 1_000);
  const mine = judged.filter((l) => l.leaseId === settled.lease.id || l.leaseId === expiring.lease.id);
  expect(mine).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        leaseId: settled.lease.id,
        status: 'settled',
        reportedSpentMicros: 2 * cost,
        provenSpentMicros: 2 * cost,
        driftMicros: 0,
      }),
      expect.objectContaining({
        leaseId: expiring.lease.id,
        status: 'expired',
        reportedSpentMicros: LEASE,
        provenSpentMicros: 3 * cost,
        driftMicros: LEASE - 3 * cost,
      }),
    ]),
  );
  expect(mine).toHaveLength(2);

  const after = await core.status();
  expect(after).toMatchObject({
    budgetMicros: BUDGET,
    leasedMicros: 0,
    spentMicros: 5 * cost, // exactly what the wins prove
    remainingMicros: BUDGET - 5 * cost,
    releasedMicros: LEASE - 2 * cost + (LEASE - 3 * cost),
    overrunMicros: 0,
  });
  expect(Math.max(0, after.spentMicros - after.budgetMicros), 'overspend').toBe(0);
  // A second pass changes nothing (reconcile only ever goes downwards, and is idempotent).
  await core.budget.service.reconcile(CAMPAIGN, expiring.lease.id, 3 * cost);
  expect(await core.status()).toEqual(after);
  await core.close();
}

describe('lease events and spend reconciliation, end to end', () => {
  it('single-node: embedded ledger, local log, chDB', async () => {
    await reconcileScenario('single-node');
  });
  it('cluster: Redis, Kafka, ClickHouse server', async () => {
    await reconcileScenario('cluster');
  });
});
