// Seam to shared/src/auction. TEMPORARY until the shared auction lands: highest bid per imp
// wins at its own price, no floors, no take rate. Replaced by the shared rules, not extended.
import { cpmToMicros } from '@edge-rtb/shared/money';
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import { LossReason } from '@edge-rtb/shared/openrtb/codes';
import type { ConfigSnapshot, SspConfig } from '@edge-rtb/shared/snapshot';
import type { Candidate, ImpResult } from './types.ts';

export function runAuction(
  req: BidRequest,
  candidates: Candidate[],
  _ssp: SspConfig,
  _snap: ConfigSnapshot,
): ImpResult[] {
  return req.imp.map((imp) => {
    const mine = candidates.filter((c) => c.bid.impid === imp.id).sort((a, b) => b.bid.price - a.bid.price);
    const [winner, ...rest] = mine;
    const losers = rest.map((candidate) => ({ candidate, lossReason: LossReason.LostToHigherBid }));
    if (!winner) return { impId: imp.id, losers };
    const p = cpmToMicros(winner.bid.price);
    return { impId: imp.id, winner, clearingCpmMicros: p, bidCpmMicros: p, sspPriceCpmMicros: p, losers };
  });
}
