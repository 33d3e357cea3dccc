// Deal rules for one bid on one imp. A deal bid must name a deal of that imp, its seat must be
// in the deal's wseat and its adomain in the deal's wadomain (when listed), and the snapshot's
// deal config (when the exchange has one for that id) may restrict which DSPs/campaigns and
// seats bid on it and raise its floor.
// With pmp.private_auction = 1 only deal bids are eligible.
import { cpmToMicros, type Micros } from '../money.ts';
import { LossReason } from '../openrtb/codes.ts';
import type { Deal } from '../openrtb/deal.ts';
import type { Imp } from '../openrtb/imp.ts';
import { err, ok, type Result } from '../result.ts';
import type { DealConfig } from '../snapshot.ts';
import type { Block } from './blocks.ts';
import { convertMicros } from './currency.ts';
import type { CandidateBid } from './types.ts';

export interface DealTerms {
  deal: Deal;
  /** Net floor in exchange currency: max(request deal floor, snapshot deal floor). */
  netFloorCpmMicros: Micros;
  /** The deal's auction type override, when set and known (1, 2, 3). */
  at?: 1 | 2 | 3;
}

export function dealTerms(
  c: CandidateBid,
  imp: Imp,
  dealConfigs: readonly DealConfig[],
  currency: string,
  rates: Record<string, number>,
): Result<DealTerms | undefined, Block> {
  const dealId = c.bid.dealid;
  if (dealId === undefined) {
    if (imp.pmp?.private_auction === 1)
      return err({ reason: LossReason.OpenBidInPrivateAuction, detail: 'open bid on a private auction' });
    return ok(undefined);
  }
  const deal = imp.pmp?.deals?.find((d) => d.id === dealId);
  if (!deal)
    return err({
      reason: LossReason.InvalidDealId,
      detail: `deal ${dealId} is not offered on imp ${imp.id}`,
    });
  const seat = c.seat;
  if (deal.wseat && deal.wseat.length > 0 && (seat === undefined || !deal.wseat.includes(seat)))
    return err({ reason: LossReason.NotAllowedInDeal, detail: `seat ${seat ?? '(none)'} not in deal wseat` });
  const wadomain = deal.wadomain ?? [];
  if (wadomain.length > 0 && !c.bid.adomain?.some((d) => wadomain.includes(d)))
    return err({ reason: LossReason.NotAllowedInDeal, detail: `adomain not in deal ${dealId} wadomain` });
  const cfg = dealConfigs.find((d) => d.id === dealId);
  if (cfg) {
    const allowed = c.bidderKind === 'dsp' ? cfg.dspIds : cfg.campaignIds;
    const anyListed = cfg.dspIds.length > 0 || cfg.campaignIds.length > 0;
    if (anyListed && !allowed.includes(c.bidderId))
      return err({
        reason: LossReason.NotAllowedInDeal,
        detail: `${c.bidderKind} ${c.bidderId} not on deal ${dealId}`,
      });
    if (cfg.wseat.length > 0 && (seat === undefined || !cfg.wseat.includes(seat)))
      return err({
        reason: LossReason.NotAllowedInDeal,
        detail: `seat ${seat ?? '(none)'} not on deal ${dealId}`,
      });
  }
  const floor = convertMicros(cpmToMicros(deal.bidfloor), deal.bidfloorcur, currency, rates, 'up');
  if (!floor.ok)
    return err({
      reason: LossReason.UnknownCurrency,
      detail: `deal ${dealId} floor currency ${deal.bidfloorcur} has no rate`,
    });
  const terms: DealTerms = { deal, netFloorCpmMicros: Math.max(floor.value, cfg?.floorCpmMicros ?? 0) };
  const at = deal.at ?? cfg?.at;
  if (at === 1 || at === 2 || at === 3) terms.at = at;
  return ok(terms);
}
