// What the core tap learns from the traffic it passes, as pure functions over a plain
// accumulator: distinct events by type, DSP outcomes and auction results from auction events,
// lease grants from /v1/leases answers, and what each lease paid for from impression events.
// "Spent only money held in leases" is then checked per lease, for the whole run.
export interface TapLedger {
  /** Distinct event ids delivered, by type; tracker types also by bidder kind, e.g. "impression(campaign)". */
  eventsByType: Record<string, number>;
  dspOutcomes: Record<string, number>;
  noBidReasons: Record<string, number>;
  /** Deliveries including repeats of an id (retried batches, burl + pixel of one impression). */
  deliveries: number;
  /** Leases the core granted, by id. */
  leases: Record<string, { campaignId: string; amountMicros: number; grantedAt: number }>;
  /** Impression cost by lease id, from distinct impression events. */
  spentByLease: Record<string, number>;
  /** Own-campaign impressions that named no lease: money spent outside any lease. */
  campaignImpressionsWithoutLease: number;
  /** What own-campaign wins cost by lease id (impressionCost of the clearing price): what the edge's wallet spent. */
  wonByLease: Record<string, number>;
  seen: Set<string>;
}

export function emptyLedger(): TapLedger {
  return {
    eventsByType: {},
    dspOutcomes: {},
    noBidReasons: {},
    deliveries: 0,
    leases: {},
    spentByLease: {},
    campaignImpressionsWithoutLease: 0,
    wonByLease: {},
    seen: new Set(),
  };
}

interface WireEvent {
  type?: string;
  id?: string;
  auctionId?: string;
  bidderKind?: string;
  leaseId?: string;
  amountMicros?: number;
  noBidReason?: string;
  clearingCpmMicros?: number;
  lurl?: string;
  durationMs?: number;
  ts?: number;
  dsps?: Array<{ outcome?: string; reason?: string; latencyMs?: number }>;
}

/** What the edge measured for one auction: its slowest DSP call and its own handler time, ms. */
export interface AuctionTiming {
  slowestDspMs: number;
  durationMs: number;
  /** When the edge's handler started (its Date.now(), ms). */
  startedAtMs: number;
}

const bump = (m: Record<string, number>, k: string, by = 1) => {
  m[k] = (m[k] ?? 0) + by;
};

/**
 * Reads one POST /v1/events body the core accepted. Tolerant of bodies it does not understand.
 * onAuction gets each distinct auction event's timings (the overhead bench matches them to answers).
 */
export function recordEventBatch(
  l: TapLedger,
  body: string,
  onAuction?: (auctionId: string, t: AuctionTiming) => void,
): void {
  let events: WireEvent[];
  try {
    events = (JSON.parse(body) as { events?: WireEvent[] }).events ?? [];
  } catch {
    bump(l.eventsByType, 'unparsed');
    return;
  }
  l.deliveries += events.length;
  for (const e of events) {
    const t = e.type ?? 'unknown';
    const key = `${t}|${e.id ?? Math.random()}`;
    if (l.seen.has(key)) continue;
    l.seen.add(key);
    bump(l.eventsByType, t);
    if (t === 'impression' || t === 'click' || t === 'conversion' || t === 'loss')
      bump(l.eventsByType, `${t}(${e.bidderKind ?? '?'})`);
    // Loss events that carry a DSP's lurl: each is a loss notice the core owes that DSP.
    if (t === 'loss' && e.lurl) bump(l.eventsByType, 'loss(lurl)');
    if (t === 'auction') {
      for (const d of e.dsps ?? [])
        bump(l.dspOutcomes, d.reason && d.outcome !== 'bid' ? `${d.outcome}:${d.reason}` : String(d.outcome));
      bump(l.noBidReasons, e.noBidReason ?? 'sold');
      if (onAuction && typeof e.auctionId === 'string') {
        let slowestDspMs = 0;
        for (const d of e.dsps ?? [])
          if (typeof d.latencyMs === 'number' && d.latencyMs > slowestDspMs) slowestDspMs = d.latencyMs;
        onAuction(e.auctionId, {
          slowestDspMs,
          durationMs: Number(e.durationMs ?? Number.NaN),
          startedAtMs: Number(e.ts ?? Number.NaN),
        });
      }
    }
    // The wallet spends at the win (not at the impression pixel, which a user may never fire).
    if (t === 'win' && e.leaseId)
      bump(l.wonByLease, e.leaseId, Math.ceil(Number(e.clearingCpmMicros ?? 0) / 1000));
    if (t === 'impression' && e.bidderKind === 'campaign') {
      if (e.leaseId) bump(l.spentByLease, e.leaseId, Number(e.amountMicros ?? 0));
      else l.campaignImpressionsWithoutLease++;
    }
  }
}

/** Reads one POST /v1/leases answer (LeaseResponse); denials carry no lease. */
export function recordLeaseGrant(l: TapLedger, body: string, at: number): void {
  try {
    const r = JSON.parse(body) as {
      lease?: { id?: string; campaignId?: string; amountMicros?: number } | null;
    };
    if (r.lease?.id) {
      l.leases[r.lease.id] = {
        campaignId: r.lease.campaignId ?? '?',
        amountMicros: Number(r.lease.amountMicros ?? 0),
        grantedAt: at,
      };
    }
  } catch {
    // not a lease answer
  }
}

/** Leases whose impressions cost more than they held, or spend on leases never granted. */
export function leaseOverruns(
  l: TapLedger,
): Array<{ leaseId: string; spentMicros: number; amountMicros: number | undefined }> {
  const out = [];
  for (const [leaseId, spentMicros] of Object.entries(l.spentByLease)) {
    const amountMicros = l.leases[leaseId]?.amountMicros;
    if (amountMicros === undefined || spentMicros > amountMicros)
      out.push({ leaseId, spentMicros, amountMicros });
  }
  return out;
}
