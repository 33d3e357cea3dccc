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
    const sold = budgets.map((b, i) => (i === 2 ? b * 0.99 : b));
    const v = underDeliveryUnder1Pct(facts(sold));
    expect(v.ok).toBe(false);
    expect(v.detail).toContain('(1.000%)');
  });
});
