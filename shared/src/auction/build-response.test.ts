import { describe, expect, it } from 'vitest';
import { validateBidResponse } from '../openrtb/parse-response.ts';
import { buildBidResponse, responseCurrency } from './build-response.ts';
import { runAuction } from './run.ts';
import { bid, imp, input, request } from './test-fixtures.ts';

const rates = { USD: 1, EUR: 1.1 };

describe('buildBidResponse (4.2.1 BidResponse, 4.2.2 SeatBid, 4.2.3 Bid)', () => {
  it('prices each winner at the SSP payout and groups bids by seat', () => {
    const req = request({ imp: [imp('1'), imp('2'), imp('3')] });
    const o = runAuction(
      input(
        req,
        [
          bid(2_000_000, {
            seat: 'S1',
            bid: { id: 'x', impid: '1', adm: '<b/>', nurl: 'https://dsp/win', ext: { secret: 1 } },
          }),
          bid(3_000_000, { seat: 'S1', bid: { id: 'y', impid: '2' } }),
          bid(1_000_000, {
            bidderKind: 'campaign',
            bidderId: 'camp-1',
            bid: { id: 'z', impid: '3', adomain: ['adv.com'] },
          }),
        ],
        { ssp: { floorCpmMicros: 0, takeRateBps: 1000 } },
      ),
    );
    const res = buildBidResponse(req, o, {
      currencyRates: rates,
      campaignSeat: 'edge-rtb',
      decorate: (w, impId) => ({ nurl: `https://edge/win/${impId}/${w.candidate.bid.id}` }),
    });
    expect(res).toEqual({
      id: 'auction-1',
      bidid: 'auction-1',
      cur: 'USD',
      seatbid: [
        {
          seat: 'S1',
          bid: [
            {
              id: 'x',
              impid: '1',
              crid: expect.any(String),
              adm: '<b/>',
              price: 1.8,
              nurl: 'https://edge/win/1/x',
            },
            { id: 'y', impid: '2', crid: expect.any(String), price: 2.7, nurl: 'https://edge/win/2/y' },
          ],
        },
        {
          seat: 'edge-rtb',
          bid: [
            {
              id: 'z',
              impid: '3',
              crid: expect.any(String),
              adomain: ['adv.com'],
              price: 0.9,
              nurl: 'https://edge/win/3/z',
            },
          ],
        },
      ],
    });
    // What we send is itself a valid BidResponse for the request.
    const v = validateBidResponse(JSON.parse(JSON.stringify(res)), req);
    expect(v.ok && v.value.errors).toEqual([]);
  });

  it('answers nbr when nothing sold', () => {
    const req = request();
    const o = runAuction(input(req, []));
    expect(buildBidResponse(req, o, { currencyRates: rates })).toEqual({ id: 'auction-1', nbr: 500 });
  });

  it('prices in a requested currency when the request excludes the exchange currency', () => {
    expect(responseCurrency(request({ cur: ['EUR'] }), 'USD', rates)).toBe('EUR');
    expect(responseCurrency(request({ cur: ['GBP'] }), 'USD', rates)).toBe('USD');
    const req = request({ cur: ['EUR'] });
    const res = buildBidResponse(req, runAuction(input(req, [bid(1_100_000)])), { currencyRates: rates });
    expect(res.cur).toBe('EUR');
    expect(res.seatbid?.[0]?.bid[0]?.price).toBe(1);
  });
});
