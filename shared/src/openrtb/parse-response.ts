// Validating a DSP's BidResponse against the request we sent. A broken envelope (bad JSON, id
// mismatch, currency not allowed) rejects the whole response; a broken bid rejects only itself,
// with a loss reason, so good bids from the same DSP still compete. Never throws.
import { err, ok, type Result } from '../result.ts';
import type { Bid } from './bid.ts';
import { type BidRequest, impById } from './bid-request.ts';
import { LossReason } from './codes.ts';
import { DEFAULT_CURRENCY, isCurrencyCode, MAX_CPM } from './currency.ts';
import type { RequestError } from './errors.ts';
import type { Imp } from './imp.ts';
import { at, fail, int, intArr, isObj, newCtx, type Obj, type ReadCtx, str, strArr } from './read.ts';
import { DEFAULT_JSON_LIMITS, type JsonLimits, safeJsonParse } from './safe-json.ts';

export interface ResponseOptions {
  /** Currencies the exchange accepts (those with a rate); absent = any well-formed code. */
  allowedCurrencies?: readonly string[];
  /** Max bids kept from one response; the rest are rejected. */
  maxBids?: number;
}

/** A bid that passed validation, with its seat and the response currency. */
export interface ValidBid {
  seat?: string;
  cur: string;
  bid: Bid;
}

/** A rejected bid: where it was, why (OpenRTB loss reason) and what was wrong. */
export interface BidError {
  field: string;
  seat?: string;
  bidId?: string;
  impId?: string;
  reason: LossReason;
  code: RequestError['code'];
  message: string;
}

export interface ValidatedResponse {
  id: string;
  cur: string;
  nbr?: number;
  bids: ValidBid[];
  errors: BidError[];
}

export function parseBidResponse(
  body: string,
  request: BidRequest,
  opts: ResponseOptions = {},
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): Result<ValidatedResponse, RequestError[]> {
  // An empty body is how many DSPs say "no bid" (with HTTP 204); treat it as an empty answer.
  if (body.trim() === '') return ok({ id: request.id, cur: DEFAULT_CURRENCY, bids: [], errors: [] });
  const json = safeJsonParse(body, limits);
  if (!json.ok) return err([json.error]);
  return validateBidResponse(json.value, request, opts);
}

export function validateBidResponse(
  value: unknown,
  request: BidRequest,
  opts: ResponseOptions = {},
): Result<ValidatedResponse, RequestError[]> {
  if (!isObj(value))
    return err([{ code: 'wrong_type', field: '$', message: 'a BidResponse must be a JSON object' }]);
  const ctx = newCtx();
  const id = str(ctx, value, 'id', '', true);
  if (id !== undefined && id !== request.id)
    fail(ctx, 'invalid_value', 'id', `id "${id}" does not match the request id "${request.id}"`);
  const cur = str(ctx, value, 'cur', '') ?? DEFAULT_CURRENCY;
  if (!isCurrencyCode(cur))
    fail(ctx, 'invalid_value', 'cur', `cur must be a 3-letter ISO-4217 code, got "${cur}"`);
  else if (opts.allowedCurrencies && !opts.allowedCurrencies.includes(cur))
    fail(ctx, 'invalid_value', 'cur', `cur "${cur}" is not a currency this exchange accepts`);
  const nbr = int(ctx, value, 'nbr', '', { min: 0 });
  const seatbid = value.seatbid;
  if (seatbid !== undefined && !Array.isArray(seatbid))
    fail(ctx, 'wrong_type', 'seatbid', 'seatbid must be an array');
  if (ctx.errors.length > 0) return err(ctx.errors);

  const out: ValidatedResponse = { id: request.id, cur, nbr, bids: [], errors: [] };
  const maxBids = opts.maxBids ?? 500;
  // Every DSP answer of every auction comes through here, so a valid bid costs no garbage
  // beyond its ValidBid (docs/benchmarks.md, "Session 6": allocation sets the edge's P99): the
  // bid's JSON path is only built for an error, one ReadCtx serves every bid, imps are found by
  // a scan, and repeats are looked for among the bids kept so far (a Set past a few dozen).
  let seen: Set<string> | undefined;
  const seats = (seatbid as unknown[] | undefined) ?? [];
  for (let s = 0; s < seats.length; s++) {
    const sb = seats[s];
    if (!isObj(sb) || !Array.isArray(sb.bid)) {
      const sp = at('seatbid', s);
      out.errors.push(
        bidError(sp, LossReason.InvalidBidResponse, 'wrong_type', `${sp} must be an object with a bid array`),
      );
      continue;
    }
    const seat = typeof sb.seat === 'string' ? sb.seat : undefined;
    const bids: unknown[] = sb.bid;
    for (let i = 0; i < bids.length; i++) {
      const b = bids[i];
      if (out.bids.length >= maxBids) {
        out.errors.push(
          bidError(
            bidPath(s, i),
            LossReason.InvalidBidResponse,
            'too_many',
            `more than ${maxBids} bids`,
            seat,
          ),
        );
        continue;
      }
      // Checked once with a placeholder path; a bid that fails is checked again with its real
      // path, so its error names the field exactly (checkBid is pure).
      ctx.errors.length = 0;
      if (checkBid(ctx, b, '', request, seat)) {
        ctx.errors.length = 0;
        out.errors.push(checkBid(ctx, b, bidPath(s, i), request, seat) as BidError);
        continue;
      }
      const bid = b as Bid;
      if (out.bids.length >= SCAN_REPEATS) seen ??= keysOf(out.bids);
      if (seen ? seen.has(repeatKey(seat, bid)) : repeats(out.bids, seat, bid)) {
        out.errors.push(
          bidError(
            bidPath(s, i),
            LossReason.InvalidBidResponse,
            'duplicate',
            `bid id "${bid.id}" repeats for imp "${bid.impid}"`,
            seat,
            bid,
          ),
        );
        continue;
      }
      seen?.add(repeatKey(seat, bid));
      out.bids.push({ seat, cur, bid });
    }
  }
  return ok(out);
}

const bidPath = (s: number, i: number) => `seatbid[${s}].bid[${i}]`;

/** Up to this many kept bids, repeats are found by a scan instead of a Set of string keys. */
const SCAN_REPEATS = 32;

const repeatKey = (seat: string | undefined, bid: Bid) => `${seat ?? ''}\u0000${bid.id}\u0000${bid.impid}`;

function repeats(kept: readonly ValidBid[], seat: string | undefined, bid: Bid): boolean {
  for (const k of kept) if (k.seat === seat && k.bid.id === bid.id && k.bid.impid === bid.impid) return true;
  return false;
}

function keysOf(kept: readonly ValidBid[]): Set<string> {
  const keys = new Set<string>();
  for (const k of kept) keys.add(repeatKey(k.seat, k.bid));
  return keys;
}

/** One bid's error: the one literal every BidError is built from, so all share a hidden class. */
export function bidError(
  field: string,
  reason: LossReason,
  code: RequestError['code'],
  message: string,
  seat?: string,
  b?: Obj | Bid,
): BidError {
  return {
    field,
    seat,
    bidId: b && typeof b.id === 'string' ? b.id : undefined,
    impId: b && typeof b.impid === 'string' ? b.impid : undefined,
    reason,
    code,
    message,
  };
}

// Per-bid constants hoisted: every DSP bid is checked, and fresh literals per call were garbage.
const BID_STRINGS = ['adm', 'nurl', 'burl', 'lurl', 'adid', 'cid', 'bundle', 'dealid'] as const;
const BID_SIZES = ['w', 'h'] as const;
const NON_NEGATIVE = { min: 0 };
const MTYPE = { min: 1, max: 4 };

/** `ctx` comes in with no errors; `p` is the bid's JSON path, for the error's field and message. */
function checkBid(
  ctx: ReadCtx,
  b: unknown,
  p: string,
  request: BidRequest,
  seat: string | undefined,
): BidError | undefined {
  if (!isObj(b))
    return bidError(p, LossReason.InvalidBidResponse, 'wrong_type', `${p} must be an object`, seat);
  str(ctx, b, 'id', p, true);
  str(ctx, b, 'impid', p, true);
  if (ctx.errors.length) return firstError(ctx, LossReason.InvalidBidResponse, seat, b);
  const imp = impById(request, b.impid);
  if (!imp)
    return bidError(
      at(p, 'impid'),
      LossReason.InvalidBidResponse,
      'invalid_value',
      `${p}.impid "${String(b.impid)}" names no imp of the request`,
      seat,
      b,
    );
  if (b.price === undefined)
    return bidError(at(p, 'price'), LossReason.MissingBidPrice, 'missing', `${p}.price is required`, seat, b);
  if (typeof b.price !== 'number' || !Number.isFinite(b.price) || b.price <= 0 || b.price > MAX_CPM)
    return bidError(
      at(p, 'price'),
      LossReason.InvalidBidResponse,
      'invalid_value',
      `${p}.price must be a finite number > 0 and <= ${MAX_CPM}`,
      seat,
      b,
    );
  str(ctx, b, 'crid', p, true);
  if (ctx.errors.length) return firstError(ctx, LossReason.MissingCreativeId, seat, b);
  strArr(ctx, b, 'adomain', p, 50);
  if (ctx.errors.length) return firstError(ctx, LossReason.InvalidAdvertiserDomain, seat, b);
  strArr(ctx, b, 'cat', p, 50);
  intArr(ctx, b, 'attr', p, 50);
  for (const k of BID_STRINGS) str(ctx, b, k, p);
  for (const k of BID_SIZES) int(ctx, b, k, p, NON_NEGATIVE);
  int(ctx, b, 'mtype', p, MTYPE);
  if (ctx.errors.length) return firstError(ctx, LossReason.InvalidBidResponse, seat, b);
  if (typeof b.dealid === 'string' && !hasDeal(imp, b.dealid))
    return bidError(
      at(p, 'dealid'),
      LossReason.InvalidDealId,
      'invalid_value',
      `${p}.dealid "${b.dealid}" is not a deal of imp "${String(b.impid)}"`,
      seat,
      b,
    );
  return undefined;
}

/** The first error the reader recorded for a bid, as that bid's rejection with `reason`. */
function firstError(
  ctx: ReadCtx,
  reason: LossReason,
  seat: string | undefined,
  b: Obj,
): BidError | undefined {
  const e = ctx.errors[0];
  return e ? bidError(e.field, reason, e.code, e.message, seat, b) : undefined;
}

function hasDeal(imp: Imp | undefined, dealid: string): boolean {
  for (const d of imp?.pmp?.deals ?? []) if (d.id === dealid) return true;
  return false;
}
