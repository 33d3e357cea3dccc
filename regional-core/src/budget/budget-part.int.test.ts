// The lease API end to end on real Redis: the part as main.ts builds it in cluster mode.
import type { LeaseResponse } from '@edge-rtb/shared/lease-api';
import { createLogger } from '@edge-rtb/shared/log';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createMetrics } from '../metrics.ts';
import { createBudgetPart } from './budget-part.ts';
import type { CampaignBudget } from './campaign-budget.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:16379';
const prefix = `t${Date.now().toString(36)}p:`;
const now = Date.now();
const budget: CampaignBudget = {
  campaignId: 'c-int',
  status: 'active',
  totalBudgetMicros: 50_000_000,
  dailyBudgetMicros: null,
  startAt: now - 86_400_000,
  endAt: now + 86_400_000,
  timeZone: 'Europe/Amsterdam',
  pacing: 'asap',
};

afterAll(async () => {
  const r = new Redis(url);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length) await r.del(...keys);
  await r.quit();
});

describe('budget part on Redis', () => {
  it('grants, settles once, reports, and survives a restart of the core', async () => {
    const config = { ...loadConfig({ REDIS_URL: url }), redisUrl: url };
    const ctx = () => ({ config, log: createLogger({}, 'error', () => undefined), metrics: createMetrics() });
    const source = { listBudgets: async () => [budget], onBudgetChange: () => () => undefined };
    const part = await createBudgetPart(ctx(), { source, backend: 'redis', redisPrefix: prefix });
    expect(await part.ready()).toEqual({ ok: true });
    const app = new Hono().route('/', part.routes!);
    const edge = { authorization: `Bearer ${config.edgeToken}`, 'content-type': 'application/json' };
    const res = await app.request('/v1/leases', {
      method: 'POST',
      headers: edge,
      body: JSON.stringify({ campaignId: 'c-int', holder: 'pop-x', requestedMicros: 10_000 }),
    });
    const lease = (await res.json()) as Extract<LeaseResponse, { token: string }>;
    expect(lease.lease.amountMicros).toBe(10_000);
    const settle = () =>
      app.request(`/v1/leases/${lease.lease.id}/settle`, {
        method: 'POST',
        headers: edge,
        body: JSON.stringify({ token: lease.token, spentMicros: 5_000 }),
      });
    expect(await (await settle()).json()).toMatchObject({ applied: true, releasedMicros: 5_000 });
    await part.close();

    // A new core process on the same Redis: the books and the settled lease are all there.
    const again = await createBudgetPart(ctx(), { source, backend: 'redis', redisPrefix: prefix });
    const app2 = new Hono().route('/', again.routes!);
    expect(
      await (
        await app2.request(`/v1/leases/${lease.lease.id}/settle`, {
          method: 'POST',
          headers: edge,
          body: JSON.stringify({ token: lease.token, spentMicros: 9_000 }),
        })
      ).json(),
    ).toMatchObject({ applied: false, spentMicros: 5_000 });
    const status = await app2.request('/v1/budgets/c-int', {
      headers: { authorization: `Bearer ${config.adminToken}` },
    });
    expect(await status.json()).toMatchObject({
      budgetMicros: 50_000_000,
      remainingMicros: 49_995_000,
      leasedMicros: 0,
      spentMicros: 5_000,
      today: { usedMicros: 5_000, capMicros: null },
    });
    await again.close();
  });

  it('answers a repeated idempotency key with the same lease from another replica; 409 for another holder', async () => {
    const config = { ...loadConfig({ REDIS_URL: url }), redisUrl: url };
    const ctx = () => ({ config, log: createLogger({}, 'error', () => undefined), metrics: createMetrics() });
    const source = { listBudgets: async () => [budget], onBudgetChange: () => () => undefined };
    const p = `${prefix}idem:`;
    const replicas = await Promise.all(
      [0, 1].map(() => createBudgetPart(ctx(), { source, backend: 'redis', redisPrefix: p })),
    );
    const [a, b] = replicas.map((r) => new Hono().route('/', r.routes!));
    const edge = { authorization: `Bearer ${config.edgeToken}`, 'content-type': 'application/json' };
    const ask = (app: Hono, body: object) =>
      app.request('/v1/leases', { method: 'POST', headers: edge, body: JSON.stringify(body) });
    const idempotencyKey = crypto.randomUUID();
    const body = { campaignId: 'c-int', holder: 'pop-x', requestedMicros: 10_000, idempotencyKey };
    const first = (await (await ask(a!, body)).json()) as Extract<LeaseResponse, { token: string }>;
    expect(first.lease.amountMicros).toBe(10_000);
    // The edge's retry after a lost answer lands on the other replica.
    const again = await ask(b!, body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    const other = await ask(b!, { ...body, holder: 'pop-y' });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ error: 'idempotency_key_reused', field: 'idempotencyKey' });
    const status = await b!.request('/v1/budgets/c-int', {
      headers: { authorization: `Bearer ${config.adminToken}` },
    });
    expect(await status.json()).toMatchObject({ leasedMicros: 10_000, remainingMicros: 49_990_000 });
    await Promise.all(replicas.map((r) => r.close()));
  });
});
