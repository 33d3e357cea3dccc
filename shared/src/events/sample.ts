// Deterministic sample events for tests, the benchmark and the demo: one auction with its
// DSP outcomes, bids, a win, losses and an impression, ids derived as eventId() says.
import type {
  AuctionEvent,
  BidEvent,
  LeaseEvent,
  LossEvent,
  RtbEvent,
  TrackerEvent,
  WinEvent,
} from '../events.ts';
import { eventId } from '../events.ts';
import { impressionCost } from '../money.ts';

export interface SampleOptions {
  ts?: number;
  dsps?: number;
  campaignId?: string;
  leaseId?: string;
  /** No bids at all: the auction carries a no-bid reason. */
  noBid?: boolean;
}

/** Events of one auction `n` (same n -> same ids and values). */
export function sampleAuction(n: number, o: SampleOptions = {}): RtbEvent[] {
  const ts = o.ts ?? 1_764_000_000_000 + n;
  const auctionId = `a${n}`;
  const dspCount = o.dsps ?? 3;
  const base = { v: 1 as const, ts, auctionId, pop: 'fra' };
  const dsps = Array.from({ length: dspCount }, (_, i) => {
    const outcome = o.noBid ? 'nobid' : i === dspCount - 1 && n % 7 === 0 ? 'timeout' : 'bid';
    return {
      dspId: `dsp${i}`,
      latencyMs: 5 + ((n * 13 + i * 7) % 90),
      outcome,
      bids: outcome === 'bid' ? 1 : 0,
    } as const;
  });
  const auction: AuctionEvent = {
    ...base,
    id: eventId(auctionId, 'auction'),
    type: 'auction',
    sspId: `ssp${n % 3}`,
    impCount: 1,
    formats: ['banner'],
    country: 'DE',
    tmaxMs: 120,
    durationMs: 20 + (n % 50),
    dsps: dsps.map((d) => ({ ...d })),
    privacy: { gdpr: true, consent: true, coppa: false, usOptOut: false },
    ...(o.noBid ? { noBidReason: 'no_bids' } : {}),
  };
  if (o.noBid) return [auction];
  const bidders = dsps.filter((d) => d.outcome === 'bid');
  const bids: BidEvent[] = bidders.map((d, i) => ({
    ...base,
    id: eventId(auctionId, 'bid', `b${i}`),
    type: 'bid',
    impId: '1',
    bidId: `b${i}`,
    bidderKind: i === 0 ? 'campaign' : 'dsp',
    bidderId: i === 0 ? (o.campaignId ?? `c${n % 5}`) : d.dspId,
    crid: `cr${i}`,
    // own campaigns win every other auction, so spend appears in reports
    priceCpmMicros: 1_000_000 + ((n * 31 + i * 17) % 4000) * 1000 + (i === 0 && n % 2 === 0 ? 5_000_000 : 0),
    status: 'accepted',
  }));
  const winner = bids.reduce((a, b) => (b.priceCpmMicros > a.priceCpmMicros ? b : a));
  const win: WinEvent = {
    ...base,
    id: eventId(auctionId, 'win', '1'),
    type: 'win',
    impId: '1',
    bidId: winner.bidId,
    bidderKind: winner.bidderKind,
    bidderId: winner.bidderId,
    ...(winner.bidderKind === 'campaign'
      ? { campaignId: winner.bidderId, leaseId: o.leaseId ?? `L-${winner.bidderId}` }
      : {}),
    crid: winner.crid,
    clearingCpmMicros: winner.priceCpmMicros,
    bidCpmMicros: winner.priceCpmMicros,
    takeRateBps: 1000,
  };
  const losses: LossEvent[] = bids
    .filter((b) => b !== winner)
    .map((b) => ({
      ...base,
      id: eventId(auctionId, 'loss', b.bidId),
      type: 'loss',
      impId: '1',
      bidId: b.bidId,
      bidderKind: b.bidderKind,
      bidderId: b.bidderId,
      reason: 'lost_to_higher_bid',
      winningCpmMicros: winner.priceCpmMicros,
    }));
  const imp: TrackerEvent<'impression'> = {
    ...base,
    ts: ts + 50,
    id: eventId(auctionId, 'impression', '1'),
    type: 'impression',
    impId: '1',
    bidId: winner.bidId,
    bidderKind: winner.bidderKind,
    bidderId: winner.bidderId,
    ...(win.campaignId ? { campaignId: win.campaignId } : {}),
    ...(win.leaseId ? { leaseId: win.leaseId } : {}),
    amountMicros: impressionCost(winner.priceCpmMicros),
  };
  return [auction, ...bids, win, ...losses, imp];
}

/** A lease event (lease events use the lease id as auctionId so one lease stays in order). */
export function sampleLease(
  leaseId: string,
  campaignId: string,
  action: LeaseEvent['action'],
  amountMicros: number,
  spentMicros?: number,
  ts = 1_764_000_000_000,
): LeaseEvent {
  return {
    v: 1,
    id: eventId(leaseId, 'lease', action),
    type: 'lease',
    ts,
    auctionId: leaseId,
    campaignId,
    leaseId,
    action,
    amountMicros,
    ...(spentMicros === undefined ? {} : { spentMicros }),
  };
}
