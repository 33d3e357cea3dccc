import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeaseResponse } from '@edge-rtb/shared/lease-api';
import { createLeaseTokenCodec } from '@edge-rtb/shared/lease-token';
import { createLogger } from '@edge-rtb/shared/log';
import { Hono } from 'hono';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createMetrics } from '../metrics.ts';
import { type BudgetPart, createBudgetPart } from './budget-part.ts';
import type { CampaignBudget, CampaignBudgetSource } from './campaign-budget.ts';
import type { BudgetLedger } from './ledger.ts';

const root = mkdtempSync(join(tmpdir(), 'budget-part-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const NOW = Date.UTC(2026, 10, 25, 12);
const DAY = 86_400_000;

/** The catalog's side, in memory: what the part consumes. */
function memorySource(budgets: CampaignBudget[]) {
  const listeners = new Set<(b: CampaignBudget) => void>();
  const source: CampaignBudgetSource = {
    listBudgets: async () => budgets,
    onBudgetChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const change = (b: CampaignBudget) => {
    for (const l of listeners) l(b);
  };
  return { source, change };
}

/** Changes one whole MAC byte's worth of characters in the middle: a forgery, not a spelling. */
function forgeMac(token: string): string {
  const i = token.length - 10;
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

function granted(r: LeaseResponse): Extract<LeaseResponse, { token: string }> {
  if (!r.lease) throw new Error(`denied: ${JSON.stringify(r)}`);
  return r as Extract<LeaseResponse, { token: string }>;
}

const camp = (over: Partial<CampaignBudget> = {}): CampaignBudget => ({
  campaignId: 'c1',
  status: 'active',
  totalBudgetMicros: 1_000_000_000,
  dailyBudgetMicros: null,
  startAt: NOW - DAY,
  endAt: NOW + 30 * DAY,
  timeZone: 'UTC',
  pacing: 'asap',
  ...over,
});

const config = loadConfig({});
const EDGE = { authorization: `Bearer ${config.edgeToken}`, 'content-type': 'application/json' };
const ADMIN = { authorization: `Bearer ${config.adminToken}` };
const parts: BudgetPart[] = [];
afterEach(async () => {
  await Promise.all(parts.splice(0).map((p) => p.close()));
});

/** The part's clock; tests move it. */
let clock = NOW;

async function setup(
  budgets: CampaignBudget[],
  ledger?: BudgetLedger,
  dataDir = mkdtempSync(join(root, 'd')),
) {
  clock = NOW;
  const { source, change } = memorySource(budgets);
  const metrics = createMetrics();
  const part = await createBudgetPart(
    {
      config: { ...config, dataDir },
      log: createLogger({}, 'error', () => undefined),
      metrics,
    },
    { source, backend: 'embedded', now: () => clock, ...(ledger ? { ledger } : {}) },
  );
  parts.push(part);
  const app = new Hono().route('/', part.routes!);
  const post = (path: string, body: unknown, headers: Record<string, string> = EDGE) =>
    app.request(path, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const lease = async (body: unknown) => (await (await post('/v1/leases', body)).json()) as LeaseResponse;
  return { app, part, post, lease, change, metrics };
}

describe('budget part: lease API', () => {
  it('grants a signed lease and settles it exactly once', async () => {
    const { post, lease, app, metrics } = await setup([camp()]);
    // 10_000 is within the cold-start lease size (plan rate x 60 s, about 22_400 here).
    const r = granted(await lease({ campaignId: 'c1', holder: 'pop-a', requestedMicros: 10_000 }));
    expect(r.lease).toMatchObject({
      campaignId: 'c1',
      amountMicros: 10_000,
      expiresAt: NOW + 60_000,
      kid: 'dev1',
    });
    const claims = await createLeaseTokenCodec(config.leaseKeys).verify(r.token, { now: NOW });
    expect(claims.ok && claims.value).toMatchObject({
      leaseId: r.lease.id,
      amountMicros: 10_000,
      holder: 'pop-a',
    });

    const settle = () => post(`/v1/leases/${r.lease.id}/settle`, { token: r.token, spentMicros: 4_000 });
    const first = await settle();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      leaseId: r.lease.id,
      spentMicros: 4_000,
      releasedMicros: 6_000,
      applied: true,
    });
    expect(await (await settle()).json()).toMatchObject({ applied: false, spentMicros: 4_000 });

    const status = await app.request('/v1/budgets/c1', { headers: ADMIN });
    expect(await status.json()).toMatchObject({
      budgetMicros: 1_000_000_000,
      remainingMicros: 1_000_000_000 - 4_000,
      leasedMicros: 0,
      spentMicros: 4_000,
      overrunMicros: 0,
    });
    const text = await metrics.metrics();
    expect(text).toContain('edge_rtb_core_lease_grants_total{campaign="c1"} 1');
    expect(text).toContain('edge_rtb_core_lease_granted_micros_total{campaign="c1"} 10000');
    expect(text).toContain('edge_rtb_core_lease_settles_total{outcome="repeated"} 1');
    expect(text).toContain('edge_rtb_core_lease_grant_seconds_count 1');
  });

  it('answers a repeated idempotency key with the same lease, also after a restart; 409 on reuse elsewhere', async () => {
    const dataDir = mkdtempSync(join(root, 'idem'));
    const { post, lease, metrics, part } = await setup(
      [camp(), camp({ campaignId: 'c2' })],
      undefined,
      dataDir,
    );
    const key = crypto.randomUUID();
    const first = granted(
      await lease({ campaignId: 'c1', holder: 'pop-a', requestedMicros: 10_000, idempotencyKey: key }),
    );
    clock += 1_500; // the edge's retry after its timeout and backoff
    const again = granted(
      await lease({ campaignId: 'c1', holder: 'pop-a', requestedMicros: 10_000, idempotencyKey: key }),
    );
    expect(again).toEqual(first); // same id, amount, expiresAt and token
    const text = await metrics.metrics();
    expect(text).toContain('edge_rtb_core_lease_grants_total{campaign="c1"} 1');
    expect(text).toContain('edge_rtb_core_lease_request_repeats_total{outcome="repeated"} 1');

    for (const body of [
      { campaignId: 'c1', holder: 'pop-b', idempotencyKey: key },
      { campaignId: 'c2', holder: 'pop-a', idempotencyKey: key },
    ]) {
      const res = await post('/v1/leases', body);
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ error: 'idempotency_key_reused', field: 'idempotencyKey' });
    }
    expect(await metrics.metrics()).toContain(
      'edge_rtb_core_lease_request_repeats_total{outcome="conflict"} 2',
    );

    // The embedded core restarts (same budget directory): the key is still there.
    await part.close();
    const restarted = await setup([camp(), camp({ campaignId: 'c2' })], undefined, dataDir);
    clock = NOW + 3_000;
    const afterRestart = granted(
      await restarted.lease({
        campaignId: 'c1',
        holder: 'pop-a',
        requestedMicros: 10_000,
        idempotencyKey: key,
      }),
    );
    expect(afterRestart).toEqual(first);
    const status = await restarted.app.request('/v1/budgets/c1', { headers: ADMIN });
    expect(await status.json()).toMatchObject({
      leasedMicros: 10_000,
      remainingMicros: 1_000_000_000 - 10_000,
    });
    expect(await restarted.metrics.metrics()).not.toContain(
      'edge_rtb_core_lease_grants_total{campaign="c1"}',
    );
  });

  it('answers a repeat with its lease even when the campaign was paused since; a new request is refused', async () => {
    const { lease, change, post } = await setup([camp()]);
    const key = crypto.randomUUID();
    const first = granted(await lease({ campaignId: 'c1', holder: 'pop-a', idempotencyKey: key }));
    change(camp({ status: 'paused' }));
    await new Promise((res) => setTimeout(res, 20));
    expect(await lease({ campaignId: 'c1', holder: 'pop-a', idempotencyKey: key })).toEqual(first);
    expect(
      await lease({ campaignId: 'c1', holder: 'pop-a', idempotencyKey: crypto.randomUUID() }),
    ).toMatchObject({
      lease: null,
      reason: 'inactive',
    });
    expect(await lease({ campaignId: 'c1', holder: 'pop-a' })).toMatchObject({
      lease: null,
      reason: 'inactive',
    });
    const other = await post('/v1/leases', { campaignId: 'c1', holder: 'pop-b', idempotencyKey: key });
    expect(other.status).toBe(409);
  });

  it('says why there is no lease', async () => {
    const { lease, metrics } = await setup([
      camp({ campaignId: 'paused', status: 'paused' }),
      camp({ campaignId: 'later', startAt: NOW + 5_000 }),
      camp({ campaignId: 'tiny', totalBudgetMicros: 5_000 }),
    ]);
    expect(await lease({ campaignId: 'nope', holder: 'h' })).toMatchObject({
      lease: null,
      reason: 'unknown_campaign',
    });
    expect(await lease({ campaignId: 'paused', holder: 'h' })).toMatchObject({ reason: 'inactive' });
    expect(await lease({ campaignId: 'later', holder: 'h' })).toMatchObject({
      reason: 'out_of_flight',
      retryAfterMs: 5_000,
    });
    expect((await lease({ campaignId: 'tiny', holder: 'h' })).lease?.amountMicros).toBe(5_000);
    expect(await lease({ campaignId: 'tiny', holder: 'h' })).toMatchObject({
      reason: 'budget_exhausted',
      retryAfterMs: 60_000,
    });
    expect(await metrics.metrics()).toContain(
      'edge_rtb_core_lease_denials_total{reason="budget_exhausted"} 1',
    );
  });

  it('paces: an even plan grants only what the plan allows by now', async () => {
    // Day one of a ten-day flight of 10 units: about 1 unit by the end of today.
    const { lease } = await setup([
      camp({ pacing: 'even', startAt: NOW, endAt: NOW + 10 * DAY, totalBudgetMicros: 10_000_000 }),
    ]);
    // At the start the plan allows ~700 micros (plan(now + one lease lifetime) = 10e6 * 60 s / 10
    // days), less than the minimum lease of 10,000 (one bid must fit): none yet, and when to ask.
    // The plan frees 11.6 micros a second: ~800 s until a minimum lease has accrued, asked again
    // as told (each wait at most 5 minutes).
    let asks = 0;
    for (;;) {
      const r = await lease({ campaignId: 'c1', holder: 'h', requestedMicros: 1_000_000 });
      expect(r).toMatchObject({ lease: null, reason: 'paced' });
      if (r.lease || ++asks > 10) break;
      clock += r.retryAfterMs;
      if (clock - NOW >= 600_000) break;
    }
    const waitS = (clock - NOW) / 1000;
    expect(waitS).toBeGreaterThanOrEqual(600);
    expect(waitS).toBeLessThan(900);
    // ...and then a lease, once the plan has freed the minimum.
    clock = NOW + 900_000;
    let granted = 0;
    let last: LeaseResponse | null = null;
    for (let i = 0; i < 50; i++) {
      last = await lease({ campaignId: 'c1', holder: 'h', requestedMicros: 1_000_000 });
      if (!last.lease) break;
      granted += last.lease.amountMicros;
    }
    expect(last).toMatchObject({ lease: null, reason: 'paced' });
    // At least a minimum lease, and no more than the plan allows plus the controller's head room
    // (which gives back the 15 minutes nothing was spent).
    expect(granted).toBeGreaterThanOrEqual(10_000);
    expect(granted).toBeLessThanOrEqual(10_000_000 * 0.1 + 700);
  });

  // A holder that could spend far more than the plan: it spends each lease in full right away and
  // asks again as soon as it may, every 100 ms, for two minutes. Plans of 10,000 micros a second:
  // a ten-day even flight (the flight's pacing cap binds), and a front-loaded flight whose daily
  // budget's paced cap binds first (as the seeded globex campaign in the overhead bench).
  it.each([
    ['even flight', { pacing: 'even', totalBudgetMicros: 8_640_000_000 }],
    [
      'front-loaded daily budget',
      // Its day starts at NOW (UTC-12 local midnight): 1.5 x 576e6 / 86,400 s = 10,000 micros/s.
      {
        pacing: 'front_loaded',
        totalBudgetMicros: 1e12,
        dailyBudgetMicros: 576_000_000,
        timeZone: 'Etc/GMT+12',
      },
    ],
  ] as const)('paces in worthwhile leases, not a sliver per win (%s)', async (_, plan) => {
    const { lease, post } = await setup([
      camp({ timeZone: 'UTC', ...plan, startAt: NOW, endAt: NOW + 10 * DAY }),
    ]);
    const amounts: number[] = [];
    let askAt = 0;
    for (let tick = 0; tick < 1_200; tick++) {
      clock = NOW + tick * 100;
      if (clock < askAt) continue;
      const r = await lease({ campaignId: 'c1', holder: 'h' });
      if (!r.lease) {
        // Held back by the plan for a moment, never told to wait for tomorrow.
        expect(r).toMatchObject({ reason: 'paced' });
        expect(r.retryAfterMs).toBeLessThanOrEqual(300_000);
        askAt = clock + r.retryAfterMs;
        continue;
      }
      amounts.push(r.lease.amountMicros);
      const settled = await post(`/v1/leases/${r.lease.id}/settle`, {
        token: (r as { token: string }).token,
        spentMicros: r.lease.amountMicros,
      });
      expect(settled.status).toBe(200);
    }
    const spent = amounts.reduce((a, b) => a + b, 0);
    // About two minutes of the plan (front-loaded starts at 1.5x), plus the first lease's
    // lookahead (one lease lifetime) and the controller's head room: the pace holds...
    expect(spent).toBeGreaterThan(120 * 10_000 * 0.8);
    expect(spent).toBeLessThan(1.5 * (120 + 60) * 10_000 + 100_000);
    // ...in few round trips: granting whatever room there was gave a sliver per ask (91 grants
    // of ~10,000 micros for the even flight here; ~90-115 grants a second at 200-300 auctions/s
    // in the overhead bench). A grant now waits for a tenth of a full lease (6 s of spend).
    expect(amounts.length).toBeLessThan(30);
    for (const a of amounts) expect(a).toBeGreaterThanOrEqual(60_000);
  });

  it('follows the catalog: raises add, cuts never claw back leased money', async () => {
    const { lease, change, app } = await setup([camp({ totalBudgetMicros: 100_000 })]);
    // Near the end of a budget a lease is at most 10% of what remains.
    const r = await lease({ campaignId: 'c1', holder: 'h', requestedMicros: 30_000 });
    expect(r.lease?.amountMicros).toBe(10_000);
    change(camp({ totalBudgetMicros: 5_000 }));
    await new Promise((res) => setTimeout(res, 20));
    const cut = await (await app.request('/v1/budgets/c1', { headers: ADMIN })).json();
    expect(cut).toMatchObject({ budgetMicros: 5_000, remainingMicros: 0, leasedMicros: 10_000 });
    change(camp({ totalBudgetMicros: 500_000, campaignId: 'c1' }));
    change(camp({ campaignId: 'c2' }));
    await new Promise((res) => setTimeout(res, 20));
    expect(await (await app.request('/v1/budgets/c1', { headers: ADMIN })).json()).toMatchObject({
      remainingMicros: 490_000,
    });
    expect((await lease({ campaignId: 'c2', holder: 'h' })).lease).not.toBeNull();
  });

  it('rolls the daily budget over at midnight in the campaign time zone', async () => {
    const { lease } = await setup([camp({ timeZone: 'America/New_York', dailyBudgetMicros: 25_000 })]);
    clock = Date.UTC(2026, 10, 26, 4, 59); // 23:59 on the 25th in New York
    let got = 0;
    let last: LeaseResponse | null = null;
    for (let i = 0; i < 10; i++) {
      last = await lease({ campaignId: 'c1', holder: 'h', requestedMicros: 10_000 });
      if (!last.lease) break;
      got += last.lease.amountMicros;
    }
    // Two leases of 10,000; the last 5,000 would be a lease smaller than the minimum, not granted.
    expect(got).toBe(20_000);
    expect(last).toMatchObject({ reason: 'budget_exhausted', retryAfterMs: 60_000 }); // until local midnight
    clock = Date.UTC(2026, 10, 26, 5, 0, 30); // 00:00:30 on the 26th in New York
    expect(
      (await lease({ campaignId: 'c1', holder: 'h', requestedMicros: 10_000 })).lease?.amountMicros,
    ).toBe(10_000);
  });

  it('sizes leases from the holder spend rate', async () => {
    const { lease, post } = await setup([camp()]);
    // The holder spends `fraction` of each lease at `perSec` micros/s, then settles it.
    const spend = async (holder: string, fraction: number, perSec: number) => {
      const r = granted(await lease({ campaignId: 'c1', holder }));
      const spent = Math.floor(r.lease.amountMicros * fraction);
      clock += spent > 0 ? Math.ceil((spent / perSec) * 1000) : 10_000;
      await post(`/v1/leases/${r.lease.id}/settle`, { token: r.token, spentMicros: spent });
      await post(`/v1/leases/${r.lease.id}/settle`, { token: r.token, spentMicros: spent }); // repeats teach nothing
      return r.lease.amountMicros;
    };
    // Cold start: the plan rate (1e9 over 31 days, ~373 micros/s) x 60 s.
    expect(await spend('fast', 1, 5_000)).toBe(22_402);
    // Spent in 4.5 s: read over the 5 s window floor (~4,500/s), not as 22,402 / 300 s (75/s),
    // so the second lease already holds ~60 s of spend.
    const second = await spend('fast', 1, 5_000);
    expect(second).toBeGreaterThan(260_000);
    expect(second).toBeLessThan(280_000);
    // From then on ~60 s at its real rate of 5,000/s (300,000).
    const third = await spend('fast', 1, 5_000);
    expect(third).toBeGreaterThan(285_000);
    expect(third).toBeLessThan(335_000); // a settle books its spend at the end: up to ~10% high
    // A holder that spends nothing falls to the minimum lease; one with no history keeps the plan rate.
    await spend('idle', 0, 1);
    expect(granted(await lease({ campaignId: 'c1', holder: 'idle' })).lease.amountMicros).toBe(10_000);
    expect(granted(await lease({ campaignId: 'c1', holder: 'new' })).lease.amountMicros).toBe(22_402);
  });

  it('rejects bad input with 4xx and a reason, never 5xx', async () => {
    const { post, lease, app } = await setup([camp()]);
    const r = granted(await lease({ campaignId: 'c1', holder: 'h' }));
    const id = r.lease.id;
    const cases: Array<[Response, number, string]> = [
      [
        await post('/v1/leases', { campaignId: 'c1', holder: 'h' }, { 'content-type': 'application/json' }),
        401,
        'unauthorized',
      ],
      [await post('/v1/leases', '{nope'), 400, 'invalid_json'],
      [await post('/v1/leases', { campaignId: 'c1' }), 400, 'invalid_body'],
      [
        await post('/v1/leases', { campaignId: 'c1', holder: 'h', requestedMicros: 1.5 }),
        400,
        'invalid_body',
      ],
      [await post('/v1/leases', { campaignId: 'c1', holder: 'h', extra: 1 }), 400, 'invalid_body'],
      [await post('/v1/leases', { campaignId: 'c}1', holder: 'h' }), 400, 'invalid_body'],
      [
        await post('/v1/leases', { campaignId: 'c1', holder: 'h', idempotencyKey: 'short' }),
        400,
        'invalid_body',
      ],
      [
        await post('/v1/leases', { campaignId: 'c1', holder: 'h', idempotencyKey: `${'k'.repeat(16)}:{x}` }),
        400,
        'invalid_body',
      ],
      [await post('/v1/leases', { campaignId: 'c1', holder: 'h', idempotencyKey: 42 }), 400, 'invalid_body'],
      [await post('/v1/leases', 'x'.repeat(20_000)), 413, 'body_too_large'],
      [await post(`/v1/leases/${id}/settle`, { token: r.token, spentMicros: -1 }), 400, 'invalid_body'],
      [await post(`/v1/leases/${id}/settle`, { token: 'garbage', spentMicros: 1 }), 400, 'invalid_token'],
      [
        await post(`/v1/leases/${id}/settle`, {
          token: forgeMac(r.token),
          spentMicros: 1,
        }),
        403,
        'invalid_token',
      ],
      [await post('/v1/leases/other-id/settle', { token: r.token, spentMicros: 1 }), 400, 'lease_mismatch'],
      [await post('/v1/leases/b@d/settle', { token: r.token, spentMicros: 1 }), 400, 'invalid_lease_id'],
      [await app.request('/v1/budgets/c1', { headers: EDGE }), 401, 'unauthorized'],
      [await app.request('/v1/budgets/zzz', { headers: ADMIN }), 404, 'unknown_campaign'],
    ];
    for (const [res, status, error] of cases) {
      const body = await res.json();
      expect({ status: res.status, error: body.error }).toEqual({ status, error });
      expect(typeof body.message).toBe('string');
    }
    expect(await (await post('/v1/leases', { campaignId: 'c1' })).json()).toMatchObject({ field: 'holder' });
    const badKey = await post('/v1/leases', { campaignId: 'c1', holder: 'h', idempotencyKey: 'x' });
    expect(await badKey.json()).toMatchObject({
      field: 'idempotencyKey',
      message: expect.stringContaining('idempotency key'),
    });
    // Nothing was granted by the refused requests: only the first lease is out.
    const status = await app.request('/v1/budgets/c1', { headers: ADMIN });
    expect(await status.json()).toMatchObject({ leasedMicros: r.lease.amountMicros });
  });

  it('answers 503 when the ledger backend fails, and reports not ready', async () => {
    const boom = async () => {
      throw new Error('redis down');
    };
    const broken = {
      fund: async () => ({
        available: 0,
        leased: 0,
        spent: 0,
        overrun: 0,
        funding: 0,
        writeoff: 0,
        released: 0,
        target: 0,
      }),
      grant: boom,
      settle: boom,
      sweep: async () => 0,
      reconcile: boom,
      balances: boom,
      lease: boom,
      dailyUsed: boom,
      ready: async () => ({ ok: false, detail: 'redis down' }),
      close: async () => undefined,
    } as unknown as BudgetLedger;
    const { post, part } = await setup([camp()], broken);
    const res = await post('/v1/leases', { campaignId: 'c1', holder: 'h' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'ledger_unavailable' });
    expect(await part.ready()).toEqual({ ok: false, detail: 'redis down' });
  });
});
