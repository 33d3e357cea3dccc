import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bpsOf } from '../money.ts';
import type { BidRequest } from '../openrtb/bid-request.ts';
import { grossUp } from './pricing.ts';
import { runAuction } from './run.ts';
import { imp, input } from './test-fixtures.ts';
import type { AuctionOutcome, CandidateBid } from './types.ts';

const IMPS = ['1', '2', '3'];
const arbBid = fc.record({
  bidder: fc.constantFrom('a', 'b', 'c', 'd'),
  kind: fc.constantFrom('dsp' as const, 'campaign' as const),
  // Few ids so repeated (duplicate) bid ids are common too.
  id: fc.constantFrom('x', 'y', 'z', '1'),
  impid: fc.constantFrom(...IMPS, '9'),
  // A few fixed prices make ties common, so the tie-break is exercised.
  price: fc.oneof(fc.constantFrom(1_000_000, 2_000_000), fc.integer({ min: 0, max: 50_000_000 })),
  cur: fc.constantFrom('USD', 'EUR', 'JPY', 'XXX'),
  deal: fc.option(fc.constantFrom('D1', 'D2', 'NOPE'), { nil: undefined }),
  seat: fc.option(fc.constantFrom('s1', 's2'), { nil: undefined }),
});
const arbScenario = fc.record({
  at: fc.constantFrom(1, 2, 501),
  floors: fc.array(fc.double({ min: 0, max: 20, noNaN: true }), { minLength: 3, maxLength: 3 }),
  floorcur: fc.constantFrom('USD', 'EUR', 'JPY'),
  privateAuction: fc.constantFrom(0 as const, 1 as const),
  dealAt: fc.constantFrom(undefined, 1, 2, 3),
  takeRateBps: fc.integer({ min: 0, max: 5000 }),
  sspFloor: fc.integer({ min: 0, max: 5_000_000 }),
  bids: fc.array(arbBid, { maxLength: 25 }),
});

type Scenario = typeof arbScenario extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario) {
  const req: BidRequest = {
    id: 'A1',
    at: s.at,
    site: { id: 's' },
    imp: IMPS.map((id, i) =>
      imp(id, {
        bidfloor: s.floors[i] ?? 0,
        bidfloorcur: s.floorcur,
        pmp: {
          private_auction: id === '1' ? s.privateAuction : 0,
          deals: [
            { id: 'D1', bidfloor: 1, bidfloorcur: 'USD', ...(s.dealAt ? { at: s.dealAt } : {}) },
            { id: 'D2', bidfloor: 0.5, bidfloorcur: 'EUR', wseat: ['s1'] },
          ],
        },
      }),
    ),
  };
  const bids: CandidateBid[] = s.bids.map((b) => ({
    bidderKind: b.kind,
    bidderId: b.bidder,
    ...(b.seat ? { seat: b.seat } : {}),
    priceCpmMicros: b.price,
    cur: b.cur,
    bid: { id: b.id, impid: b.impid, price: b.price / 1e6, crid: 'c', ...(b.deal ? { dealid: b.deal } : {}) },
  }));
  return input(req, bids, { ssp: { floorCpmMicros: s.sspFloor, takeRateBps: s.takeRateBps } });
}

function allMoney(o: AuctionOutcome): number[] {
  return o.imps.flatMap((i) => [
    i.floorCpmMicros,
    ...(i.winner
      ? [
          i.winner.bidCpmMicros,
          i.winner.clearingCpmMicros,
          i.winner.takeCpmMicros,
          i.winner.sspPayoutCpmMicros,
          i.winner.floorCpmMicros,
        ]
      : []),
    ...i.losers.flatMap((l) => (l.bidCpmMicros === undefined ? [] : [l.bidCpmMicros])),
  ]);
}

describe('runAuction properties', () => {
  it('floor <= clearing <= bid, payout + take = clearing, money stays integer', () => {
    fc.assert(
      fc.property(arbScenario, (s) => {
        const o = runAuction(build(s));
        for (const i of o.imps) {
          const w = i.winner;
          if (!w) continue;
          expect(w.bidCpmMicros).toBeGreaterThanOrEqual(w.floorCpmMicros);
          expect(w.clearingCpmMicros).toBeLessThanOrEqual(w.bidCpmMicros);
          expect(w.clearingCpmMicros).toBeGreaterThanOrEqual(w.floorCpmMicros);
          expect(w.takeCpmMicros + w.sspPayoutCpmMicros).toBe(w.clearingCpmMicros);
          if (w.auctionType === 2) {
            const runnerUp = Math.max(
              0,
              ...i.losers.filter((l) => l.reason === 102 || l.reason === 103).map((l) => l.bidCpmMicros ?? 0),
            );
            expect(w.clearingCpmMicros).toBeLessThanOrEqual(w.bidCpmMicros);
            expect(w.bidCpmMicros).toBeGreaterThanOrEqual(runnerUp);
          }
        }
        for (const m of allMoney(o)) expect(Number.isSafeInteger(m) && m >= 0).toBe(true);
        // Every bid is accounted for exactly once: winner, loser or unmatched.
        const counted =
          o.unmatched.length + o.imps.reduce((n, i) => n + i.losers.length + (i.winner ? 1 : 0), 0);
        expect(counted).toBe(s.bids.length);
      }),
      { numRuns: 300 },
    );
  });

  it('the outcome does not depend on the order bids arrived in', () => {
    fc.assert(
      fc.property(arbScenario, fc.integer(), (s, seed) => {
        const a = build(s);
        const shuffled = [...a.bids];
        let x = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          const j = x % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as CandidateBid, shuffled[i] as CandidateBid];
        }
        expect(runAuction({ ...a, bids: shuffled })).toEqual(runAuction(a));
      }),
      { numRuns: 300 },
    );
  });

  it('grossUp gives the smallest price whose payout meets the net floor', () => {
    fc.assert(
      // Up to 10,000 CPM and a 90% take: amounts where money.ts bpsOf (a float product) is exact.
      fc.property(fc.integer({ min: 0, max: 1e10 }), fc.integer({ min: 0, max: 9000 }), (net, bps) => {
        const g = grossUp(net, bps);
        expect(g - bpsOf(g, bps)).toBeGreaterThanOrEqual(net);
        if (g > 0) expect(g - 1 - bpsOf(g - 1, bps)).toBeLessThan(net);
      }),
    );
  });
});
