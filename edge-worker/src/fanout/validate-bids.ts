// Every adapter's bids pass the same shared validation (shared/src/openrtb/parse-response.ts):
// they are regrouped into a BidResponse envelope per currency and checked against the request
// this DSP was sent, so a pulse bid and a generic bid obey identical rules.
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import { LossReason } from '@edge-rtb/shared/openrtb/codes';
import { type BidError, type ValidBid, validateBidResponse } from '@edge-rtb/shared/openrtb/parse-response';
import type { AdapterBid } from '../adapters/types.ts';

export function validateAdapterBids(
  bids: readonly AdapterBid[],
  request: BidRequest,
  allowedCurrencies: readonly string[],
): { valid: ValidBid[]; rejected: BidError[] } {
  const byCur = new Map<string, Map<string, unknown[]>>();
  for (const b of bids) {
    const seats = byCur.get(b.currency) ?? new Map<string, unknown[]>();
    byCur.set(b.currency, seats);
    const seat = b.seat ?? '';
    seats.set(seat, [...(seats.get(seat) ?? []), b.bid]);
  }
  const valid: ValidBid[] = [];
  const rejected: BidError[] = [];
  for (const [cur, seats] of byCur) {
    const seatbid: Array<{ seat?: string; bid: unknown[] }> = [];
    for (const [seat, bid] of seats) seatbid.push(seat === '' ? { bid } : { seat, bid });
    const r = validateBidResponse({ id: request.id, cur, seatbid }, request, { allowedCurrencies });
    if (r.ok) {
      valid.push(...r.value.bids);
      rejected.push(...r.value.errors);
      continue;
    }
    const why = r.error[0];
    for (const [seat, list] of seats)
      for (const b of list as Array<{ id?: unknown; impid?: unknown }>)
        rejected.push({
          field: why?.field ?? 'cur',
          reason: LossReason.InvalidBidResponse,
          code: why?.code ?? 'invalid_value',
          message: why?.message ?? `currency ${cur} refused`,
          ...(seat ? { seat } : {}),
          ...(typeof b.id === 'string' ? { bidId: b.id } : {}),
          ...(typeof b.impid === 'string' ? { impId: b.impid } : {}),
        });
  }
  return { valid, rejected };
}
