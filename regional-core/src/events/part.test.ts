// The events part in single-node mode (local log + chDB) through its real Hono routes.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RtbEvent } from '@edge-rtb/shared/events';
import { sampleAuction, sampleLease } from '@edge-rtb/shared/events/sample';
import { createLogger } from '@edge-rtb/shared/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createMetrics } from '../metrics.ts';
import type { EventsPart } from './part.ts';
import { createEventsPart } from './part.ts';
import type { LeaseProven } from './reconcile.ts';

let part: EventsPart;
const proven: LeaseProven[] = [];
const edge = { authorization: 'Bearer dev-edge-token', 'content-type': 'application/json' };
const admin = { authorization: 'Bearer dev-admin-token' };
const post = (events: unknown, headers: Record<string, string> = edge) =>
  part.routes!.request('/v1/events', { method: 'POST', headers, body: JSON.stringify({ events }) });
const now = Date.now() - 10 * 60_000;
const events: RtbEvent[] = Array.from({ length: 40 }, (_, n) =>
  sampleAuction(n, { ts: now + n * 1000, leaseId: 'L1' }),
).flat();

async function landed(n: number) {
  for (let i = 0; i < 200 && (part.sink()?.status().inserted ?? 0) < n; i++)
    await new Promise((r) => setTimeout(r, 50));
  return part.sink()?.status().inserted;
}

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'events-part-'));
  part = await createEventsPart(
    {
      config: loadConfig({ EDGE_RTB_DATA: dataDir }),
      log: createLogger({}, 'error'),
      metrics: createMetrics(),
    },
    { sinkMaxDelayMs: 50, reconcileGraceMs: 0, onLeaseProven: async (l) => void proven.push(l) },
  );
});
afterAll(() => part.close());

describe('POST /v1/events', () => {
  it('accepts a batch with 202 once durable, then counts a repeat as duplicates', async () => {
    const res = await post(events);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: events.length, duplicates: 0 });
    const again = await post(events.slice(0, 10));
    expect(await again.json()).toEqual({ accepted: 10, duplicates: 10 });
    expect(await landed(events.length)).toBe(events.length);
  });

  it('refuses a bad batch with per-event reasons and keeps none of it', async () => {
    const bad = [
      { ...sampleAuction(900)[0], id: 'new-one' },
      { ...sampleAuction(901)[1], priceCpmMicros: -5 },
    ];
    const res = await post(bad);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({
      error: 'invalid_events',
      errors: [{ index: 1, field: 'events.1.priceCpmMicros' }],
    });
    expect((await post(bad.slice(0, 1))).status).toBe(202); // the valid one was not kept before
  });

  it('answers 401 without the edge token, 400 on broken JSON, 413 when too large', async () => {
    expect((await post(events, { ...edge, authorization: 'Bearer nope' })).status).toBe(401);
    const broken = await part.routes!.request('/v1/events', {
      method: 'POST',
      headers: edge,
      body: '{"events": [',
    });
    expect(broken.status).toBe(400);
    const huge = await part.routes!.request('/v1/events', {
      method: 'POST',
      headers: { ...edge, 'content-length': String(1e9) },
      body: '{}',
    });
    expect(huge.status).toBe(413);
  });
});

describe('/v1/reports', () => {
  const q = `from=${now - 60_000}&to=${now + 3_600_000}`;
  it('reports spend per campaign as JSON and CSV', async () => {
    const res = await part.routes!.request(`/v1/reports/spend?${q}&step=total`, { headers: admin });
    expect(res.status).toBe(200);
    const { rows } = await res.json();
    const wins = events.filter((e) => e.type === 'win' && e.bidderKind === 'campaign') as Array<{
      clearingCpmMicros: number;
    }>;
    const spend = rows.reduce((s: number, r: { spendMicros: number }) => s + r.spendMicros, 0);
    expect(spend).toBe(wins.reduce((s, w) => s + Math.ceil(w.clearingCpmMicros / 1000), 0));
    const csv = await part.routes!.request(`/v1/reports/spend?${q}`, {
      headers: { ...admin, accept: 'text/csv' },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).split('\n')[0]).toContain('time,campaignId,wins,spendMicros');
  });

  it('reports win rate, bid density, DSP latency and no-bid reasons', async () => {
    for (const name of ['win-rate', 'bid-density', 'dsp-latency', 'no-bids']) {
      const res = await part.routes!.request(`/v1/reports/${name}?${q}&format=json`, { headers: admin });
      expect(res.status, name).toBe(200);
      expect((await res.json()).rows.length, name).toBeGreaterThan(0);
    }
    const lat = await (await part.routes!.request(`/v1/reports/dsp-latency?${q}`, { headers: admin })).json();
    expect(lat.rows[0]).toMatchObject({ dspId: 'dsp0', requests: 40 });
    expect(lat.rows[0].p99Ms).toBeGreaterThanOrEqual(lat.rows[0].p50Ms);
  });

  it('validates parameters and needs the admin token', async () => {
    const bad = await part.routes!.request('/v1/reports/spend?from=yesterday&colour=red', { headers: admin });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'colour',
      'from',
    ]);
    expect((await part.routes!.request('/v1/reports/spend')).status).toBe(401);
    expect((await part.routes!.request('/v1/reports/nope', { headers: admin })).status).toBe(404);
  });

  it('reconciles settled leases against win events and calls the hook', async () => {
    const wins = events.filter((e) => e.type === 'win' && e.bidderKind === 'campaign') as Array<{
      clearingCpmMicros: number;
      bidderId: string;
    }>;
    const provenSpend = wins.reduce((s, w) => s + Math.ceil(w.clearingCpmMicros / 1000), 0);
    const lease = [
      sampleLease('L1', 'c0', 'granted', 1_000_000, undefined, now),
      sampleLease('L1', 'c0', 'settled', 1_000_000, provenSpend + 7, now + 60_000),
    ];
    expect((await post(lease)).status).toBe(202);
    await landed(events.length + 3);
    const drift = await part.reconcileNow(Date.now());
    expect(drift).toEqual([
      expect.objectContaining({ leaseId: 'L1', provenSpentMicros: provenSpend, driftMicros: 7 }),
    ]);
    expect(proven.map((p) => p.leaseId)).toContain('L1');
    const res = await part.routes!.request(`/v1/reports/reconciliation?${q}&onlyDrift=true`, {
      headers: admin,
    });
    expect((await res.json()).rows).toHaveLength(1);
  });
});
