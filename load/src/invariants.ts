// The invariants a scenario must keep, as pure functions of what the run observed. Each
// returns a verdict with a message that says what broke and by how much, so a failed chaos
// run explains itself. The harness exits non-zero when any verdict is not ok.
import type { LatencySummary } from './percentiles.ts';

export interface CampaignSpend {
  campaignId: string;
  budgetMicros: number;
  spentMicros: number;
  /** Money still out in leases at the end: not spent, not available: the under-delivery risk. */
  leasedMicros?: number;
  /**
   * Money the ledger still holds for new leases at the end: the campaign's budget did not run
   * out (its bids did not win that much), as opposed to money lost to lease mechanics.
   */
  availableMicros?: number;
}

export interface RunFacts {
  tmaxMs: number;
  /** Answer counts by request kind and status ("-1" timeout, "-2" dropped, "0" connection error). */
  statuses: Record<'valid' | 'bot' | 'malformed', Record<string, number>>;
  validLatency: LatencySummary;
  /** Answers with at least one bid, by request kind. */
  filled: Record<'valid' | 'bot' | 'malformed', number>;
  /** Campaign spend as the core's ledger reports it; undefined when the core could not be asked. */
  spend: CampaignSpend[] | undefined;
  /** Events the simulators caused, and what the core's reporting counted, by type. */
  events: { sent: Record<string, number>; landed: Record<string, number> | undefined };
  /** Requests DSPs received that should have been scrubbed or filtered. */
  leaks: Record<string, number>;
  /** Trackers the simulated users had accepted by the edge, by event type (impression, click, conversion). */
  trackers?: Record<string, number> | undefined;
  /** Tracker and notice calls the simulated users made, and why those that failed failed. */
  trackerCalls?: { sent: number; failed: number; failures: Record<string, number> } | undefined;
  /** Billing notices the edge accepted for DSP-won ads, and billing notices the DSPs received. */
  dspBilling?: { accepted: number; received: number } | undefined;
  /** Leases seen granted, those whose impressions cost more than they held (or were never granted), and own-campaign impressions that named no lease. */
  leases?:
    | {
        granted: number;
        overruns: Array<{ leaseId: string; spentMicros: number; amountMicros: number | undefined }>;
        withoutLease: number;
        /** Impression cost per own campaign, from the impression events naming its leases (budget-end). */
        spentByCampaign?: Record<string, number>;
        /** What own campaigns' wins cost per campaign (the wallet spends at the win): budget-end. */
        wonByCampaign?: Record<string, number>;
      }
    | undefined;
}

export interface Verdict {
  name: string;
  ok: boolean;
  detail: string;
}

export type Invariant = (f: RunFacts) => Verdict;

const count = (m: Record<string, number>, pred: (status: number) => boolean) =>
  Object.entries(m).reduce((n, [s, c]) => (pred(Number(s)) ? n + c : n), 0);

export const noOverspend: Invariant = (f) => {
  if (!f.spend)
    return { name: 'no overspend', ok: false, detail: 'campaign spend unavailable from the core' };
  const over = f.spend.filter((c) => c.spentMicros > c.budgetMicros);
  return {
    name: 'no overspend',
    ok: over.length === 0,
    detail: over.length
      ? over.map((c) => `${c.campaignId} spent ${c.spentMicros} > budget ${c.budgetMicros} micros`).join('; ')
      : `${f.spend.length} campaigns within budget`,
  };
};

export const noLostEvents: Invariant = (f) => {
  const { sent, landed } = f.events;
  if (!landed)
    return { name: 'no lost event', ok: false, detail: 'landed event counts unavailable from the core' };
  const problems: string[] = [];
  // Only types the store reports on are compared (lease events have no report).
  for (const [type, n] of Object.entries(sent).filter(([t]) => t in landed)) {
    const got = landed[type] ?? 0;
    if (got < n) problems.push(`${type}: ${n - got} of ${n} lost`);
    if (got > n) problems.push(`${type}: ${got - n} duplicates (${got} landed, ${n} sent)`);
  }
  return {
    name: 'no lost event',
    ok: problems.length === 0,
    detail: problems.length
      ? problems.join('; ')
      : `all ${Object.values(sent).reduce((a, b) => a + b, 0)} events landed once`,
  };
};

export const no5xx: Invariant = (f) => {
  const all = [f.statuses.valid, f.statuses.bot, f.statuses.malformed];
  const fivexx = all.reduce((n, m) => n + count(m, (s) => s >= 500), 0);
  const refused = all.reduce((n, m) => n + count(m, (s) => s === 0), 0);
  return {
    name: 'no 5xx to SSPs',
    ok: fivexx === 0 && refused === 0,
    detail: `${fivexx} 5xx answers, ${refused} connection errors`,
  };
};

export const p99WithinTmax: Invariant = (f) => {
  const p99 = f.validLatency.p99;
  const timeouts = count(f.statuses.valid, (s) => s === -1);
  const ok = Number.isFinite(p99) && p99 <= f.tmaxMs && timeouts === 0;
  return {
    name: 'P99 within tmax',
    ok,
    detail: Number.isFinite(p99)
      ? `P99 ${p99.toFixed(1)} ms vs tmax ${f.tmaxMs} ms; ${timeouts} client timeouts`
      : 'no valid request was answered',
  };
};

export const badInputIs4xx: Invariant = (f) => {
  const m = f.statuses.malformed;
  const total = Object.values(m).reduce((a, b) => a + b, 0);
  const fourxx = count(m, (s) => s >= 400 && s < 500);
  return {
    name: 'malformed requests get 4xx',
    ok: fourxx === total,
    detail: `${fourxx} of ${total} malformed requests answered 4xx`,
  };
};

export const loadGeneratorKeptUp: Invariant = (f) => {
  const dropped = ['valid', 'bot', 'malformed'].reduce(
    (n, k) => n + count(f.statuses[k as keyof RunFacts['statuses']], (s) => s === -2),
    0,
  );
  return {
    name: 'every scheduled request was sent',
    ok: dropped === 0,
    detail: dropped
      ? `${dropped} requests dropped at the in-flight bound: the run is not open-loop any more`
      : 'none dropped',
  };
};

export const botsNotSold: Invariant = (f) => {
  const sold = f.filled.bot;
  const total = Object.values(f.statuses.bot).reduce((a, b) => a + b, 0);
  return {
    name: 'invalid traffic not sold',
    ok: sold === 0,
    detail: `${sold} of ${total} bot requests (crawler user agents, data-centre IPs) were answered with bids`,
  };
};

export const noPrivacyLeaks: Invariant = (f) => {
  const bad = Object.entries(f.leaks).filter(([, n]) => n > 0);
  return {
    name: 'privacy and IVT filtering held',
    ok: bad.length === 0,
    detail: bad.length
      ? bad.map(([k, n]) => `${k}: ${n}`).join(', ')
      : 'no scrubbed field or bot reached a DSP',
  };
};

export const spentWithinLeases: Invariant = (f) => {
  if (!f.leases)
    return { name: 'own campaigns spent only leased money', ok: false, detail: 'no lease figures recorded' };
  const { granted, overruns, withoutLease } = f.leases;
  const bad = overruns.map((o) =>
    o.amountMicros === undefined
      ? `${o.leaseId}: ${o.spentMicros} micros on a lease never granted`
      : `${o.leaseId}: spent ${o.spentMicros} > leased ${o.amountMicros} micros`,
  );
  if (withoutLease > 0) bad.push(`${withoutLease} own-campaign impressions named no lease`);
  return {
    name: 'own campaigns spent only leased money',
    ok: bad.length === 0,
    detail: bad.length ? bad.slice(0, 5).join('; ') : `${granted} leases granted, none overspent`,
  };
};

export const trackersBecameEvents: Invariant = (f) => {
  if (!f.trackers) return { name: 'accepted trackers became events', ok: true, detail: 'no users simulated' };
  const short = Object.entries(f.trackers)
    .filter(([type, n]) => (f.events.sent[type] ?? 0) < n)
    .map(([type, n]) => `${type}: ${n} accepted, ${f.events.sent[type] ?? 0} events delivered to the core`);
  return {
    name: 'accepted trackers became events',
    ok: short.length === 0,
    detail: short.length ? short.join('; ') : `${JSON.stringify(f.trackers)} all delivered to the core`,
  };
};

export const trackersAccepted: Invariant = (f) => {
  if (!f.trackerCalls)
    return { name: 'the edge accepted every genuine tracker', ok: true, detail: 'no users simulated' };
  const { sent, failed, failures } = f.trackerCalls;
  return {
    name: 'the edge accepted every genuine tracker',
    ok: failed === 0,
    detail: failed
      ? `${failed} of ${sent} tracker calls failed: ${JSON.stringify(failures)}`
      : `${sent} tracker calls accepted`,
  };
};

export const dspsBilled: Invariant = (f) => {
  if (!f.dspBilling)
    return { name: 'DSPs got their billing notices', ok: true, detail: 'no users simulated' };
  const { accepted, received } = f.dspBilling;
  return {
    name: 'DSPs got their billing notices',
    ok: received >= accepted,
    detail: `${accepted} billing notices accepted for DSP-won ads, ${received} reached the DSPs' burl`,
  };
};

/** Every request the edge answered with an auction outcome (200/204) must leave an auction event. */
export const auctionsRecorded: Invariant = (f) => {
  const answered = (['valid', 'bot'] as const).reduce(
    (n, k) => n + (f.statuses[k][200] ?? 0) + (f.statuses[k][204] ?? 0),
    0,
  );
  const recorded = f.events.sent.auction ?? 0;
  return {
    name: 'every auction answered became an auction event',
    ok: recorded >= answered,
    detail: `${answered} auctions answered, ${recorded} auction events delivered to the core${
      recorded < answered ? ` (${answered - recorded} missing)` : ''
    }`,
  };
};

export const STANDARD: Invariant[] = [
  no5xx,
  p99WithinTmax,
  noOverspend,
  spentWithinLeases,
  noLostEvents,
  auctionsRecorded,
  trackersBecameEvents,
  trackersAccepted,
  dspsBilled,
  badInputIs4xx,
  loadGeneratorKeptUp,
  noPrivacyLeaks,
  botsNotSold,
];

export function evaluate(facts: RunFacts, invariants: Invariant[]): { ok: boolean; verdicts: Verdict[] } {
  const verdicts = invariants.map((inv) => {
    try {
      return inv(facts);
    } catch (err) {
      return { name: inv.name || 'invariant', ok: false, detail: `check threw: ${String(err)}` };
    }
  });
  return { ok: verdicts.every((v) => v.ok), verdicts };
}

/** The process exit code for a run: 0 only when every invariant held. */
export function exitCode(verdicts: Verdict[]): number {
  return verdicts.every((v) => v.ok) ? 0 : 1;
}
