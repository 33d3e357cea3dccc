// runAuction: one auction per imp over the candidate bids. Per bid, in order: known imp, sane
// price, known currency (converted to the exchange currency, rounded down), request blocks,
// deal rules, floor (gross of take). Eligible bids are ranked (tie-break.ts); the first wins
// and its clearing price follows the imp's auction type (pricing.ts). Pure and deterministic:
// the same request, bids (in any order) and snapshot give the same outcome.
import { cpmToMicros, type Micros } from '../money.ts';
import { LossReason, NoBidReason } from '../openrtb/codes.ts';
import type { Imp } from '../openrtb/imp.ts';
import { requestBlock } from './blocks.ts';
import { convertMicros } from './currency.ts';
import { type DealTerms, dealTerms } from './deals.ts';
import { clearingPrice, grossUp, split } from './pricing.ts';
import { compareRanked, fnv1a, type Ranked, tieKey } from './tie-break.ts';
import type { AuctionInput, AuctionOutcome, CandidateBid, ImpOutcome, Loser } from './types.ts';

interface Eligible extends Ranked {
  candidate: CandidateBid;
  floor: Micros;
  terms?: DealTerms;
}

const FLOOR_REASONS = new Set<number>([LossReason.BelowAuctionFloor, LossReason.BelowDealFloor]);

export function runAuction(input: AuctionInput): AuctionOutcome {
  const { request, snapshot, ssp } = input;
  const currency = snapshot.exchange.currency;
  const take = ssp.takeRateBps;
  if (!Number.isInteger(take) || take < 0 || take >= 10_000)
    throw new RangeError(`takeRateBps ${take} out of [0, 10000)`);

  const byImp = new Map<string, CandidateBid[]>(request.imp.map((i) => [i.id, []]));
  const unmatched: Loser[] = [];
  // Duplicates (same bidder, imp and bid id) are all rejected: keeping "the first" would make
  // the outcome depend on arrival order.
  const dupKey = (c: CandidateBid) =>
    tieKey(request.id, c.bidderKind, c.bidderId, `${c.bid.impid}\u0000${c.bid.id}`);
  const count = new Map<string, number>();
  const dupKeys = input.bids.map(dupKey);
  for (const k of dupKeys) count.set(k, (count.get(k) ?? 0) + 1);
  input.bids.forEach((c, i) => {
    const list = byImp.get(c.bid.impid);
    if (!list)
      unmatched.push({
        candidate: c,
        reason: LossReason.InvalidBidResponse,
        detail: `no imp ${c.bid.impid}`,
      });
    else if ((count.get(dupKeys[i]!) ?? 0) > 1)
      unmatched.push({ candidate: c, reason: LossReason.InvalidBidResponse, detail: 'duplicate bid id' });
    else list.push(c);
  });

  const imps = request.imp.map((imp) => {
    const o = auctionImp(input, imp, byImp.get(imp.id) ?? [], currency, take);
    sortLosers(request.id, o.losers);
    return o;
  });
  const outcome: AuctionOutcome = {
    auctionId: request.id,
    currency,
    imps,
    unmatched: sortLosers(request.id, unmatched),
  };
  if (!imps.some((i) => i.winner)) outcome.noBidReason = overallNoBid(imps);
  return outcome;
}

/**
 * Losers in a fixed order whatever order the bids came in: by bidder and bid id, then (for
 * rejected duplicates, which share those) by reason, price, currency and the bid itself.
 */
function sortLosers(auctionId: string, losers: Loser[]): Loser[] {
  if (losers.length < 2) return losers;
  // Each loser's key is built once, not twice per comparison.
  const keys = new Map<Loser, string>();
  for (const l of losers) {
    const c = l.candidate;
    keys.set(l, tieKey(auctionId, c.bidderKind, c.bidderId, `${c.bid.impid}\u0000${c.bid.id}`));
  }
  const cmp = (x: string | number, y: string | number) => (x < y ? -1 : x > y ? 1 : 0);
  return losers.sort(
    (a, b) =>
      cmp(keys.get(a)!, keys.get(b)!) ||
      a.reason - b.reason ||
      a.candidate.priceCpmMicros - b.candidate.priceCpmMicros ||
      cmp(a.candidate.cur, b.candidate.cur) ||
      cmp(contentKey(a.candidate), contentKey(b.candidate)),
  );
}

/**
 * A candidate's whole content as text, for ordering exact repeats. A bid is DSP input: one nested
 * past what a recursive stringify survives orders as '' (by arrival) instead of failing the auction.
 */
function contentKey(c: CandidateBid): string {
  try {
    return JSON.stringify(c);
  } catch {
    return '';
  }
}

function overallNoBid(imps: ImpOutcome[]): NoBidReason {
  if (imps.every((i) => i.noBidReason === NoBidReason.NoBids)) return NoBidReason.NoBids;
  if (imps.some((i) => i.noBidReason === NoBidReason.AllBidsBelowFloor)) return NoBidReason.AllBidsBelowFloor;
  return NoBidReason.AllBidsRejected;
}

function auctionImp(
  input: AuctionInput,
  imp: Imp,
  bids: CandidateBid[],
  currency: string,
  take: number,
): ImpOutcome {
  const { request, snapshot, ssp } = input;
  const rates = snapshot.currencyRates;
  const losers: Loser[] = [];
  const reqFloor = convertMicros(cpmToMicros(imp.bidfloor), imp.bidfloorcur, currency, rates, 'up');
  const openFloor = grossUp(Math.max(reqFloor.ok ? reqFloor.value : 0, ssp.floorCpmMicros), take);
  const out: ImpOutcome = { impId: imp.id, floorCpmMicros: openFloor, losers };
  if (bids.length === 0) {
    out.noBidReason = NoBidReason.NoBids;
    return out;
  }

  const eligible: Eligible[] = [];
  for (const c of bids) {
    const lose = (reason: LossReason, detail: string, bidCpmMicros?: Micros) => {
      const l: Loser = { candidate: c, reason, detail };
      if (bidCpmMicros !== undefined) l.bidCpmMicros = bidCpmMicros;
      losers.push(l);
    };
    if (!Number.isSafeInteger(c.priceCpmMicros) || c.priceCpmMicros <= 0) {
      lose(LossReason.MissingBidPrice, `price ${c.priceCpmMicros} is not a positive integer of micros`);
      continue;
    }
    if (!reqFloor.ok) {
      lose(LossReason.UnknownCurrency, `imp bidfloorcur ${imp.bidfloorcur} has no rate`);
      continue;
    }
    const price = convertMicros(c.priceCpmMicros, c.cur, currency, rates, 'down');
    if (!price.ok) {
      lose(LossReason.UnknownCurrency, `bid currency ${c.cur} has no rate`);
      continue;
    }
    const block = requestBlock(request, imp, c.bid, c.seat);
    if (block) {
      lose(block.reason, block.detail, price.value);
      continue;
    }
    const terms = dealTerms(c, imp, snapshot.deals, currency, rates);
    if (!terms.ok) {
      lose(terms.error.reason, terms.error.detail, price.value);
      continue;
    }
    const floor = terms.value ? grossUp(terms.value.netFloorCpmMicros, take) : openFloor;
    if (price.value < floor) {
      const reason = terms.value ? LossReason.BelowDealFloor : LossReason.BelowAuctionFloor;
      lose(reason, `bid ${price.value} < floor ${floor} micros`, price.value);
      continue;
    }
    const key = tieKey(request.id, c.bidderKind, c.bidderId, c.bid.id);
    const e: Eligible = {
      candidate: c,
      priceCpmMicros: price.value,
      isDeal: !!terms.value,
      key,
      hash: fnv1a(key),
      floor,
    };
    if (terms.value) e.terms = terms.value;
    eligible.push(e);
  }

  if (eligible.length === 0) {
    out.noBidReason = losers.every((l) => FLOOR_REASONS.has(l.reason))
      ? NoBidReason.AllBidsBelowFloor
      : NoBidReason.AllBidsRejected;
    return out;
  }
  eligible.sort(compareRanked);
  const [w, runnerUp] = eligible as [Eligible, Eligible | undefined];
  const at = w.terms?.at ?? (request.at === 2 ? 2 : 1);
  const clearing = clearingPrice(
    at,
    w.priceCpmMicros,
    w.floor,
    runnerUp?.priceCpmMicros,
    snapshot.exchange.secondPriceIncrementCpmMicros,
  );
  const { take: takeMicros, payout } = split(clearing, take);
  out.winner = {
    candidate: w.candidate,
    bidCpmMicros: w.priceCpmMicros,
    clearingCpmMicros: clearing,
    takeCpmMicros: takeMicros,
    sspPayoutCpmMicros: payout,
    takeRateBps: take,
    auctionType: at,
    floorCpmMicros: w.floor,
  };
  if (w.terms) out.winner.dealId = w.terms.deal.id;
  for (const e of eligible.slice(1)) {
    const toDeal = w.terms !== undefined && e.terms === undefined;
    losers.push({
      candidate: e.candidate,
      bidCpmMicros: e.priceCpmMicros,
      reason: toDeal ? LossReason.LostToDealBid : LossReason.LostToHigherBid,
      detail: `${e.priceCpmMicros} lost to ${w.priceCpmMicros} micros`,
    });
  }
  return out;
}
