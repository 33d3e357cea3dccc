// Turns one auction's facts into the v1 events of shared/src/events.ts: the request summary with
// each DSP's latency and outcome, every bid (accepted or rejected, and why), the winner of each
// imp and the losers. Ids are stable (eventId), so a retried batch deduplicates downstream.

import type { AuctionOutcome, CandidateBid, Winner } from '@edge-rtb/shared/auction/types';
import {
  type AuctionEvent,
  type BidEvent,
  type DspOutcome,
  eventId,
  type LossEvent,
  type RtbEvent,
  type WinEvent,
} from '@edge-rtb/shared/events';
import { cpmToMicros } from '@edge-rtb/shared/money';
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import type { OwnBid } from '../campaigns/own-bidder.ts';
import { countryOf, formatsOf } from '../policy/eligibility.ts';

export interface AuctionFacts {
  auctionId: string;
  ts: number;
  pop?: string;
  sspId: string;
  request: BidRequest;
  tmaxMs: number;
  durationMs: number;
  noBidReason?: string;
  dsps: DspOutcome[];
  privacy: AuctionEvent['privacy'];
  /** Candidates that reached the auction. */
  accepted: CandidateBid[];
  own: ReadonlyMap<unknown, OwnBid>;
  rejected: Array<{
    bidderKind: 'dsp' | 'campaign';
    bidderId: string;
    impId: string;
    bidId: string;
    crid?: string;
    price?: number;
    reason: string;
  }>;
  outcome?: AuctionOutcome;
}

const safeMicros = (price: unknown) => {
  try {
    return typeof price === 'number' ? cpmToMicros(price) : 0;
  } catch {
    return 0;
  }
};

export function auctionEvents(f: AuctionFacts): RtbEvent[] {
  // Every event is one object literal with all its keys, absent ones undefined (JSON.stringify
  // leaves them out): no spreads or conditional keys, whose hidden classes die with the request
  // and take the optimized code that saw them along at the runtime's next full GC
  // (docs/architecture.md, "Hidden classes that outlive a request").
  const req = f.request;
  const auction: AuctionEvent = {
    v: 1,
    ts: f.ts,
    auctionId: f.auctionId,
    pop: f.pop,
    id: eventId(f.auctionId, 'auction'),
    type: 'auction',
    sspId: f.sspId,
    publisherId: (req.site ?? req.app)?.publisher?.id || undefined,
    impCount: req.imp.length,
    formats: formatsOf(req),
    country: countryOf(req) || undefined,
    deviceType: req.device?.devicetype,
    tmaxMs: f.tmaxMs,
    durationMs: f.durationMs,
    noBidReason: f.noBidReason || undefined,
    dsps: f.dsps,
    privacy: f.privacy,
  };
  const out: RtbEvent[] = [auction];
  for (const c of f.accepted) out.push(acceptedEvent(f, c));
  for (const r of f.rejected) out.push(rejectedEvent(f, r));
  const o = f.outcome;
  if (!o) return out;
  for (const imp of o.imps) {
    const w = imp.winner;
    if (w) out.push(winEvent(f, imp.impId, w));
    for (const l of imp.losers) out.push(lossEvent(f, imp.impId, l, w?.clearingCpmMicros));
  }
  for (const l of o.unmatched) out.push(lossEvent(f, l.candidate.bid.impid, l, undefined));
  return out;
}

function acceptedEvent(f: AuctionFacts, c: CandidateBid): BidEvent {
  return {
    v: 1,
    ts: f.ts,
    auctionId: f.auctionId,
    pop: f.pop,
    id: eventId(f.auctionId, 'bid', c.bidderId, c.bid.id),
    type: 'bid',
    impId: c.bid.impid,
    bidId: c.bid.id,
    bidderKind: c.bidderKind,
    bidderId: c.bidderId,
    crid: c.bid.crid ?? '',
    priceCpmMicros: c.priceCpmMicros,
    dealId: c.bid.dealid || undefined,
    status: 'accepted',
    reason: undefined,
  };
}

function rejectedEvent(f: AuctionFacts, r: AuctionFacts['rejected'][number]): BidEvent {
  return {
    v: 1,
    ts: f.ts,
    auctionId: f.auctionId,
    pop: f.pop,
    id: eventId(f.auctionId, 'bid', r.bidderId, r.bidId),
    type: 'bid',
    impId: r.impId,
    bidId: r.bidId,
    bidderKind: r.bidderKind,
    bidderId: r.bidderId,
    crid: r.crid ?? '',
    priceCpmMicros: safeMicros(r.price),
    dealId: undefined,
    status: 'rejected',
    reason: r.reason,
  };
}

function winEvent(f: AuctionFacts, impId: string, w: Winner): WinEvent {
  const c = w.candidate;
  const own = f.own.get(c);
  return {
    v: 1,
    ts: f.ts,
    auctionId: f.auctionId,
    pop: f.pop,
    id: eventId(f.auctionId, 'win', impId),
    type: 'win',
    impId,
    bidId: c.bid.id,
    bidderKind: c.bidderKind,
    bidderId: c.bidderId,
    campaignId: own?.campaign.id,
    leaseId: own?.ticket.leaseId,
    crid: c.bid.crid ?? '',
    clearingCpmMicros: w.clearingCpmMicros,
    bidCpmMicros: w.bidCpmMicros,
    takeRateBps: w.takeRateBps,
    dealId: w.dealId || undefined,
  };
}

function lossEvent(
  f: AuctionFacts,
  impId: string,
  l: AuctionOutcome['unmatched'][number],
  winning: number | undefined,
): LossEvent {
  return {
    v: 1,
    ts: f.ts,
    auctionId: f.auctionId,
    pop: f.pop,
    id: eventId(f.auctionId, 'loss', l.candidate.bidderId, l.candidate.bid.id),
    type: 'loss',
    impId,
    bidId: l.candidate.bid.id,
    bidderKind: l.candidate.bidderKind,
    bidderId: l.candidate.bidderId,
    reason: `${l.reason}:${l.detail}`,
    winningCpmMicros: winning,
    // Filled in by attachLossNotices when the core is to call the buyer's lurl.
    lurl: undefined,
  };
}
