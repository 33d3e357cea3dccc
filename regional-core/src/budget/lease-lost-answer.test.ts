// Issue #4 end to end on real code both sides: the edge's lease client (edge-worker) against the
// core's lease API over HTTP (embedded ledger with its journal). The core books a grant and its
// answer comes after the client gave up; the client's next request must get that lease back,
// not a second one, and a core restarted in between must still know the key.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@edge-rtb/shared/log';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { httpLeaseClient } from '../../../edge-worker/src/campaigns/lease-client.ts';
import { loadConfig } from '../config.ts';
import { createMetrics } from '../metrics.ts';
import { createBudgetPart } from './budget-part.ts';
import type { CampaignBudget } from './campaign-budget.ts';

const root = mkdtempSync(join(tmpdir(), 'lease-lost-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const now = Date.now();
const budget: CampaignBudget = {
  campaignId: 'c-lost',
  status: 'active',
  totalBudgetMicros: 1_500_000,
  dailyBudgetMicros: null,
  startAt: now - 86_400_000,
  endAt: now + 86_400_000,
  timeZone: 'UTC',
  pacing: 'asap',
};
const config = { ...loadConfig({}), dataDir: root };

/** The core as a process serves it; `slowAnswers` lease answers are held back after the grant. */
async function startCore(slowAnswers: { n: number; ms: number }, port = 0) {
  const part = await createBudgetPart(
    { config, log: createLogger({}, 'error', () => undefined), metrics: createMetrics() },
    {
      source: { listBudgets: async () => [budget], onBudgetChange: () => () => undefined },
      backend: 'embedded',
    },
  );
  const app = new Hono();
  app.use('/v1/leases', async (_c, next) => {
    await next(); // the grant is booked and journaled; only its answer is late
    if (slowAnswers.n-- > 0) await new Promise((r) => setTimeout(r, slowAnswers.ms));
  });
  app.route('/', part.routes!);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const status = async () =>
    (await (
      await fetch(`${url}/v1/budgets/c-lost`, { headers: { authorization: `Bearer ${config.adminToken}` } })
    ).json()) as { leasedMicros: number; remainingMicros: number };
  const close = async () => {
    (server as Server).closeAllConnections();
    await new Promise((r) => server.close(r));
    await part.close();
  };
  return { url, port: (server.address() as AddressInfo).port, status, close };
}

describe('a lease answer lost to the edge timeout (issue #4)', () => {
  it('is picked up by the retry with the same key, also from a restarted core: one lease, not two', async () => {
    const core = await startCore({ n: 1, ms: 500 });
    // The edge's client as the wallet uses it: one per isolate, asked again after its backoff.
    const client = httpLeaseClient(core.url, config.edgeToken, 150);
    const ask = () => client.request({ campaignId: 'c-lost', holder: 'pop-e:1' });
    expect(await ask()).toBeNull(); // timed out; the core granted anyway
    // On a loaded machine the grant itself may outlast the client's timeout: wait for it.
    let granted = await core.status();
    for (let i = 0; i < 100 && granted.leasedMicros === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      granted = await core.status();
    }
    expect(granted.leasedMicros).toBeGreaterThan(0);

    // The core restarts (same budget directory, same address) before the edge's retry.
    await core.close();
    const again = await startCore({ n: 0, ms: 0 }, core.port);
    const r = await ask();
    if (!r?.lease) throw new Error(`no lease: ${JSON.stringify(r)}`);
    expect(r.lease.amountMicros).toBe(granted.leasedMicros);
    // Nothing more was taken from the budget: the retry got the lease granted before.
    expect(await again.status()).toEqual(granted);

    // The next logical request is a new key: a second lease, as it should be.
    const next = await ask();
    expect(next?.lease?.id).toBeDefined();
    expect(next!.lease!.id).not.toBe(r.lease.id);
    expect((await again.status()).leasedMicros).toBe(granted.leasedMicros + next!.lease!.amountMicros);
    await again.close();
  });
});
