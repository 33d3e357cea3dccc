// Change propagation: the budget feed, a second replica, and the idempotent seed.

import { describe, expect, it } from 'vitest';
import type { CampaignBudget } from '../../budget/campaign-budget.ts';
import { seedCatalog } from '../seed.ts';
import { caller, campaignBody, EDGE, eventually, startPart } from '../testing.ts';
import type { SuiteState } from './state.ts';

export function feedCases(s: SuiteState): void {
  describe('budget feed', () => {
    it('lists budgets and pushes a committed budget change', async () => {
      const seen: CampaignBudget[] = [];
      const off = s.part.budgets.onBudgetChange((b) => seen.push(b));
      const list = await s.part.budgets.listBudgets();
      expect(list.find((b) => b.campaignId === 'acme-1')).toMatchObject({
        totalBudgetMicros: 1_000_000_000,
        timeZone: 'America/New_York',
        pacing: 'even',
        startAt: Date.parse('2026-01-01T00:00:00Z'),
      });
      await s.call('PATCH', '/v1/admin/campaigns/acme-1', { body: { totalBudgetMicros: 2_000_000_000 } });
      await eventually(() =>
        seen.some((b) => b.campaignId === 'acme-1' && b.totalBudgetMicros === 2_000_000_000),
      );
      await s.call('PATCH', '/v1/admin/advertisers/globex', { body: { status: 'paused' } });
      await eventually(() => seen.some((b) => b.campaignId === 'globex-1' && b.status === 'paused'));
      off();
    });
    it('delivers a deleted campaign once more as paused, so it stops spending', async () => {
      const seen: CampaignBudget[] = [];
      const off = s.part.budgets.onBudgetChange((b) => seen.push(b));
      const made = await s.call('POST', '/v1/admin/campaigns', {
        token: s.acmeToken,
        body: campaignBody('acme', { id: 'acme-gone' }),
      });
      expect(made.status).toBe(201);
      await eventually(() => seen.some((b) => b.campaignId === 'acme-gone' && b.status === 'active'));
      expect((await s.call('DELETE', '/v1/admin/campaigns/acme-gone', { token: s.acmeToken })).status).toBe(
        204,
      );
      await eventually(() => seen.at(-1)?.campaignId === 'acme-gone' && seen.at(-1)?.status === 'paused');
      off();
    });
  });

  describe('several replicas', () => {
    it('a second replica sees a change made through the first within seconds', async () => {
      const peerHandle = await s.driver.openPeer(s.handle);
      const peer = await startPart(peerHandle, { migrate: false, pollMs: s.driver.peerPollMs ?? 50 });
      try {
        const peerCall = caller(peer.routes!);
        const before = await peerCall('GET', '/v1/snapshot', { token: EDGE });
        await s.call('PATCH', '/v1/admin/ssps/ssp-a', { body: { takeRateBps: 1700 } });
        const budgetSeen: CampaignBudget[] = [];
        peer.budgets.onBudgetChange((b) => budgetSeen.push(b));
        await eventually(async () => {
          const r = await peerCall('GET', '/v1/snapshot', {
            token: EDGE,
            headers: { 'if-none-match': before.headers.get('etag')! },
          });
          return (
            r.status === 200 &&
            r.body.ssps.some(
              (s: { id: string; takeRateBps: number }) => s.id === 'ssp-a' && s.takeRateBps === 1700,
            )
          );
        });
        await s.call('PATCH', '/v1/admin/campaigns/acme-1', { body: { dailyBudgetMicros: 60_000_000 } });
        await eventually(() =>
          budgetSeen.some((b) => b.campaignId === 'acme-1' && b.dailyBudgetMicros === 60_000_000),
        );
      } finally {
        await peer.close();
        if (peerHandle !== s.handle) await peerHandle.close();
      }
    });
  });

  describe('seed', () => {
    it('is idempotent: a second run creates nothing and keeps the version', async () => {
      const first = await seedCatalog(s.part.store);
      expect(first.created).toBeGreaterThan(10);
      const second = await seedCatalog(s.part.store);
      expect(second).toEqual({ created: 0, version: first.version });
      const dsps = await s.call('GET', '/v1/admin/dsps?limit=500');
      expect(dsps.body.items.filter((d: { id: string }) => /^dsp-\d$/.test(d.id))).toHaveLength(5);
    });
  });
}
