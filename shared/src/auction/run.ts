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

  // Loops, not callbacks: a closure made per auction loses its optimized code at every full GC
  // in workerd (docs/benchmarks.md, "Session 5").
  const byImp = new Map<string, CandidateBid[]>();
  for (const i of request.imp) byImp.set(i.id, []);
  const unmatched: Loser[] = [];
  // Duplicates (same bidder, imp and bid id) are all rejected: keeping "the first" would make
  // the outcome depend on arrival order.
  // Each bid's key is built once, here: for finding duplicates and for ordering the losers.
  const keys = new Map<CandidateBid, string>();
  const count = new Map<string, number>();
  for (const c of input.bids) {
    const k = bidKey(c);
    keys.set(c, k);
    count.set(k, (count.get(k) ?? 0) + 1);
  }
  for (const c of input.bids) {
    const list = byImp.get(c.bid.impid);
    if (!list) unmatched.push(loser(c, LossReason.InvalidBidResponse, `no imp ${c.bid.impid}`));
    else if ((count.get(keys.get(c)!) ?? 0) > 1)
      unmatched.push(loser(c, LossReason.InvalidBidResponse, 'duplicate bid id'));
    else list.push(c);
  }

  const imps: ImpOutcome[] = [];
  let sold = false;
  for (const imp of request.imp) {
    const o = auctionImp(input, imp, byImp.get(imp.id) ?? [], currency, take);
    sortLosers(o.losers, keys);
    if (o.winner) sold = true;
    imps.push(o);
  }
  return {
    auctionId: request.id,
    currency,
    imps,
    unmatched: sortLosers(unmatched, keys),
    noBidReason: sold ? undefined : overallNoBid(imps),
  };
}

/**
 * Losers in a fixed order whatever order the bids came in: by bidder and bid id, then (for
 * rejected duplicates, which share those) by reason, price, currency and the bid itself.
 */
function sortLosers(losers: Loser[], keys: ReadonlyMap<CandidateBid, string>): Loser[] {
  if (losers.length < 2) return losers;
  // Keys looked up once per loser, not per comparison; a module comparator over (key, loser)
  // pairs, not a closure over the map made per auction.
  const keyed: Keyed[] = [];
  for (const l of losers) keyed.push({ key: keys.get(l.candidate) ?? bidKey(l.candidate), l });
  keyed.sort(compareLosers);
  for (let i = 0; i < keyed.length; i++) losers[i] = keyed[i]!.l;
  return losers;
}

interface Keyed {
  key: string;
  l: Loser;
}

function compareLosers(x: Keyed, y: Keyed): number {
  const a = x.l;
  const b = y.l;
  return (
    cmp(x.key, y.key) ||
    a.reason - b.reason ||
    a.candidate.priceCpmMicros - b.candidate.priceCpmMicros ||
    cmp(a.candidate.cur, b.candidate.cur) ||
    cmp(contentKey(a.candidate), contentKey(b.candidate))
  );
}

const cmp = (x: string | number, y: string | number) => (x < y ? -1 : x > y ? 1 : 0);

/**
 * A bid's identity within an auction: bidder, imp and bid id (repeats share it). Without the
 * auction id, the same for every bid of an auction, so it orders the same and builds less.
 */
const bidKey = (c: CandidateBid) => `${c.bidderKind}\u0000${c.bidderId}\u0000${c.bid.impid}\u0000${c.bid.id}`;

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
  let allNone = true;
  let belowFloor = false;
  for (const i of imps) {
    if (i.noBidReason !== NoBidReason.NoBids) allNone = false;
    if (i.noBidReason === NoBidReason.AllBidsBelowFloor) belowFloor = true;
  }
  if (allNone) return NoBidReason.NoBids;
  if (belowFloor) return NoBidReason.AllBidsBelowFloor;
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
  // Outcome objects are literals with every key (absent ones undefined): a key added later gives
  // a hidden class that dies with the request and takes optimized code along at the runtime's
  // next full GC (docs/architecture.md, "Hidden classes that outlive a request").
  const out: ImpOutcome = {
    impId: imp.id,
    floorCpmMicros: openFloor,
    winner: undefined,
    losers,
    noBidReason: undefined,
  };
  if (bids.length === 0) {
    out.noBidReason = NoBidReason.NoBids;
    return out;
  }

  const eligible: Eligible[] = [];
  for (const c of bids) {
    if (!Number.isSafeInteger(c.priceCpmMicros) || c.priceCpmMicros <= 0) {
      losers.push(
        loser(c, LossReason.MissingBidPrice, `price ${c.priceCpmMicros} is not a positive integer of micros`),
      );
      continue;
    }
    if (!reqFloor.ok) {
      losers.push(loser(c, LossReason.UnknownCurrency, `imp bidfloorcur ${imp.bidfloorcur} has no rate`));
      continue;
    }
    const price = convertMicros(c.priceCpmMicros, c.cur, currency, rates, 'down');
    if (!price.ok) {
      losers.push(loser(c, LossReason.UnknownCurrency, `bid currency ${c.cur} has no rate`));
      continue;
    }
    const block = requestBlock(request, imp, c.bid, c.seat);
    if (block) {
      losers.push(loser(c, block.reason, block.detail, price.value));
      continue;
    }
    const terms = dealTerms(c, imp, snapshot.deals, currency, rates);
    if (!terms.ok) {
      losers.push(loser(c, terms.error.reason, terms.error.detail, price.value));
      continue;
    }
    const floor = terms.value ? grossUp(terms.value.netFloorCpmMicros, take) : openFloor;
    if (price.value < floor) {
      const reason = terms.value ? LossReason.BelowDealFloor : LossReason.BelowAuctionFloor;
      losers.push(loser(c, reason, `bid ${price.value} < floor ${floor} micros`, price.value));
      continue;
    }
    const key = tieKey(request.id, c.bidderKind, c.bidderId, c.bid.id);
    eligible.push({
      candidate: c,
      priceCpmMicros: price.value,
      isDeal: !!terms.value,
      key,
      hash: fnv1a(key),
      floor,
      terms: terms.value ?? undefined,
    });
  }

  if (eligible.length === 0) {
    out.noBidReason = allBelowFloor(losers) ? NoBidReason.AllBidsBelowFloor : NoBidReason.AllBidsRejected;
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
    dealId: w.terms?.deal.id,
  };
  for (const e of eligible.slice(1)) {
    const toDeal = w.terms !== undefined && e.terms === undefined;
    losers.push(
      loser(
        e.candidate,
        toDeal ? LossReason.LostToDealBid : LossReason.LostToHigherBid,
        `${e.priceCpmMicros} lost to ${w.priceCpmMicros} micros`,
        e.priceCpmMicros,
      ),
    );
  }
  return out;
}

function loser(candidate: CandidateBid, reason: LossReason, detail: string, bidCpmMicros?: Micros): Loser {
  return { candidate, bidCpmMicros, reason, detail };
}

function allBelowFloor(losers: Loser[]): boolean {
  for (const l of losers) if (!FLOOR_REASONS.has(l.reason)) return false;
  return true;
}
