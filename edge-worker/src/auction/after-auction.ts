// What follows an auction once its outcome is known, none of it on the response's path:
// own-campaign holds spent (winner) or released (everyone else), and losing DSPs told via
// their lurl with the OpenRTB loss reason (by the core from the loss events, or by the edge).
import type { AuctionOutcome, CandidateBid, Winner } from '@edge-rtb/shared/auction/types';
import { LURL_MAX_LENGTH, type RtbEvent } from '@edge-rtb/shared/events';
import { impressionCost } from '@edge-rtb/shared/money';
import type { LeaseWallet } from '../campaigns/lease-wallet.ts';
import type { OwnBid } from '../campaigns/own-bidder.ts';
import { expandMacros } from '../notices/macros.ts';

type WaitUntil = (p: Promise<unknown>) => void;

/** Every own-campaign hold ends here: the winner spends its clearing price, the rest release. */
export function settleHolds(
  outcome: AuctionOutcome,
  own: ReadonlyMap<CandidateBid, OwnBid>,
  wallet: LeaseWallet,
  waitUntil: WaitUntil,
): void {
  const won = new Map<CandidateBid, Winner>();
  for (const i of outcome.imps) if (i.winner) won.set(i.winner.candidate, i.winner);
  for (const [cand, o] of own) {
    const w = won.get(cand);
    if (w) wallet.spend(o.ticket, impressionCost(w.clearingCpmMicros), waitUntil);
    else wallet.release(o.ticket, waitUntil);
  }
}

const HTTP_URL = /^https?:\/\//i;

/** One losing DSP bid's loss notice: its lurl with the loss reason and prices filled in. */
export interface LossNotice {
  bidderId: string;
  bidId: string;
  url: string;
}

/** The loss notices an auction owes: every losing DSP bid that carries an http(s) lurl. */
export function lossNotices(outcome: AuctionOutcome, requestId: string): LossNotice[] {
  const out: LossNotice[] = [];
  for (const i of outcome.imps)
    for (const l of i.losers) addLossNotice(out, requestId, l, i.impId, i.winner?.clearingCpmMicros);
  for (const l of outcome.unmatched) addLossNotice(out, requestId, l, l.candidate.bid.impid, undefined);
  return out;
}

function addLossNotice(
  out: LossNotice[],
  requestId: string,
  l: AuctionOutcome['unmatched'][number],
  impId: string,
  min: number | undefined,
): void {
  const lurl = l.candidate.bidderKind === 'dsp' ? l.candidate.bid.lurl : undefined;
  if (!lurl || !HTTP_URL.test(lurl)) return;
  out.push({
    bidderId: l.candidate.bidderId,
    bidId: l.candidate.bid.id,
    url: expandMacros(lurl, {
      auctionId: requestId,
      bidId: l.candidate.bid.id,
      impId,
      seatId: undefined,
      adId: undefined,
      priceCpmMicros: undefined,
      currency: undefined,
      lossCode: l.reason,
      minToWinCpmMicros: min,
    }),
  });
}

/**
 * Hands loss notices to the regional core: each rides on its bid's loss event (the core calls
 * the lurl once it has accepted the event, see docs/architecture.md "Loss notices"). Returns
 * the notices no loss event could carry (URL too long for the event schema), which the caller
 * sends itself, so every notice owed is delivered one way or the other.
 */
export function attachLossNotices(events: RtbEvent[], notices: readonly LossNotice[]): LossNotice[] {
  if (notices.length === 0) return [];
  const byBid = new Map<string, LossNotice>();
  for (const n of notices) if (n.url.length <= LURL_MAX_LENGTH) byBid.set(`${n.bidderId}\n${n.bidId}`, n);
  const carried = new Set<LossNotice>();
  for (const e of events) {
    if (e.type !== 'loss' || e.bidderKind !== 'dsp') continue;
    const n = byBid.get(`${e.bidderId}\n${e.bidId}`);
    if (!n || carried.has(n)) continue;
    e.lurl = n.url;
    carried.add(n);
  }
  return carried.size === notices.length ? [] : notices.filter((n) => !carried.has(n));
}
