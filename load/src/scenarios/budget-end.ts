// Budget end: the three own campaigns get small ASAP budgets at the start of the load, so
// each runs out during the run with demand still there (the lowest bidder, initech, may not
// when healthy DSPs outbid it: then only what lease mechanics lost is held against it, see
// underDeliveryUnder1Pct). Money is checked twice: nothing
// beyond a budget (the ledger, the wins and the impressions), and little left unbought:
// budget minus the cost of the campaign's impressions under 1% of the budget once the run has
// settled (stricter than the wins the wallet spends at: a win whose pixel never fired counts as
// unbought too). Money still parked in leases at the end,
// or counted as spent by the expiry sweep without a win behind it, counts as under-delivery:
// it is what lease sizing near the end of a budget is meant to keep small
// (shared/src/pacing/lease-size.ts).
import type { Invariant } from '../invariants.ts';
import { STANDARD } from '../invariants.ts';
import { DEV_ADMIN_TOKEN } from '../stack.ts';
import { fleet } from './baseline.ts';
import type { Scenario } from './types.ts';

/** Micros per campaign: a few units, gone in tens of seconds at 150 req/s (globex bids highest). */
export const BUDGET_END_BUDGETS: Record<string, number> = {
  'cmp-globex-banner': 3_000_000,
  'cmp-acme-banner': 2_000_000,
  'cmp-initech-banner': 1_500_000,
};

/** The aim of issue #4: under 1% of the budget left unbought at budget end. */
export const UNDER_DELIVERY_MAX_SHARE = 0.01;

export const overspendZero: Invariant = (f) => {
  const sold = f.leases?.wonByCampaign;
  const shown = f.leases?.spentByCampaign ?? {};
  if (!f.spend || !sold)
    return { name: 'overspend exactly 0', ok: false, detail: 'ledger or impression spend unavailable' };
  const over: string[] = [];
  for (const [id, budget] of Object.entries(BUDGET_END_BUDGETS)) {
    const ledger = f.spend.find((c) => c.campaignId === id);
    const wins = sold[id] ?? 0;
    if (!ledger) over.push(`${id}: not in the ledger`);
    else if (ledger.budgetMicros !== budget)
      over.push(`${id}: budget ${ledger.budgetMicros}, expected ${budget}`);
    else if (ledger.spentMicros > budget) over.push(`${id}: ledger spent ${ledger.spentMicros} > ${budget}`);
    if (wins > budget) over.push(`${id}: wins cost ${wins} > ${budget}`);
    if ((shown[id] ?? 0) > budget) over.push(`${id}: impressions cost ${shown[id]} > ${budget}`);
  }
  return {
    name: 'overspend exactly 0',
    ok: over.length === 0,
    detail: over.length
      ? over.join('; ')
      : Object.keys(BUDGET_END_BUDGETS)
          .map((id) => `${id} sold ${sold[id] ?? 0} of ${BUDGET_END_BUDGETS[id]}`)
          .join(', '),
  };
};

/**
 * Under-delivery is judged where a budget ended. A campaign whose bids won too little to spend
 * its budget in the run (money still available in the ledger: initech, the lowest bidder, when
 * the DSPs are healthy and outbid it) did not reach its budget end. Its live lease is still in
 * use then, so only what the ledger counts spent with no impression behind it (a lease the expiry
 * sweep took, a win whose pixel never fired) is held against it. At least one campaign must reach
 * its end, or the run tested nothing.
 */
export const underDeliveryUnder1Pct: Invariant = (f) => {
  const name = 'under-delivery at budget end < 1%';
  const sold = f.leases?.spentByCampaign;
  if (!sold) return { name, ok: false, detail: 'impression spend unavailable' };
  const rows = Object.entries(BUDGET_END_BUDGETS).map(([id, budget]) => {
    const left = budget - (sold[id] ?? 0);
    const ledger = f.spend?.find((c) => c.campaignId === id);
    const available = ledger?.availableMicros ?? 0;
    const ended = available < budget * UNDER_DELIVERY_MAX_SHARE;
    // Spent by the ledger's count with no impression: never negative (a live lease's wins are
    // impressions before they are settled spend).
    const lost = ended ? left : Math.max(0, left - available - (ledger?.leasedMicros ?? 0));
    return { id, budget, left, available, ended, lost, share: lost / budget };
  });
  const bad = rows.filter((r) => r.share >= UNDER_DELIVERY_MAX_SHARE);
  const ended = rows.filter((r) => r.ended).length;
  const pct = (x: number) => `${(x * 100).toFixed(3)}%`;
  return {
    name,
    ok: bad.length === 0 && ended > 0,
    detail: [
      ...rows.map((r) =>
        r.ended
          ? `${r.id} ${r.left} of ${r.budget} unbought (${pct(r.share)})`
          : `${r.id} did not run out (${r.available} still available: its bids won too little), ${r.lost} of ${r.budget} spent with no impression (${pct(r.share)})`,
      ),
      ...(ended === 0 ? ['no budget ran out: the run did not test budget end'] : []),
    ].join(', '),
  };
};

async function setSmallBudgets(coreUrl: string): Promise<void> {
  for (const [id, totalBudgetMicros] of Object.entries(BUDGET_END_BUDGETS)) {
    const r = await fetch(`${coreUrl}/v1/admin/campaigns/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      // ASAP and no daily cap: only the budget stops the campaign, so it really runs out.
      body: JSON.stringify({ totalBudgetMicros, dailyBudgetMicros: null, pacing: 'asap' }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!r.ok) throw new Error(`PATCH campaign ${id} -> HTTP ${r.status}: ${await r.text()}`);
  }
}

export const budgetEnd: Scenario = {
  name: 'budget-end',
  description:
    'The 3 own campaigns get small ASAP budgets (3, 2 and 1.5 units) at t=0 and run out during 120 s of baseline traffic at 150 req/s; overspend must be exactly 0 and under-delivery under 1% of each budget.',
  durationS: 120,
  qps: 150,
  tmaxMs: 200,
  mode: 'single-node',
  dsps: fleet,
  users: true,
  settleS: 15,
  invariants: [...STANDARD, overspendZero, underDeliveryUnder1Pct],
  steps: [{ atS: 0, label: 'small budgets', run: (ctx) => setSmallBudgets(ctx.stack.coreUrl) }],
};

/** The same on the cluster backends: the Redis ledger (Lua grants), PostgreSQL catalog, Kafka and ClickHouse. */
export const budgetEndCluster: Scenario = {
  ...budgetEnd,
  name: 'budget-end-cluster',
  description: `${budgetEnd.description} Cluster mode: Redis ledger, PostgreSQL catalog, Kafka, ClickHouse.`,
  mode: 'cluster',
  services: ['postgres', 'redis', 'kafka', 'clickhouse'],
  settleS: 20,
};
