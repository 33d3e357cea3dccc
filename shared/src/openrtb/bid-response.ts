// OpenRTB 2.6 section 4.2.1 Object: BidResponse. The answer to a BidRequest: seat bids, or no
// seatbid and optionally a no-bid reason (codes.ts NoBidReason).
import type { SeatBid } from './seat-bid.ts';

export interface BidResponse {
  /** Must equal the request id. */
  id: string;
  seatbid?: SeatBid[];
  bidid?: string;
  /** ISO-4217 currency of all prices; default USD. */
  cur?: string;
  customdata?: string;
  nbr?: number;
  ext?: Record<string, unknown>;
}
