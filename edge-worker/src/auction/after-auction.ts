// What follows an auction once its outcome is known, none of it on the response's path:
// own-campaign holds spent (winner) or released (everyone else), and losing DSPs told via
// their lurl with the OpenRTB loss reason.
import type { AuctionOutcome, CandidateBid } from '@edge-rtb/shared/auction/types';
import { impressionCost } from '@edge-rtb/shared/money';
import type { LeaseWallet } from '../campaigns/lease-wallet.ts';
import type { OwnBid } from '../campaigns/own-bidder.ts';
import { expandMacros } from '../notices/macros.ts';
import { sendLossNotices } from './loss-notices.ts';

type WaitUntil = (p: Promise<unknown>) => void;

/** Every own-campaign hold ends here: the winner spends its clearing price, the rest release. */
export function settleHolds(
  outcome: AuctionOutcome,
  own: ReadonlyMap<CandidateBid, OwnBid>,
  wallet: LeaseWallet,
  waitUntil: WaitUntil,
): void {
  const won = new Map(
    outcome.imps.flatMap((i) => (i.winner ? [[i.winner.candidate, i.winner] as const] : [])),
  );
  for (const [cand, o] of own) {
    const w = won.get(cand);
    if (w) wallet.spend(o.ticket, impressionCost(w.clearingCpmMicros), waitUntil);
    else wallet.release(o.ticket, waitUntil);
  }
}

const HTTP_URL = /^https?:\/\//i;

/**
 * Losing DSP bids get their lurl called with the loss reason, after the response, in one batch
 * per auction (loss-notices.ts). Bids without an lurl cost nothing here.
 */
export function tellLosers(outcome: AuctionOutcome, requestId: string, waitUntil: WaitUntil): void {
  const urls: string[] = [];
  const add = (l: AuctionOutcome['unmatched'][number], impId: string, min: number | undefined) => {
    const lurl = l.candidate.bidderKind === 'dsp' ? l.candidate.bid.lurl : undefined;
    if (!lurl || !HTTP_URL.test(lurl)) return;
    urls.push(
      expandMacros(lurl, {
        auctionId: requestId,
        bidId: l.candidate.bid.id,
        impId,
        lossCode: l.reason,
        ...(min !== undefined ? { minToWinCpmMicros: min } : {}),
      }),
    );
  };
  for (const i of outcome.imps) for (const l of i.losers) add(l, i.impId, i.winner?.clearingCpmMicros);
  for (const l of outcome.unmatched) add(l, l.candidate.bid.impid, undefined);
  sendLossNotices(urls, waitUntil);
}
