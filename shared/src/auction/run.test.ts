import { describe, expect, it } from 'vitest';
import { LossReason, NoBidReason } from '../openrtb/codes.ts';
import { runAuction } from './run.ts';
import { bid, imp, input, request } from './test-fixtures.ts';

const winnerOf = (o: ReturnType<typeof runAuction>, i = 0) => o.imps[i]?.winner;
const reasons = (o: ReturnType<typeof runAuction>, i = 0) =>
  Object.fromEntries(o.imps[i]?.losers.map((l) => [l.candidate.bidderId, l.reason]) ?? []);

describe('runAuction: price rules', () => {
  it('first price clears at the bid', () => {
    const a = bid(3_000_000, { bidderId: 'a' });
    const b = bid(2_000_000, { bidderId: 'b' });
    const o = runAuction(input(request({ at: 1 }), [b, a]));
    expect(winnerOf(o)).toMatchObject({ candidate: a, clearingCpmMicros: 3_000_000, auctionType: 1 });
    expect(reasons(o)).toEqual({ b: LossReason.LostToHigherBid });
  });

  it('second price clears at runner-up + increment, never above the bid', () => {
    const o = runAuction(input(request({ at: 2 }), [bid(3_000_000), bid(2_000_000)]));
    expect(winnerOf(o)?.clearingCpmMicros).toBe(2_010_000);
    const tie = runAuction(input(request({ at: 2 }), [bid(2_005_000), bid(2_000_000)]));
    expect(tie.imps[0]?.winner?.clearingCpmMicros).toBe(2_005_000);
  });

  it('second price with one bid clears at floor + increment', () => {
    const o = runAuction(input(request({ at: 2, imp: [imp('1', { bidfloor: 1.5 })] }), [bid(3_000_000)]));
    expect(winnerOf(o)?.clearingCpmMicros).toBe(1_510_000);
  });

  it('take rate: buyer pays clearing, SSP receives clearing - take', () => {
    const o = runAuction(
      input(request(), [bid(2_000_000)], { ssp: { floorCpmMicros: 0, takeRateBps: 1500 } }),
    );
    expect(winnerOf(o)).toMatchObject({
      clearingCpmMicros: 2_000_000,
      takeCpmMicros: 300_000,
      sspPayoutCpmMicros: 1_700_000,
    });
  });

  it('floors are net: with a take rate the bid must cover floor / (1 - take)', () => {
    const req = request({ imp: [imp('1', { bidfloor: 1 })] });
    const ssp = { floorCpmMicros: 0, takeRateBps: 2000 };
    expect(runAuction(input(req, [bid(1_200_000)], { ssp })).imps[0]?.losers[0]?.reason).toBe(
      LossReason.BelowAuctionFloor,
    );
    const o = runAuction(input(req, [bid(1_250_000)], { ssp }));
    expect(winnerOf(o)?.sspPayoutCpmMicros).toBe(1_000_000);
  });
});

describe('runAuction: floors and currency', () => {
  it('applies the larger of the request floor and the SSP floor', () => {
    const req = request({ imp: [imp('1', { bidfloor: 1 })] });
    const o = runAuction(
      input(req, [bid(1_500_000, { bidderId: 'x' })], { ssp: { floorCpmMicros: 2_000_000, takeRateBps: 0 } }),
    );
    expect(o.imps[0]?.floorCpmMicros).toBe(2_000_000);
    expect(reasons(o)).toEqual({ x: LossReason.BelowAuctionFloor });
    expect(o.noBidReason).toBe(NoBidReason.AllBidsBelowFloor);
  });

  it('converts a EUR floor (rounded up) and a EUR bid (rounded down)', () => {
    const req = request({ imp: [imp('1', { bidfloor: 1, bidfloorcur: 'EUR' })] });
    expect(runAuction(input(req, [])).imps[0]?.floorCpmMicros).toBe(1_100_000);
    const o = runAuction(input(req, [bid(1_000_000, { cur: 'EUR' })]));
    expect(winnerOf(o)?.bidCpmMicros).toBe(1_100_000);
  });

  it('rejects a bid in a currency without a rate', () => {
    const o = runAuction(input(request(), [bid(1_000_000, { bidderId: 'x', cur: 'XXX' })]));
    expect(reasons(o)).toEqual({ x: LossReason.UnknownCurrency });
    expect(o.noBidReason).toBe(NoBidReason.AllBidsRejected);
  });
});

describe('runAuction: blocks (bcat/badv/bapp/battr/bseat/wseat)', () => {
  it('rejects blocked bids with the matching loss reason', () => {
    const req = request({
      bcat: ['IAB25'],
      badv: ['bad.com'],
      bapp: ['com.bad'],
      bseat: ['seat-blocked'],
      imp: [imp('1', { banner: { w: 300, h: 250, battr: [9] } })],
    });
    const o = runAuction(
      input(req, [
        bid(5_000_000, { bidderId: 'cat', bid: { cat: ['IAB25-3'] } }),
        bid(5_000_000, { bidderId: 'adv', bid: { adomain: ['shop.BAD.com'] } }),
        bid(5_000_000, { bidderId: 'app', bid: { bundle: 'com.bad' } }),
        bid(5_000_000, { bidderId: 'attr', bid: { attr: [1, 9] } }),
        bid(5_000_000, { bidderId: 'seat', seat: 'seat-blocked' }),
        bid(1_000_000, { bidderId: 'ok', bid: { cat: ['IAB2'], adomain: ['good.com'] } }),
      ]),
    );
    expect(winnerOf(o)?.candidate.bidderId).toBe('ok');
    expect(reasons(o)).toEqual({
      cat: LossReason.CategoryExclusions,
      adv: LossReason.AdvertiserExclusions,
      app: LossReason.AppStoreIdExclusions,
      attr: LossReason.CreativeAttributeExclusions,
      seat: LossReason.BuyerSeatBlocked,
    });
  });
  it('near misses are not blocked: another domain ending alike, a longer category', () => {
    const req = request({ bcat: ['IAB25'], badv: ['Bad.com'] });
    const o = runAuction(
      input(req, [
        bid(5_000_000, { bidderId: 'notbad', bid: { adomain: ['notbad.com'] } }),
        bid(4_000_000, { bidderId: 'cat', bid: { cat: ['IAB251'] } }),
        bid(3_000_000, { bidderId: 'sub', bid: { adomain: ['x.bad.COM'] } }),
      ]),
    );
    expect(winnerOf(o)?.candidate.bidderId).toBe('notbad');
    expect(reasons(o)).toEqual({ cat: LossReason.LostToHigherBid, sub: LossReason.AdvertiserExclusions });
  });
  it('wseat admits only listed seats', () => {
    const o = runAuction(
      input(request({ wseat: ['s1'] }), [
        bid(2, { bidderId: 'in', seat: 's1' }),
        bid(9, { bidderId: 'out', seat: 's2' }),
      ]),
    );
    expect(winnerOf(o)?.candidate.bidderId).toBe('in');
  });
});

describe('runAuction: creative fit', () => {
  it('rejects a markup type the imp does not offer and a banner size it does not list', () => {
    const req = request({
      imp: [
        imp('1', {
          banner: {
            format: [
              { w: 300, h: 250 },
              { w: 320, h: 50 },
            ],
          },
        }),
      ],
    });
    const o = runAuction(
      input(req, [
        bid(5_000_000, { bidderId: 'video', bid: { mtype: 2 } }),
        bid(5_000_000, { bidderId: 'size', bid: { w: 728, h: 90 } }),
        bid(1_000_000, { bidderId: 'ok', bid: { mtype: 1, w: 320, h: 50 } }),
      ]),
    );
    expect(winnerOf(o)?.candidate.bidderId).toBe('ok');
    expect(reasons(o)).toEqual({
      video: LossReason.CreativeIncorrectFormat,
      size: LossReason.CreativeSizeNotAllowed,
    });
  });
});

describe('runAuction: creative fit and battr across media objects', () => {
  it('takes banner w x h as a size of its own, and battr from every media object', () => {
    const req = request({
      imp: [imp('1', { banner: { w: 300, h: 250 }, video: { mimes: ['video/mp4'], battr: [6] } })],
    });
    const o = runAuction(
      input(req, [
        bid(5_000_000, { bidderId: 'size', bid: { mtype: 1, w: 728, h: 90 } }),
        bid(5_000_000, { bidderId: 'attr', bid: { mtype: 2, attr: [6] } }),
        bid(1_000_000, { bidderId: 'ok', bid: { mtype: 1, w: 300, h: 250 } }),
      ]),
    );
    expect(winnerOf(o)?.candidate.bidderId).toBe('ok');
    expect(reasons(o)).toEqual({
      size: LossReason.CreativeSizeNotAllowed,
      attr: LossReason.CreativeAttributeExclusions,
    });
  });
  it('a banner with no fixed size takes any size', () => {
    const o = runAuction(
      input(request({ imp: [imp('1', { banner: {} })] }), [
        bid(1_000_000, { bidderId: 'any', bid: { mtype: 1, w: 728, h: 90 } }),
      ]),
    );
    expect(winnerOf(o)?.candidate.bidderId).toBe('any');
  });
});

describe('runAuction: deals (3.2.11 Pmp, 3.2.12 Deal)', () => {
  const pmpReq = (privateAuction: 0 | 1) =>
    request({
      at: 2,
      imp: [
        imp('1', {
          bidfloor: 0.5,
          pmp: {
            private_auction: privateAuction,
            deals: [
              { id: 'D1', bidfloor: 2.5, bidfloorcur: 'USD', at: 1, wseat: ['Agency1'] },
              { id: 'D2', bidfloor: 2, bidfloorcur: 'USD', at: 2 },
              { id: 'FIX', bidfloor: 3, bidfloorcur: 'USD', at: 3 },
            ],
          },
        }),
      ],
    });

  it('private auction: only deal bids are eligible', () => {
    const o = runAuction(
      input(pmpReq(1), [
        bid(9_000_000, { bidderId: 'open' }),
        bid(2_100_000, { bidderId: 'deal', bid: { dealid: 'D2' } }),
      ]),
    );
    expect(winnerOf(o)).toMatchObject({ dealId: 'D2', auctionType: 2, clearingCpmMicros: 2_010_000 });
    expect(reasons(o)).toEqual({ open: LossReason.OpenBidInPrivateAuction });
  });

  it('deal floors, deal wseat and unknown deal ids', () => {
    const o = runAuction(
      input(pmpReq(0), [
        bid(2_400_000, { bidderId: 'low', seat: 'Agency1', bid: { dealid: 'D1' } }),
        bid(3_000_000, { bidderId: 'wrongseat', seat: 'Agency9', bid: { dealid: 'D1' } }),
        bid(3_000_000, { bidderId: 'nodeal', bid: { dealid: 'NOPE' } }),
        bid(1_000_000, { bidderId: 'open' }),
      ]),
    );
    expect(winnerOf(o)?.candidate.bidderId).toBe('open');
    expect(reasons(o)).toEqual({
      low: LossReason.BelowDealFloor,
      wrongseat: LossReason.NotAllowedInDeal,
      nodeal: LossReason.InvalidDealId,
    });
  });

  it("the deal's at overrides the request's; at=3 clears at the deal price", () => {
    const o = runAuction(
      input(pmpReq(0), [bid(5_000_000, { seat: 'Agency1', bid: { dealid: 'D1' } }), bid(1_000_000)]),
    );
    expect(winnerOf(o)).toMatchObject({ auctionType: 1, clearingCpmMicros: 5_000_000 });
    const f = runAuction(input(pmpReq(0), [bid(4_000_000, { bid: { dealid: 'FIX' } })]));
    expect(winnerOf(f)).toMatchObject({ auctionType: 3, clearingCpmMicros: 3_000_000 });
  });

  it("a deal's wadomain admits only listed advertisers", () => {
    const req = request({
      imp: [
        imp('1', {
          pmp: {
            private_auction: 1,
            deals: [{ id: 'W', bidfloor: 0, bidfloorcur: 'USD', wadomain: ['ok.com'] }],
          },
        }),
      ],
    });
    const o = runAuction(
      input(req, [
        bid(3_000_000, { bidderId: 'other', bid: { dealid: 'W', adomain: ['x.com'] } }),
        bid(1_000_000, { bidderId: 'listed', bid: { dealid: 'W', adomain: ['ok.com'] } }),
      ]),
    );
    expect(winnerOf(o)?.candidate.bidderId).toBe('listed');
    expect(reasons(o)).toEqual({ other: LossReason.NotAllowedInDeal });
  });

  it('the snapshot deal config restricts bidders and raises the floor', () => {
    const deals = [
      { id: 'D2', floorCpmMicros: 4_000_000, at: 2 as const, wseat: [], dspIds: ['dspA'], campaignIds: [] },
    ];
    const base = input(pmpReq(0), []);
    const o = runAuction({
      ...base,
      snapshot: { ...base.snapshot, deals },
      bids: [
        bid(5_000_000, { bidderId: 'dspB', bid: { dealid: 'D2' } }),
        bid(3_000_000, { bidderId: 'dspA', bid: { dealid: 'D2' } }),
      ],
    });
    expect(reasons(o)).toEqual({ dspB: LossReason.NotAllowedInDeal, dspA: LossReason.BelowDealFloor });
  });

  it('an open bid losing to a deal bid is told so', () => {
    const o = runAuction(
      input(pmpReq(0), [
        bid(3_000_000, { bidderId: 'deal', bid: { dealid: 'D2' } }),
        bid(2_000_000, { bidderId: 'open' }),
      ]),
    );
    expect(reasons(o)).toEqual({ open: LossReason.LostToDealBid });
  });
});

describe('runAuction: tie-break, multi-imp, bad input', () => {
  it('at equal price a deal beats an open bid', () => {
    const req = request({
      imp: [imp('1', { pmp: { private_auction: 0, deals: [{ id: 'D', bidfloor: 0, bidfloorcur: 'USD' }] } })],
    });
    const o = runAuction(
      input(req, [
        bid(2_000_000, { bidderId: 'open' }),
        bid(2_000_000, { bidderId: 'deal', bid: { dealid: 'D' } }),
      ]),
    );
    expect(winnerOf(o)?.candidate.bidderId).toBe('deal');
  });

  it('one winner per imp; one bidder may win several', () => {
    const req = request({ imp: [imp('1'), imp('2'), imp('3')] });
    const o = runAuction(
      input(req, [
        bid(2_000_000, { bidderId: 'A', bid: { id: 'x', impid: '1' } }),
        bid(3_000_000, { bidderId: 'A', bid: { id: 'y', impid: '2' } }),
        bid(1_000_000, { bidderId: 'B', bid: { impid: '2' } }),
      ]),
    );
    expect(o.imps.map((i) => i.winner?.candidate.bidderId)).toEqual(['A', 'A', undefined]);
    expect(o.imps[2]?.noBidReason).toBe(NoBidReason.NoBids);
    expect(o.noBidReason).toBeUndefined();
  });

  it('rejects bids for unknown imps and repeated bid ids', () => {
    const dup1 = bid(2_000_000, { bidderId: 'D', bid: { id: 'same' } });
    const dup2 = bid(3_000_000, { bidderId: 'D', bid: { id: 'same' } });
    const o = runAuction(input(request(), [bid(1, { bid: { impid: '9' } }), dup1, dup2]));
    expect(o.unmatched.map((l) => l.reason)).toEqual([
      LossReason.InvalidBidResponse,
      LossReason.InvalidBidResponse,
      LossReason.InvalidBidResponse,
    ]);
    expect(o.noBidReason).toBe(NoBidReason.NoBids);
  });

  it('repeated bids that differ only deep inside (an ext nested past stringify) are still ordered', () => {
    const deep = JSON.parse(`${'['.repeat(200_000)}1${']'.repeat(200_000)}`) as unknown;
    const same = { bidderId: 'D', seat: 'S', bid: { id: 'same', crid: 'c', ext: { deep } } };
    const o = runAuction(input(request(), [bid(2_000_000, same), bid(2_000_000, same)]));
    expect(o.unmatched).toHaveLength(2);
    expect(o.unmatched.every((l) => l.detail === 'duplicate bid id')).toBe(true);
  });

  it('no bids at all: nbr says so', () => {
    expect(runAuction(input(request(), [])).noBidReason).toBe(NoBidReason.NoBids);
  });
});
