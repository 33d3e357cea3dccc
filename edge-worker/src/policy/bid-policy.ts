// The request's blocklists applied to one bid, DSP or own campaign alike: badv (advertiser
// domains, subdomains included), bcat (categories), battr (creative attributes of the imp's
// media), bapp (app bundles) and the buyer-seat lists bseat / wseat. The answer is the OpenRTB
// loss reason the bid is dropped with, or null.
import type { Bid } from '@edge-rtb/shared/openrtb/bid';
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import { LossReason } from '@edge-rtb/shared/openrtb/codes';
import type { Imp } from '@edge-rtb/shared/openrtb/imp';
import { domainMatches } from './request-policy.ts';

export function checkBidPolicy(
  bid: Bid,
  seat: string | undefined,
  imp: Imp,
  req: BidRequest,
): LossReason | null {
  if (seat !== undefined) {
    if (req.bseat?.includes(seat)) return LossReason.BuyerSeatBlocked;
    if (req.wseat && req.wseat.length > 0 && !req.wseat.includes(seat)) return LossReason.BuyerSeatBlocked;
  }
  if (req.badv?.length && bid.adomain?.some((d) => req.badv!.some((b) => domainMatches(d, b))))
    return LossReason.AdvertiserExclusions;
  if (req.bcat?.length && bid.cat?.some((c) => req.bcat!.some((b) => c === b || c.startsWith(`${b}-`))))
    return LossReason.CategoryExclusions;
  const battr = [
    ...(imp.banner?.battr ?? []),
    ...(imp.video?.battr ?? []),
    ...(imp.audio?.battr ?? []),
    ...(imp.native?.battr ?? []),
  ];
  if (battr.length && bid.attr?.some((a) => battr.includes(a))) return LossReason.CreativeAttributeExclusions;
  if (req.bapp?.length && bid.bundle && req.bapp.includes(bid.bundle)) return LossReason.AppStoreIdExclusions;
  return null;
}
