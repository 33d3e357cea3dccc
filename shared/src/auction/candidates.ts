// Turning validated DSP answers into auction candidates: the wire CPM float becomes micros once
// here (money.ts), in the response currency; the auction converts currencies.
import { cpmToMicros } from '../money.ts';
import type { ValidatedResponse } from '../openrtb/parse-response.ts';
import type { CandidateBid } from './types.ts';

export function dspCandidates(dspId: string, response: ValidatedResponse): CandidateBid[] {
  const out: CandidateBid[] = [];
  for (const { seat, cur, bid } of response.bids) {
    const c: CandidateBid = {
      bidderKind: 'dsp',
      bidderId: dspId,
      priceCpmMicros: cpmToMicros(bid.price),
      cur,
      bid,
    };
    if (seat !== undefined) c.seat = seat;
    out.push(c);
  }
  return out;
}
