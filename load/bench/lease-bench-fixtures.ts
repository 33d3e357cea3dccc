// What the lease-grant benchmarks share: budgets that never run out (they measure grants, not
// denials) and the ledger grant they repeat.
import type { CampaignBudget } from '@edge-rtb/regional-core/budget/campaign-budget';
import type { GrantInput } from '@edge-rtb/regional-core/budget/ledger';

export const BENCH_CAMPAIGNS = 100;

export const benchBudgets = (now: number): CampaignBudget[] =>
  Array.from({ length: BENCH_CAMPAIGNS }, (_, i) => ({
    campaignId: `bench-${i}`,
    status: 'active',
    totalBudgetMicros: 1e15,
    dailyBudgetMicros: null,
    startAt: now - 86_400_000,
    endAt: now + 30 * 86_400_000,
    timeZone: 'UTC',
    pacing: 'asap',
  }));

/** The n-th grant: 1,000 micros for campaign n mod BENCH_CAMPAIGNS, no caps, optionally keyed. */
export function benchGrant(n: number, idempotencyKey?: string): GrantInput {
  const t = Date.now();
  return {
    campaignId: `bench-${n % BENCH_CAMPAIGNS}`,
    leaseId: `b${n}`,
    holder: 'bench',
    requestedMicros: 1_000,
    now: t,
    expiresAt: t + 60_000,
    day: '2026-11-25',
    dailyCapMicros: null,
    committedCapMicros: null,
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  };
}
