// One scenario for the lost-ledger check, run on the embedded ledger with PGlite
// (ledger-guard.test.ts) and on real Redis with real PostgreSQL (ledger-guard.int.test.ts):
// a ledger wiped behind the catalog's back is refused, never re-funded, until an operator
// re-seeds it with the known spend.
import type { LeaseResponse } from '@edge-rtb/shared/lease-api';
import { createLogger } from '@edge-rtb/shared/log';
import { Hono } from 'hono';
import { expect, it } from 'vitest';
import type { CoreConfig } from '../config.ts';
import { createMetrics } from '../metrics.ts';
import { type BudgetPart, type BudgetPartOptions, createBudgetPart } from './budget-part.ts';
import type { CampaignBudget, CampaignBudgetSource, LedgerRegistry } from './campaign-budget.ts';

export interface GuardHarness {
  config: CoreConfig;
  registry: LedgerRegistry;
  /** backend + its options (redis prefix, or nothing for embedded under config.dataDir). */
  partOptions: Pick<BudgetPartOptions, 'backend' | 'redisPrefix'>;
  /** Empties the ledger's storage the way an outage would (Redis keys / journal directory). */
  wipe(): Promise<void>;
  /** Whether wipe() works under a running part (Redis: yes; the embedded books live in memory). */
  wipesLive: boolean;
}

const budget = (over: Partial<CampaignBudget> = {}): CampaignBudget => ({
  campaignId: 'c-guard',
  status: 'active',
  totalBudgetMicros: 1_000_000,
  dailyBudgetMicros: null,
  startAt: Date.now() - 86_400_000,
  endAt: Date.now() + 86_400_000,
  timeZone: 'UTC',
  pacing: 'asap',
  ...over,
});

export function ledgerGuardScenario(harness: () => Promise<GuardHarness>): void {
  it('refuses a wiped ledger instead of re-funding it, until an operator re-seeds the known spend', async () => {
    const h = await harness();
    let budgets = [budget(), budget({ campaignId: 'c-idle', totalBudgetMicros: 500_000 })];
    const listeners = new Set<(b: CampaignBudget) => void>();
    const source: CampaignBudgetSource = {
      listBudgets: async () => budgets,
      onBudgetChange: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      ledgers: h.registry,
    };
    const errors: Array<Record<string, unknown>> = [];
    const open = async () => {
      const metrics = createMetrics();
      const log = createLogger({}, 'error', (_level, line) => errors.push(JSON.parse(line)));
      const part = await createBudgetPart(
        { config: h.config, log, metrics },
        { source, ...h.partOptions, sweepEveryMs: 100 },
      );
      const app = new Hono().route('/', part.routes!);
      const gauge = async () => {
        const m = await metrics.getSingleMetric('edge_rtb_core_budget_ledger_state')!.get();
        return Object.fromEntries(m.values.map((v) => [v.labels.state, v.value]));
      };
      return { part, app, gauge };
    };
    const admin = (app: Hono, method: string, path: string, body?: unknown) =>
      app.request(path, {
        method,
        headers: { authorization: `Bearer ${h.config.adminToken}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const lease = (part: BudgetPart) =>
      part.service.requestLease({ campaignId: 'c-guard', holder: 'pop-g', requestedMicros: 10_000 });
    const parts: BudgetPart[] = [];
    try {
      // 1. A first start initialises the ledger and the catalog's record of it; money moves.
      const first = await open();
      parts.push(first.part);
      expect(first.part.guard.state()).toBe('ok');
      const ledgerId = first.part.guard.ledgerId();
      expect(ledgerId).toMatch(/^[0-9a-f-]{36}$/);
      expect((await h.registry.get(`${first.part.guard.name}`))?.ledgerId).toBe(ledgerId);
      const g = (await lease(first.part)) as Extract<LeaseResponse, { token: string }>;
      expect(g.lease.amountMicros).toBe(10_000);
      expect((await first.part.service.settle(g.lease.id, g.token, 6_000)).ok).toBe(true);
      await first.part.close();
      parts.pop();

      // 2. The ledger's storage comes back empty. A restart must not fund it from the catalog.
      await h.wipe();
      const second = await open();
      parts.push(second.part);
      expect(second.part.guard.state()).toBe('lost');
      expect(await second.gauge()).toMatchObject({ ok: 0, lost: 1 });
      expect(
        errors.some((e) => e.msg?.toString().startsWith('budget ledger lost') && e.state === 'lost'),
      ).toBe(true);
      expect(await second.part.ready()).toMatchObject({ ok: false, detail: expect.stringContaining('lost') });
      expect(await lease(second.part)).toMatchObject({ lease: null, reason: 'ledger_unverified' });
      expect(await second.part.service.status('c-guard')).toBeNull();
      // A catalog change while refused is not funded either.
      budgets = [budget({ totalBudgetMicros: 2_000_000 }), budgets[1]!];
      for (const l of listeners) l(budgets[0]!);
      await new Promise((r) => setTimeout(r, 50));
      expect(await second.part.service.status('c-guard')).toBeNull();
      const view = await admin(second.app, 'GET', '/v1/admin/budget-ledger');
      expect(await view.json()).toMatchObject({ state: 'lost', ledgerId });

      // 3. Re-seed: bad requests are refused and change nothing.
      const reseed = (body: unknown) => admin(second.app, 'POST', '/v1/admin/budget-ledger/reseed', body);
      const wrongId = await reseed({
        expectLedgerId: 'nope',
        spentMicros: { 'c-guard': 6_000 },
        reason: 'x',
      });
      expect(wrongId.status).toBe(409);
      expect(await wrongId.json()).toMatchObject({ error: 'ledger_mismatch' });
      const unlisted = await reseed({
        expectLedgerId: ledgerId,
        spentMicros: { 'c-guard': 6_000 },
        reason: 'x',
      });
      expect(unlisted.status).toBe(400);
      expect(await unlisted.json()).toMatchObject({ error: 'invalid_spend', campaigns: ['c-idle'] });
      const negative = await reseed({
        expectLedgerId: ledgerId,
        spentMicros: { 'c-guard': -1 },
        reason: 'x',
      });
      expect(negative.status).toBe(400);
      expect(second.part.guard.state()).toBe('lost');
      expect(await second.part.service.status('c-guard')).toBeNull();

      // 4. The operator re-seeds with the spend known from the lease events.
      const done = await reseed({
        expectLedgerId: ledgerId,
        spentMicros: { 'c-guard': 6_000 },
        unlistedAreUnspent: true,
        reason: 'redis replaced after disk loss',
      });
      expect(done.status).toBe(200);
      const result = (await done.json()) as { ledgerId: string; bookedSpentMicros: number };
      expect(result).toMatchObject({ campaigns: 2, bookedSpentMicros: 6_000, bookedOverrunMicros: 0 });
      expect(result.ledgerId).not.toBe(ledgerId);
      expect(second.part.guard.state()).toBe('ok');
      expect(await second.gauge()).toMatchObject({ ok: 1, lost: 0 });
      expect(await second.part.service.status('c-guard')).toMatchObject({
        budgetMicros: 2_000_000,
        spentMicros: 6_000,
        remainingMicros: 1_994_000,
        leasedMicros: 0,
      });
      expect(await second.part.service.status('c-idle')).toMatchObject({ remainingMicros: 500_000 });
      expect((await lease(second.part)).lease?.amountMicros).toBe(10_000);
      expect(await second.part.ready()).toEqual({ ok: true });
      // A second re-seed has nothing to do.
      expect((await reseed({ expectLedgerId: result.ledgerId, spentMicros: {}, reason: 'x' })).status).toBe(
        409,
      );
      await second.part.close();
      parts.pop();

      // 5. The re-seeded ledger is the catalog's ledger now: a restart trusts it.
      const third = await open();
      parts.push(third.part);
      expect(third.part.guard.state()).toBe('ok');
      expect(third.part.guard.ledgerId()).toBe(result.ledgerId);
      expect(await third.part.service.status('c-guard')).toMatchObject({
        spentMicros: 6_000,
        leasedMicros: 10_000,
      });

      // 6. Wiped under a running core (FLUSHALL, a failover to an empty node): the periodic check
      // sees it and grants stop.
      if (h.wipesLive) {
        await h.wipe();
        const until = Date.now() + 3_000;
        while (third.part.guard.state() === 'ok' && Date.now() < until)
          await new Promise((r) => setTimeout(r, 20));
        expect(third.part.guard.state()).toBe('lost');
        expect(await lease(third.part)).toMatchObject({ lease: null, reason: 'ledger_unverified' });
      }
    } finally {
      for (const p of parts) await p.close();
    }
  }, 30_000); // PGlite's migrations alone take seconds on a busy 2-core box
}
