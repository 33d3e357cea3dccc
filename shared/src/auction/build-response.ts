// Building the exchange's BidResponse to the SSP from an auction outcome. Each winner becomes a
// bid priced at what the SSP receives (clearing - take), grouped by buyer seat; nothing sold
// gives { id, nbr }. Prices go out in the exchange currency unless the request's `cur` excludes
// it, then in the first requested currency the snapshot has a rate for (rounded down).
import { microsToCpm } from '../money.ts';
import type { Bid } from '../openrtb/bid.ts';
import type { BidRequest } from '../openrtb/bid-request.ts';
import type { BidResponse } from '../openrtb/bid-response.ts';
import type { SeatBid } from '../openrtb/seat-bid.ts';
import { convertMicros } from './currency.ts';
import type { AuctionOutcome, Winner } from './types.ts';

export interface BuildResponseOptions<C = undefined> {
  currencyRates: Record<string, number>;
  /** BidResponse.bidid; defaults to the auction id. */
  bidId?: string;
  /** Seat name for campaign winners (DSP winners keep their own seat or DSP id). */
  campaignSeat?: string;
  /**
   * Fields the edge sets on each winning bid: its own signed nurl/burl/lurl, the markup with
   * macros substituted, a response-unique id. Pure callback; called once per winner.
   */
  decorate?: (winner: Winner, impId: string, ctx: C) => Partial<Bid>;
  /** Handed to decorate, which can then be a module function instead of a closure per auction. */
  decorateCtx?: C;
}

export function responseCurrency(
  request: BidRequest,
  exchangeCurrency: string,
  rates: Record<string, number>,
): string {
  const wanted = request.cur;
  if (!wanted || wanted.length === 0 || wanted.includes(exchangeCurrency)) return exchangeCurrency;
  return (
    wanted.find((c) => convertMicros(1_000_000, exchangeCurrency, c, rates, 'down').ok) ?? exchangeCurrency
  );
}

/**
 * The parts of a buyer's bid the SSP may see, at its price for this imp; the buyer's own notice
 * URLs and ext stay inside (nurl/burl/lurl are the exchange's, set by decorate). One literal with
 * every key, absent ones undefined (JSON.stringify leaves them out), so every bid shares one hidden
 * class: one per combination of present fields died with each request in workerd and took the
 * optimized code that had seen it along at the next full GC.
 */
function wireBid(b: Bid, impid: string, price: number, dealid: string | undefined): Bid {
  return {
    id: b.id,
    impid,
    price,
    nurl: undefined,
    burl: undefined,
    lurl: undefined,
    adm: b.adm,
    adid: b.adid,
    adomain: b.adomain,
    bundle: b.bundle,
    iurl: b.iurl,
    cid: b.cid,
    crid: b.crid,
    cat: b.cat,
    attr: b.attr,
    dealid: dealid ?? b.dealid,
    w: b.w,
    h: b.h,
    mtype: b.mtype,
    api: b.api,
    protocol: b.protocol,
    language: b.language,
    exp: b.exp,
    dur: b.dur,
  };
}

export function buildBidResponse<C = undefined>(
  request: BidRequest,
  outcome: AuctionOutcome,
  opts: BuildResponseOptions<C>,
): BidResponse {
  const winners: Array<{ impId: string; w: Winner }> = [];
  for (const i of outcome.imps) if (i.winner) winners.push({ impId: i.impId, w: i.winner });
  if (winners.length === 0) return { id: request.id, nbr: outcome.noBidReason ?? 0 };
  const cur = responseCurrency(request, outcome.currency, opts.currencyRates);
  const seats = new Map<string, Bid[]>();
  for (const { impId, w } of winners) {
    const c = w.candidate;
    const payout = convertMicros(w.sspPayoutCpmMicros, outcome.currency, cur, opts.currencyRates, 'down');
    const bid = wireBid(c.bid, impId, microsToCpm(payout.ok ? payout.value : w.sspPayoutCpmMicros), w.dealId);
    if (opts.decorate) Object.assign(bid, opts.decorate(w, impId, opts.decorateCtx as C));
    const seat =
      c.bidderKind === 'dsp' ? (c.seat ?? c.bidderId) : (opts.campaignSeat ?? c.seat ?? c.bidderId);
    const bids = seats.get(seat);
    if (bids) bids.push(bid);
    else seats.set(seat, [bid]);
  }
  const seatbid: SeatBid[] = [];
  for (const [seat, bid] of seats) seatbid.push({ seat, bid });
  return { id: request.id, seatbid, bidid: opts.bidId ?? outcome.auctionId, cur };
}
