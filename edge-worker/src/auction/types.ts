// What the edge hands the per-impression auction and what it gets back. Candidates from DSPs
// and own campaigns look alike here; only `bidderKind` tells them apart.
import type { Bid } from '@edge-rtb/shared/openrtb/bid';
import type { DspConfig } from '@edge-rtb/shared/snapshot';
import type { OwnBid } from '../campaigns/own-bidder.ts';

export interface Candidate {
  bidderKind: 'dsp' | 'campaign';
  bidderId: string;
  seat?: string;
  bid: Bid;
  /** Currency of bid.price. */
  cur: string;
  dsp?: DspConfig;
  own?: OwnBid;
}

export interface ImpResult {
  impId: string;
  winner?: Candidate;
  /** What the winning buyer pays, CPM micros, exchange currency. */
  clearingCpmMicros?: number;
  /** The winner's bid converted to exchange currency, CPM micros. */
  bidCpmMicros?: number;
  /** What the exchange bids to the SSP (clearing less the take rate), CPM micros. */
  sspPriceCpmMicros?: number;
  losers: Array<{ candidate: Candidate; lossReason: number }>;
}
