// Every adapter's bids pass the same shared validation (shared/src/openrtb/parse-response.ts):
// they are regrouped into a BidResponse envelope per currency and checked against the request
// this DSP was sent, so a pulse bid and a generic bid obey identical rules.
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import { LossReason } from '@edge-rtb/shared/openrtb/codes';
import {
  type BidError,
  bidError,
  type ValidBid,
  validateBidResponse,
} from '@edge-rtb/shared/openrtb/parse-response';
import type { AdapterBid } from '../adapters/types.ts';

export function validateAdapterBids(
  bids: readonly AdapterBid[],
  request: BidRequest,
  allowedCurrencies: readonly string[],
): { valid: ValidBid[]; rejected: BidError[] } {
  // Regrouped by scans over small arrays (nearly always one currency and one seat), not maps of
  // maps and copied arrays: this runs for every DSP answer, and its garbage sets how often the
  // isolate stops for a young-generation GC (docs/benchmarks.md, "Session 6").
  const groups: Array<{ cur: string; seatbid: Array<{ seat: string | undefined; bid: unknown[] }> }> = [];
  for (const b of bids) {
    let g = groups.find(sameCur, b.currency);
    if (!g) {
      g = { cur: b.currency, seatbid: [] };
      groups.push(g);
    }
    const seat = b.seat || undefined;
    let sb = g.seatbid.find(sameSeat, seat);
    if (!sb) {
      sb = { seat, bid: [] };
      g.seatbid.push(sb);
    }
    sb.bid.push(b.bid);
  }
  const valid: ValidBid[] = [];
  const rejected: BidError[] = [];
  for (const { cur, seatbid } of groups) {
    const r = validateBidResponse({ id: request.id, cur, seatbid }, request, { allowedCurrencies });
    if (r.ok) {
      for (const v of r.value.bids) valid.push(v);
      for (const e of r.value.errors) rejected.push(e);
      continue;
    }
    const why = r.error[0];
    for (const { seat, bid: list } of seatbid)
      for (const b of list as Array<Record<string, unknown>>)
        rejected.push(
          bidError(
            why?.field ?? 'cur',
            LossReason.InvalidBidResponse,
            why?.code ?? 'invalid_value',
            why?.message ?? `currency ${cur} refused`,
            seat,
            b,
          ),
        );
  }
  return { valid, rejected };
}

// find() with a thisArg and module functions: no closure per bid.
function sameCur(this: string, g: { cur: string }): boolean {
  return g.cur === this;
}

function sameSeat(this: string | undefined, sb: { seat: string | undefined }): boolean {
  return sb.seat === this;
}
