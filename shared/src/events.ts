// Event schemas (version 1): what the edge and core emit and what lands in ClickHouse.
// Every event has a stable id derived from what it describes, so a retried batch or a
// replayed notice produces the same id and is deduplicated downstream.
// Changes are additive within a version; a breaking change bumps `v`.
import type { Micros } from './money.ts';

export type { BatchResult, EventError } from './events/validate.ts';
export { MAX_BATCH_EVENTS, parseEventBatch, validateEvent } from './events/validate.ts';

export const EVENT_SCHEMA_VERSION = 1 as const;
export const EVENT_TYPES = [
  'auction',
  'bid',
  'win',
  'loss',
  'impression',
  'click',
  'conversion',
  'lease',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type BidderKind = 'dsp' | 'campaign';

interface Base<T extends EventType> {
  v: typeof EVENT_SCHEMA_VERSION;
  /** Stable id, e.g. `${auctionId}:win:${impId}`; the dedup key everywhere. */
  id: string;
  type: T;
  /**
   * Epoch milliseconds when it happened. A resent batch must carry the same ts; a replayed
   * notice may carry a later one and is still recognised as a repeat within 5 minutes.
   */
  ts: number;
  /** Key for partitioning: all events of one auction stay in order. Lease events use the lease id. */
  auctionId: string;
  pop?: string;
}

export interface DspOutcome {
  dspId: string;
  latencyMs: number;
  outcome: 'bid' | 'nobid' | 'timeout' | 'error' | 'invalid' | 'circuit_open' | 'filtered';
  bids: number;
  reason?: string;
}

export interface AuctionEvent extends Base<'auction'> {
  sspId: string;
  publisherId?: string;
  impCount: number;
  formats: string[];
  country?: string;
  deviceType?: number;
  tmaxMs: number;
  durationMs: number;
  /** Why nothing was sold, when nothing was (OpenRTB nbr name or internal reason). */
  noBidReason?: string;
  dsps: DspOutcome[];
  privacy: { gdpr: boolean; consent: boolean; coppa: boolean; usOptOut: boolean };
}

export interface BidEvent extends Base<'bid'> {
  impId: string;
  bidId: string;
  bidderKind: BidderKind;
  bidderId: string;
  crid: string;
  priceCpmMicros: Micros;
  dealId?: string;
  status: 'accepted' | 'rejected';
  reason?: string;
}

export interface WinEvent extends Base<'win'> {
  impId: string;
  bidId: string;
  bidderKind: BidderKind;
  bidderId: string;
  campaignId?: string;
  crid: string;
  /** Clearing price the buyer pays, CPM micros. */
  clearingCpmMicros: Micros;
  bidCpmMicros: Micros;
  takeRateBps: number;
  dealId?: string;
  leaseId?: string;
}

export interface LossEvent extends Base<'loss'> {
  impId: string;
  bidId: string;
  bidderKind: BidderKind;
  bidderId: string;
  reason: string;
  winningCpmMicros?: Micros;
  /**
   * The losing DSP's loss-notice URL, macros already expanded: the regional core calls it once
   * when it accepts the event (docs/architecture.md "Loss notices"), so the edge's hot path
   * makes no extra outbound request per losing bid. At most LURL_MAX_LENGTH characters, http(s).
   */
  lurl?: string;
}

/** Longest lurl an event carries; a longer one is called by the edge itself. */
export const LURL_MAX_LENGTH = 2048;

/** impression/click/conversion come from signed trackers. */
export interface TrackerEvent<T extends 'impression' | 'click' | 'conversion'> extends Base<T> {
  impId: string;
  bidId: string;
  bidderKind: BidderKind;
  bidderId: string;
  campaignId?: string;
  crid?: string;
  /** Impression: what it cost (per-impression micros). Conversion: its value when known. */
  amountMicros: Micros;
  leaseId?: string;
}

export interface LeaseEvent extends Base<'lease'> {
  campaignId: string;
  leaseId: string;
  action: 'granted' | 'settled' | 'expired';
  amountMicros: Micros;
  spentMicros?: Micros;
}

export type RtbEvent =
  | AuctionEvent
  | BidEvent
  | WinEvent
  | LossEvent
  | TrackerEvent<'impression'>
  | TrackerEvent<'click'>
  | TrackerEvent<'conversion'>
  | LeaseEvent;

/** The body of POST /v1/events (edge -> core). */
export interface EventBatch {
  events: RtbEvent[];
}

/**
 * The stable id of an event: what it describes, never when it was sent, so a retried batch
 * or a replayed notice gets the same id. `eventId('a1', 'win', 'imp1')` -> `a1:win:imp1`.
 * Lease events pass the lease id as auctionId and the action as a part.
 */
export function eventId(auctionId: string, type: EventType, a?: string, b?: string): string {
  // Concatenation, not an array joined: several per auction on the edge, all garbage.
  const head = `${auctionId}:${type}`;
  if (a === undefined) return head;
  return b === undefined ? `${head}:${a}` : `${head}:${a}:${b}`;
}
