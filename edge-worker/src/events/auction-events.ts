// Turns one auction's facts into the v1 events of shared/src/events.ts: the request summary with
// each DSP's latency and outcome, every bid (accepted or rejected, and why), the winner of each
// imp and the losers. Ids are stable (eventId), so a retried batch deduplicates downstream.
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
import type { Candidate, ImpResult } from '../auction/types.ts';
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
  accepted: Candidate[];
  rejected: Array<{
    bidderKind: 'dsp' | 'campaign';
    bidderId: string;
    impId: string;
    bidId: string;
    crid?: string;
    price?: number;
    reason: string;
  }>;
  results: ImpResult[];
  takeRateBps: number;
}

const safeMicros = (price: unknown) => {
  try {
    return typeof price === 'number' ? cpmToMicros(price) : 0;
  } catch {
    return 0;
  }
};

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
  const bidderOf = (c: Candidate) => ({ bidderKind: c.bidderKind, bidderId: c.bidderId });
  for (const c of f.accepted) {
    const e: BidEvent = {
      ...base,
      id: eventId(f.auctionId, 'bid', c.bidderId, c.bid.id),
      type: 'bid',
      impId: c.bid.impid,
      bidId: c.bid.id,
      ...bidderOf(c),
      crid: c.bid.crid ?? '',
      priceCpmMicros: safeMicros(c.bid.price),
      ...(c.bid.dealid ? { dealId: c.bid.dealid } : {}),
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
  for (const r of f.results) {
    if (r.winner && r.clearingCpmMicros !== undefined) {
      const w = r.winner;
      const win: WinEvent = {
        ...base,
        id: eventId(f.auctionId, 'win', r.impId),
        type: 'win',
        impId: r.impId,
        bidId: w.bid.id,
        ...bidderOf(w),
        ...(w.own ? { campaignId: w.own.campaign.id, leaseId: w.own.ticket.leaseId } : {}),
        crid: w.bid.crid ?? '',
        clearingCpmMicros: r.clearingCpmMicros,
        bidCpmMicros: r.bidCpmMicros ?? r.clearingCpmMicros,
        takeRateBps: f.takeRateBps,
        ...(w.bid.dealid ? { dealId: w.bid.dealid } : {}),
      };
      out.push(win);
    }
    for (const l of r.losers) {
      const loss: LossEvent = {
        ...base,
        id: eventId(f.auctionId, 'loss', l.candidate.bidderId, l.candidate.bid.id),
        type: 'loss',
        impId: r.impId,
        bidId: l.candidate.bid.id,
        ...bidderOf(l.candidate),
        reason: String(l.lossReason),
        ...(r.clearingCpmMicros !== undefined ? { winningCpmMicros: r.clearingCpmMicros } : {}),
      };
      out.push(loss);
    }
  }
  return out;
}
