// What follows an auction once its outcome is known, none of it on the response's path:
// own-campaign holds spent (winner) or released (everyone else), and losing DSPs told via
// their lurl with the OpenRTB loss reason.
import type { AuctionOutcome, CandidateBid } from '@edge-rtb/shared/auction/types';
import { impressionCost } from '@edge-rtb/shared/money';
import type { LeaseWallet } from '../campaigns/lease-wallet.ts';
import type { OwnBid } from '../campaigns/own-bidder.ts';
import { drain } from '../drain.ts';
import { expandMacros } from '../notices/macros.ts';

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

/** Losing DSP bids get their lurl called with the loss reason, after the response. */
export function tellLosers(outcome: AuctionOutcome, requestId: string, waitUntil: WaitUntil): void {
  const all = [
    ...outcome.imps.flatMap((i) =>
      i.losers.map((l) => ({ l, impId: i.impId, min: i.winner?.clearingCpmMicros })),
    ),
    ...outcome.unmatched.map((l) => ({ l, impId: l.candidate.bid.impid, min: undefined })),
  ];
  for (const { l, impId, min } of all) {
    const lurl = l.candidate.bidderKind === 'dsp' ? l.candidate.bid.lurl : undefined;
    if (!lurl || !/^https?:\/\//i.test(lurl)) continue;
    const url = expandMacros(lurl, {
      auctionId: requestId,
      bidId: l.candidate.bid.id,
      impId,
      lossCode: l.reason,
      ...(min !== undefined ? { minToWinCpmMicros: min } : {}),
    });
    waitUntil(fetch(url, { signal: AbortSignal.timeout(5_000) }).then(drain, () => {}));
  }
}
