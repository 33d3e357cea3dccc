// Turning validated DSP answers into auction candidates: the wire CPM float becomes micros once
// here (money.ts), in the response currency; the auction converts currencies.
import { cpmToMicros } from '../money.ts';
import type { ValidatedResponse } from '../openrtb/parse-response.ts';
import type { CandidateBid } from './types.ts';

export function dspCandidates(dspId: string, response: ValidatedResponse): CandidateBid[] {
  const out: CandidateBid[] = [];
  // One literal with every key, in the order of the edge's own-campaign candidates, so both
  // kinds share a hidden class (docs/architecture.md, "Hidden classes that outlive a request").
  for (const { seat, cur, bid } of response.bids)
    out.push({ bidderKind: 'dsp', bidderId: dspId, seat, priceCpmMicros: cpmToMicros(bid.price), cur, bid });
  return out;
}
