// The adapter contract (Prebid Server's pair, kept pure): an adapter turns the exchange's
// request into the HTTP calls a partner wants and the partner's answers into OpenRTB bids.
// No fetch, clock or randomness here: fan-out owns deadlines, gzip, retries and breakers, and
// every adapter is tested with JSON fixtures by one runner (adapters.test.ts).
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import type { DspConfig } from '@edge-rtb/shared/snapshot';

export interface AdapterContext {
  dsp: DspConfig;
}

/** One HTTP call to a partner. `body` is JSON-serialisable; fan-out encodes (and gzips) it. */
export interface OutgoingRequest {
  method: 'POST';
  url: string;
  /**
   * Lower-case names. Fan-out owns the encodings: a record that asks for gzip answers
   * (`accept-encoding: gzip`) and names no `content-encoding` is sent as it is, the cheapest
   * form for the runtime; any other is corrected on a copy first.
   */
  headers: Record<string, string>;
  body: unknown;
  /** Imp ids this call covers; bids for other imps are rejected. */
  impIds: string[];
}

export interface ReceivedResponse {
  status: number;
  /** Body text (already inflated). */
  body: string;
}

/** A bid as an OpenRTB 2.6 Bid object plus where it came from; validated after the adapter. */
export interface AdapterBid {
  bid: WireBid;
  seat?: string;
  /** ISO-4217 of bid.price: the response's `cur`, 'USD' when absent (OpenRTB default). */
  currency: string;
}

/** The OpenRTB Bid fields the exchange reads; everything else is carried through untouched. */
export interface WireBid {
  id: string;
  impid: string;
  price: number;
  adm?: string;
  nurl?: string;
  burl?: string;
  lurl?: string;
  adid?: string;
  adomain?: string[];
  bundle?: string;
  cat?: string[];
  attr?: number[];
  crid?: string;
  cid?: string;
  dealid?: string;
  w?: number;
  h?: number;
  mtype?: number;
  [field: string]: unknown;
}

export type AdapterErrorCode = 'bad_input' | 'bad_status' | 'bad_response' | 'unsupported';

export interface AdapterError {
  code: AdapterErrorCode;
  message: string;
}

export interface Adapter {
  makeRequests(
    request: BidRequest,
    ctx: AdapterContext,
  ): { requests: OutgoingRequest[]; errors: AdapterError[] };
  makeBids(
    request: BidRequest,
    sent: OutgoingRequest,
    received: ReceivedResponse,
  ): { bids: AdapterBid[]; errors: AdapterError[] };
}
