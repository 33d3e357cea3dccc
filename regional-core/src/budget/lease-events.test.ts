import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LeaseEvent, validateEvent } from '@edge-rtb/shared/events';
import type { LeaseResponse } from '@edge-rtb/shared/lease-api';
import { createLogger } from '@edge-rtb/shared/log';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createMetrics } from '../metrics.ts';
import { createBudgetMetrics } from './budget-metrics.ts';
import { createBudgetPart } from './budget-part.ts';
import type { CampaignBudget } from './campaign-budget.ts';
import { createLeaseEventQueue, leaseEvent } from './lease-events.ts';

const root = mkdtempSync(join(tmpdir(), 'lease-events-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const NOW = Date.UTC(2026, 10, 25, 12);
const config = loadConfig({});
const EDGE = { authorization: `Bearer ${config.edgeToken}`, 'content-type': 'application/json' };

/** A logger that keeps what it was told. */
function memoryLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({}, 'debug', (_level, line) => lines.push(JSON.parse(line)));
  return { log, lines };
}

const ev = (i: number) =>
  leaseEvent('granted', { campaignId: 'c', leaseId: `L${i}`, holder: 'pop-a', amountMicros: i, ts: NOW });

describe('lease event queue', () => {
  it('batches the events of one tick into one publish', async () => {
    const calls: LeaseEvent[][] = [];
    const q = createLeaseEventQueue({ publish: async (e) => void calls.push(e) });
    for (let i = 0; i < 5; i++) q.push([ev(i)]);
    expect(q.pending()).toBe(5);
    expect(await q.flush()).toBe(0);
    expect(calls.map((c) => c.length)).toEqual([5]);
  });

  it('retries a failed publish until it goes through, in order, and says so', async () => {
    const { log, lines } = memoryLog();
    const metrics = createMetrics();
    const m = createBudgetMetrics(metrics).leaseEvents;
    let failuresLeft = 3;
    const published: string[] = [];
    const q = createLeaseEventQueue({
      publish: async (e) => {
        if (failuresLeft-- > 0) throw new Error('log unavailable');
        published.push(...e.map((x) => x.id));
      },
      log,
      metrics: m,
      retryMinMs: 5,
      batchSize: 2,
    });
    q.push([ev(1), ev(2), ev(3)]);
    q.push([ev(4)]);
    expect(await q.flush(2_000)).toBe(0);
    expect(published).toEqual([
      'L1:lease:granted',
      'L2:lease:granted',
      'L3:lease:granted',
      'L4:lease:granted',
    ]);
    expect(lines.some((l) => l.msg === 'lease events not published; retrying')).toBe(true);
    const text = await metrics.metrics();
    expect(text).toContain('edge_rtb_core_lease_event_publish_failures_total 3');
    expect(text).toContain('edge_rtb_core_lease_events_pending 0');
  });

  it('logs what it could not publish by shutdown, and drops the oldest only past its bound, loudly', async () => {
    const { log, lines } = memoryLog();
    const q = createLeaseEventQueue({
      publish: () => Promise.reject(new Error('down')),
      log,
      retryMinMs: 5,
      maxPending: 3,
    });
    q.push([ev(1), ev(2), ev(3), ev(4)]);
    expect(lines.find((l) => l.msg?.toString().startsWith('lease events dropped'))).toMatchObject({
      dropped: 1,
      first: 'L1:lease:granted',
    });
    expect(await q.close(100)).toBe(3);
    expect(lines.find((l) => l.msg === 'lease events not published before shutdown')).toMatchObject({
      count: 3,
      ids: ['L2:lease:granted', 'L3:lease:granted', 'L4:lease:granted'],
    });
  });
});

describe('budget part: lease events', () => {
  const camp: CampaignBudget = {
    campaignId: 'c1',
    status: 'active',
    totalBudgetMicros: 1_000_000_000,
    dailyBudgetMicros: null,
    startAt: NOW - 86_400_000,
    endAt: NOW + 86_400_000,
    timeZone: 'UTC',
    pacing: 'asap',
  };

  it('emits granted, applied settles and sweep expiries, each once, all valid v1 events', async () => {
    let clock = NOW;
    const published: LeaseEvent[] = [];
    const part = await createBudgetPart(
      {
        config: { ...config, dataDir: mkdtempSync(join(root, 'd')) },
        log: createLogger({}, 'error', () => undefined),
        metrics: createMetrics(),
      },
      {
        source: { listBudgets: async () => [camp], onBudgetChange: () => () => undefined },
        backend: 'embedded',
        now: () => clock,
        sweepEveryMs: 60_000,
        onLeaseEvents: async (e) => void published.push(...e),
      },
    );
    const app = new Hono().route('/', part.routes!);
    const post = async (path: string, body: unknown) =>
      (await app.request(path, { method: 'POST', headers: EDGE, body: JSON.stringify(body) })).json();
    const grant = async (holder: string, requestedMicros: number) => {
      const r = (await post('/v1/leases', { campaignId: 'c1', holder, requestedMicros })) as LeaseResponse;
      if (!r.lease) throw new Error('denied');
      return r as Extract<LeaseResponse, { token: string }>;
    };
    const a = await grant('pop-a', 10_000);
    const b = await grant('pop-b', 8_000);
    const settle = { token: a.token, spentMicros: 12_000 }; // 2_000 beyond the lease: overrun
    expect(await post(`/v1/leases/${a.lease.id}/settle`, settle)).toMatchObject({ applied: true });
    expect(await post(`/v1/leases/${a.lease.id}/settle`, settle)).toMatchObject({ applied: false });
    clock = NOW + 60_000 + 30_000; // b's expiry + the settle grace
    expect(await part.service.sweep()).toEqual([
      { campaignId: 'c1', leaseId: b.lease.id, amountMicros: 8_000, holder: 'pop-b' },
    ]);
    expect(await part.service.sweep()).toEqual([]);
    expect(await part.service.flushLeaseEvents()).toBe(0);

    const lease = (leaseId: string) => ({
      v: 1,
      type: 'lease',
      auctionId: leaseId,
      leaseId,
      campaignId: 'c1',
    });
    expect(published).toEqual([
      {
        ...lease(a.lease.id),
        id: `${a.lease.id}:lease:granted`,
        ts: NOW,
        pop: 'pop-a',
        action: 'granted',
        amountMicros: 10_000,
      },
      {
        ...lease(b.lease.id),
        id: `${b.lease.id}:lease:granted`,
        ts: NOW,
        pop: 'pop-b',
        action: 'granted',
        amountMicros: 8_000,
      },
      {
        ...lease(a.lease.id),
        id: `${a.lease.id}:lease:settled`,
        ts: NOW,
        pop: 'pop-a',
        action: 'settled',
        amountMicros: 10_000,
        spentMicros: 12_000,
      },
      {
        ...lease(b.lease.id),
        id: `${b.lease.id}:lease:expired`,
        ts: clock,
        pop: 'pop-b',
        action: 'expired',
        amountMicros: 8_000,
        spentMicros: 8_000,
      },
    ]);
    for (const e of published) expect(validateEvent(e)).toEqual([]);
    await part.close();
  });
});
