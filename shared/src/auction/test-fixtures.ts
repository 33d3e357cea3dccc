// Test-only builders for auction inputs.
import type { Bid } from '../openrtb/bid.ts';
import type { BidRequest } from '../openrtb/bid-request.ts';
import type { Imp } from '../openrtb/imp.ts';
import type { AuctionInput, CandidateBid } from './types.ts';

export const imp = (id: string, extra: Partial<Imp> = {}): Imp => ({
  id,
  banner: { w: 300, h: 250 },
  bidfloor: 0,
  bidfloorcur: 'USD',
  instl: 0,
  ...extra,
});

export const request = (extra: Partial<BidRequest> = {}): BidRequest => ({
  id: 'auction-1',
  at: 1,
  imp: [imp('1')],
  site: { id: 's', domain: 'pub.example' },
  ...extra,
});

let seq = 0;
export function bid(
  priceCpmMicros: number,
  extra: Partial<Omit<CandidateBid, 'bid'>> & { bid?: Partial<Bid> } = {},
): CandidateBid {
  const { bid: b, ...rest } = extra;
  seq++;
  return {
    bidderKind: 'dsp',
    bidderId: `dsp-${seq}`,
    seat: `seat-${seq}`,
    priceCpmMicros,
    cur: 'USD',
    ...rest,
    bid: { id: `b${seq}`, impid: '1', price: priceCpmMicros / 1e6, crid: `cr${seq}`, ...b },
  };
}

export function input(req: BidRequest, bids: CandidateBid[], over: Partial<AuctionInput> = {}): AuctionInput {
  return {
    request: req,
    bids,
    snapshot: {
      exchange: {
        asi: 'edge-rtb.example',
        currency: 'USD',
        secondPriceIncrementCpmMicros: 10_000,
        tmaxMarginMs: 20,
        defaultTmaxMs: 200,
      },
      currencyRates: { USD: 1, EUR: 1.1, JPY: 0.0067 },
      deals: [],
    },
    ssp: { floorCpmMicros: 0, takeRateBps: 0 },
    ...over,
  };
}
