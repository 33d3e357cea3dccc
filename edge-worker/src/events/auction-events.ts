// Turns one auction's facts into the v1 events of shared/src/events.ts: the request summary with
// each DSP's latency and outcome, every bid (accepted or rejected, and why), the winner of each
// imp and the losers. Ids are stable (eventId), so a retried batch deduplicates downstream.

import type { AuctionOutcome, CandidateBid } from '@edge-rtb/shared/auction/types';
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

const dealOf = (dealid: string | undefined) => (dealid ? { dealId: dealid } : {});

export function auctionEvents(f: AuctionFacts): RtbEvent[] {
  const base = { v: 1 as const, ts: f.ts, auctionId: f.auctionId, ...(f.pop ? { pop: f.pop } : {}) };
  const req = f.request;
  const publisherId = (req.site ?? req.app)?.publisher?.id;
  const country = countryOf(req);
  const auction: AuctionEvent = {
    ...base,
    id: eventId(f.auctionId, 'auction'),
    type: 'auction',
    sspId: f.sspId,
    ...(publisherId ? { publisherId } : {}),
    impCount: req.imp.length,
    formats: formatsOf(req),
    ...(country ? { country } : {}),
    ...(req.device?.devicetype !== undefined ? { deviceType: req.device.devicetype } : {}),
    tmaxMs: f.tmaxMs,
    durationMs: f.durationMs,
    ...(f.noBidReason ? { noBidReason: f.noBidReason } : {}),
    dsps: f.dsps,
    privacy: f.privacy,
  };
  const out: RtbEvent[] = [auction];
  for (const c of f.accepted) {
    const e: BidEvent = {
      ...base,
      id: eventId(f.auctionId, 'bid', c.bidderId, c.bid.id),
      type: 'bid',
      impId: c.bid.impid,
      bidId: c.bid.id,
      ...bidderOf(c),
      crid: c.bid.crid ?? '',
      priceCpmMicros: c.priceCpmMicros,
      ...dealOf(c.bid.dealid),
      status: 'accepted',
    };
    out.push(e);
  }
  for (const r of f.rejected) {
    out.push({
      ...base,
      id: eventId(f.auctionId, 'bid', r.bidderId, r.bidId),
      type: 'bid',
      impId: r.impId,
      bidId: r.bidId,
      bidderKind: r.bidderKind,
      bidderId: r.bidderId,
      crid: r.crid ?? '',
      priceCpmMicros: safeMicros(r.price),
      status: 'rejected',
      reason: r.reason,
    } satisfies BidEvent);
  }
  const o = f.outcome;
  if (!o) return out;
  for (const imp of o.imps) {
    const w = imp.winner;
    if (w) {
      const c = w.candidate;
      const own = f.own.get(c);
      const win: WinEvent = {
        ...base,
        id: eventId(f.auctionId, 'win', imp.impId),
        type: 'win',
        impId: imp.impId,
        bidId: c.bid.id,
        ...bidderOf(c),
        ...(own ? { campaignId: own.campaign.id, leaseId: own.ticket.leaseId } : {}),
        crid: c.bid.crid ?? '',
        clearingCpmMicros: w.clearingCpmMicros,
        bidCpmMicros: w.bidCpmMicros,
        takeRateBps: w.takeRateBps,
        ...dealOf(w.dealId),
      };
      out.push(win);
    }
    for (const l of [...imp.losers])
      out.push(lossEvent(base, f.auctionId, imp.impId, l, w?.clearingCpmMicros));
  }
  for (const l of o.unmatched) out.push(lossEvent(base, f.auctionId, l.candidate.bid.impid, l, undefined));
  return out;
}

function lossEvent(
  base: { v: 1; ts: number; auctionId: string; pop?: string },
  auctionId: string,
  impId: string,
  l: AuctionOutcome['unmatched'][number],
  winning: number | undefined,
): LossEvent {
  return {
    ...base,
    id: eventId(auctionId, 'loss', l.candidate.bidderId, l.candidate.bid.id),
    type: 'loss',
    impId,
    bidId: l.candidate.bid.id,
    bidderKind: l.candidate.bidderKind,
    bidderId: l.candidate.bidderId,
    reason: `${l.reason}:${l.detail}`,
    ...(winning !== undefined ? { winningCpmMicros: winning } : {}),
  };
}

const bidderOf = (c: CandidateBid) => ({ bidderKind: c.bidderKind, bidderId: c.bidderId });
