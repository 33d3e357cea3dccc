// Turns what a run observed (the SSP and user simulators, the DSP fleet, the core tap, the
// core's budgets and reports) into the facts the invariants judge. Pure, so the mapping from
// observations to verdict inputs is tested apart from any server.
import type { TapCounts } from './core-tap.ts';
import type { DspStats } from './dsp-fleet.ts';
import type { CampaignSpend, RunFacts } from './invariants.ts';
import type { PhaseResult } from './load-phase.ts';
import { summarize } from './percentiles.ts';
import { leaseOverruns } from './tap-ledger.ts';

/** Per-key difference of two cumulative counters (after minus before). */
export function diffCounts(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}

export function gatherFacts(o: {
  tmaxMs: number;
  phase: Pick<PhaseResult, 'ssp' | 'users'>;
  tapBefore: TapCounts;
  tapAfter: TapCounts;
  dsps: DspStats[];
  spend: CampaignSpend[] | undefined;
  landed: Record<string, number> | undefined;
  extra?: Partial<RunFacts>;
}): RunFacts {
  const { ssp, users } = o.phase;
  const leaks: Record<string, number> = {};
  for (const d of o.dsps) for (const [k, n] of Object.entries(d.leaks)) leaks[k] = (leaks[k] ?? 0) + n;
  const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
  return {
    tmaxMs: o.tmaxMs,
    statuses: ssp.statuses,
    validLatency: summarize(ssp.validLatencies),
    filled: ssp.filled,
    spend: o.spend,
    events: { sent: diffCounts(o.tapBefore.eventsByType, o.tapAfter.eventsByType), landed: o.landed },
    leaks,
    leases: {
      granted: Object.keys(o.tapAfter.leases).length,
      overruns: leaseOverruns({ ...o.tapAfter, seen: new Set() }),
      withoutLease: o.tapAfter.campaignImpressionsWithoutLease,
      spentByCampaign: spentByCampaign(o.tapAfter.leases, o.tapAfter.spentByLease),
      wonByCampaign: spentByCampaign(o.tapAfter.leases, o.tapAfter.wonByLease),
    },
    dspBilling: users
      ? { accepted: users.dspBillingAccepted, received: o.dsps.reduce((n, d) => n + d.notices.bill, 0) }
      : undefined,
    trackerCalls: users
      ? { sent: sum(users.sent), failed: sum(users.failed), failures: users.failures }
      : undefined,
    trackers: users
      ? { impression: users.impressionsCounted, click: users.ok.click, conversion: users.ok.conversion }
      : undefined,
    ...o.extra,
  };
}

/** Micros per own campaign from micros per lease, via the campaign each lease was granted for. */
export function spentByCampaign(
  leases: TapCounts['leases'],
  byLease: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [leaseId, micros] of Object.entries(byLease)) {
    const c = leases[leaseId]?.campaignId ?? '(lease not seen granted)';
    out[c] = (out[c] ?? 0) + micros;
  }
  return out;
}
