// OpenRTB 2.6 section 4.2.2 Object: SeatBid. The bids of one buyer seat.
import type { Bid } from './bid.ts';

export interface SeatBid {
  bid: Bid[];
  seat?: string;
  /** 1 = the seat's bids must win or lose as a group. */
  group?: 0 | 1;
  ext?: Record<string, unknown>;
}
