import { describe, expect, it } from 'vitest';
import type { RunFacts } from '../invariants.ts';
import { BUDGET_END_BUDGETS, overspendZero, underDeliveryUnder1Pct } from './budget-end.ts';

const ids = Object.keys(BUDGET_END_BUDGETS);
const facts = (sold: number[], ledgerSpent = sold): RunFacts =>
  ({
    spend: ids.map((id, i) => ({
      campaignId: id,
      budgetMicros: BUDGET_END_BUDGETS[id]!,
      spentMicros: ledgerSpent[i]!,
      // What the ledger neither spent nor leased is still available to lease.
      availableMicros: BUDGET_END_BUDGETS[id]! - ledgerSpent[i]!,
    })),
    leases: {
      granted: 3,
      overruns: [],
      withoutLease: 0,
      wonByCampaign: Object.fromEntries(ids.map((id, i) => [id, sold[i]!])),
      spentByCampaign: Object.fromEntries(ids.map((id, i) => [id, sold[i]!])),
    },
  }) as unknown as RunFacts;

const budgets = ids.map((id) => BUDGET_END_BUDGETS[id]!);

describe('budget-end invariants', () => {
  it('pass when every budget is bought to within 1% and never beyond', () => {
    const sold = budgets.map((b) => Math.ceil(b * 0.995));
    expect(overspendZero(facts(sold)).ok).toBe(true);
    expect(underDeliveryUnder1Pct(facts(sold)).ok).toBe(true);
  });

  it('fail on one micro of overspend, in the ledger or in impressions', () => {
    const sold = budgets.map((b, i) => (i === 1 ? b + 1 : b));
    const v = overspendZero(facts(sold));
    expect(v.ok).toBe(false);
    expect(v.detail).toContain(`wins cost ${budgets[1]! + 1}`);
    expect(
      overspendZero(
        facts(
          budgets,
          budgets.map((b) => b + 1),
        ),
      ).ok,
    ).toBe(false);
  });

  it('fail when 1% or more of a budget is left unbought, and say how much', () => {
    // The ledger counts it all spent (swept leases, wins with no impression): nothing available.
    const sold = budgets.map((b, i) => (i === 2 ? b * 0.99 : b));
    const v = underDeliveryUnder1Pct(facts(sold, budgets));
    expect(v.ok).toBe(false);
    expect(v.detail).toContain('(1.000%)');
  });

  it('hold a campaign that did not run out only to what lease mechanics lost', () => {
    // initech won too little to spend its budget: 60% of it still available in the ledger.
    const b = budgets[2]!;
    const sold = budgets.map((x, i) => (i === 2 ? b * 0.4 : x));
    const ok = underDeliveryUnder1Pct(facts(sold));
    expect(ok.ok).toBe(true);
    expect(ok.detail).toContain(`cmp-initech-banner did not run out (${b * 0.6} still available`);
    // A live lease is money in use, not lost.
    const live = facts(sold, sold);
    live.spend![2]!.availableMicros = b * 0.5;
    live.spend![2]!.leasedMicros = b * 0.1;
    expect(underDeliveryUnder1Pct(live).ok).toBe(true);
    // 2% of the budget counted spent by the ledger (swept) with no impression: lost.
    const ledgerSpent = budgets.map((x, i) => (i === 2 ? b * 0.42 : x));
    const lost = underDeliveryUnder1Pct(facts(sold, ledgerSpent));
    expect(lost.ok).toBe(false);
    expect(lost.detail).toContain(`${b * 0.02} of ${b} spent with no impression (2.000%)`);
  });

  it('fail when no budget ran out: the run tested nothing', () => {
    const sold = budgets.map((x) => x * 0.5);
    const v = underDeliveryUnder1Pct(facts(sold));
    expect(v.ok).toBe(false);
    expect(v.detail).toContain('no budget ran out');
  });
});
