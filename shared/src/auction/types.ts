// The auction's inputs and outcome. A candidate is a bid from a DSP or from one of the
// exchange's own campaigns, already validated (openrtb/parse-response.ts for DSPs); money is
// integer CPM micros (money.ts). The outcome says, per imp, who won at what price and why every
// other bid lost (OpenRTB loss reason codes), or why nothing sold (no-bid reason).
import type { BidderKind } from '../events.ts';
import type { Micros } from '../money.ts';
import type { Bid } from '../openrtb/bid.ts';
import type { BidRequest } from '../openrtb/bid-request.ts';
import type { LossReason, NoBidReason } from '../openrtb/codes.ts';
import type { ConfigSnapshot, SspConfig } from '../snapshot.ts';

export interface CandidateBid {
  bidderKind: BidderKind;
  /** DSP id or campaign id. */
  bidderId: string;
  /** Buyer seat (DSP seatbid.seat); for campaigns the caller's choice (e.g. advertiser id). */
  seat?: string;
  /** The bid price, CPM micros in `cur`. */
  priceCpmMicros: Micros;
  /** Currency of priceCpmMicros (ISO-4217); converted to the exchange currency by the auction. */
  cur: string;
  /**
   * The OpenRTB bid as it will be returned if it wins: id, impid, crid, dealid, adomain, cat,
   * attr, bundle are read from here; its `price` is ignored in favour of priceCpmMicros.
   */
  bid: Bid;
}

export interface AuctionInput {
  request: BidRequest;
  bids: readonly CandidateBid[];
  snapshot: Pick<ConfigSnapshot, 'exchange' | 'currencyRates' | 'deals'>;
  ssp: Pick<SspConfig, 'floorCpmMicros' | 'takeRateBps'>;
}

export interface Winner {
  candidate: CandidateBid;
  /** The bid converted to the exchange currency, CPM micros. */
  bidCpmMicros: Micros;
  /** What the buyer pays, CPM micros in the exchange currency; floor <= clearing <= bid. */
  clearingCpmMicros: Micros;
  /** The exchange's take: bpsOf(clearing, takeRateBps). */
  takeCpmMicros: Micros;
  /** What the SSP receives: clearing - take. */
  sspPayoutCpmMicros: Micros;
  takeRateBps: number;
  /** 1 first price, 2 second price, 3 fixed deal price: the rule that set the clearing price. */
  auctionType: 1 | 2 | 3;
  /** The floor the winner had to beat (gross of take), CPM micros. */
  floorCpmMicros: Micros;
  dealId?: string;
}

export interface Loser {
  candidate: CandidateBid;
  /** Converted bid, when the currency was known. */
  bidCpmMicros?: Micros;
  reason: LossReason;
  /** Human detail for logs/events: which rule, which value. */
  detail: string;
}

export interface ImpOutcome {
  impId: string;
  /** Open-auction floor for this imp, gross of take, CPM micros in the exchange currency. */
  floorCpmMicros: Micros;
  winner?: Winner;
  losers: Loser[];
  /** Set when nothing cleared for this imp. */
  noBidReason?: NoBidReason;
}

export interface AuctionOutcome {
  auctionId: string;
  /** Exchange currency every Micros in the outcome is in. */
  currency: string;
  /** One entry per request imp, in request order. */
  imps: ImpOutcome[];
  /** Bids naming no imp of the request, or repeating a bid id: rejected before any imp auction. */
  unmatched: Loser[];
  /** Set when no imp sold. */
  noBidReason?: NoBidReason;
}
