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

export interface BuildResponseOptions {
  currencyRates: Record<string, number>;
  /** BidResponse.bidid; defaults to the auction id. */
  bidId?: string;
  /** Seat name for campaign winners (DSP winners keep their own seat or DSP id). */
  campaignSeat?: string;
  /**
   * Fields the edge sets on each winning bid: its own signed nurl/burl/lurl, the markup with
   * macros substituted, a response-unique id. Pure callback; called once per winner.
   */
  decorate?: (winner: Winner, impId: string) => Partial<Bid>;
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

const WIRE_FIELDS = [
  'id',
  'impid',
  'adm',
  'adid',
  'adomain',
  'bundle',
  'iurl',
  'cid',
  'crid',
  'cat',
  'attr',
  'dealid',
  'w',
  'h',
  'mtype',
  'api',
  'protocol',
  'language',
  'exp',
  'dur',
] as const;

/** The parts of a buyer's bid the SSP may see; the buyer's own notice URLs and ext stay inside. */
function wireBid(b: Bid): Bid {
  const out: Partial<Bid> = {};
  for (const k of WIRE_FIELDS) if (b[k] !== undefined) (out as Record<string, unknown>)[k] = b[k];
  return out as Bid;
}

export function buildBidResponse(
  request: BidRequest,
  outcome: AuctionOutcome,
  opts: BuildResponseOptions,
): BidResponse {
  const winners: Array<{ impId: string; w: Winner }> = [];
  for (const i of outcome.imps) if (i.winner) winners.push({ impId: i.impId, w: i.winner });
  if (winners.length === 0) return { id: request.id, nbr: outcome.noBidReason ?? 0 };
  const cur = responseCurrency(request, outcome.currency, opts.currencyRates);
  const seats = new Map<string, Bid[]>();
  for (const { impId, w } of winners) {
    const c = w.candidate;
    const payout = convertMicros(w.sspPayoutCpmMicros, outcome.currency, cur, opts.currencyRates, 'down');
    const bid: Bid = {
      ...wireBid(c.bid),
      impid: impId,
      price: microsToCpm(payout.ok ? payout.value : w.sspPayoutCpmMicros),
    };
    if (w.dealId !== undefined) bid.dealid = w.dealId;
    Object.assign(bid, opts.decorate?.(w, impId));
    const seat =
      c.bidderKind === 'dsp' ? (c.seat ?? c.bidderId) : (opts.campaignSeat ?? c.seat ?? c.bidderId);
    seats.set(seat, [...(seats.get(seat) ?? []), bid]);
  }
  const seatbid: SeatBid[] = [];
  for (const [seat, bid] of seats) seatbid.push({ seat, bid });
  return { id: request.id, seatbid, bidid: opts.bidId ?? outcome.auctionId, cur };
}
