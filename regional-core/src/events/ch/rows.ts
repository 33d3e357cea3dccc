// An event as a row of the events table (regional-core/clickhouse/001_events.sql). Money is
// computed here in integer micros (a win costs impressionCost(clearing CPM)), never in SQL floats.
import type { RtbEvent } from '@edge-rtb/shared/events';
import { impressionCost } from '@edge-rtb/shared/money';

/** Epoch ms -> 'YYYY-MM-DD hh:mm:ss' UTC, the DateTime text both ClickHouse versions parse. */
export function chDateTime(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== lastSec) {
    lastSec = sec;
    lastText = new Date(sec * 1000).toISOString().slice(0, 19).replace('T', ' ');
  }
  return lastText;
}
// Events arrive in time order, so consecutive calls mostly fall in the same second.
let lastSec = Number.NaN;
let lastText = '';

/**
 * The row as built by ingest, so the sink concatenates lines instead of parsing events.
 * One object literal per type (no Object.assign): ingest builds one per event it accepts.
 * ts_ms comes FIRST: the sink reads it off each JSON line (rowTsMs) for its time range and lag.
 */
export function eventToRow(e: RtbEvent, ingestedAt: string): Record<string, unknown> {
  const ts = chDateTime(e.ts);
  const ts_ms = Math.floor(e.ts);
  const pop = e.pop ?? '';
  switch (e.type) {
    case 'auction':
      return {
        ts_ms,
        id: e.id,
        type: e.type,
        ts,
        auction_id: e.auctionId,
        pop,
        ingested_at: ingestedAt,
        ssp_id: e.sspId,
        imp_count: e.impCount,
        tmax_ms: e.tmaxMs,
        duration_ms: e.durationMs,
        country: e.country ?? '',
        reason: e.noBidReason ?? '',
        dsp_ids: e.dsps.map((d) => d.dspId),
        dsp_latency_ms: e.dsps.map((d) => d.latencyMs),
        dsp_outcomes: e.dsps.map((d) => d.outcome),
        dsp_bids: e.dsps.map((d) => d.bids),
        dsp_reasons: e.dsps.map((d) => d.reason ?? ''),
      };
    case 'bid':
      return {
        ts_ms,
        id: e.id,
        type: e.type,
        ts,
        auction_id: e.auctionId,
        pop,
        ingested_at: ingestedAt,
        ...bidder(e),
        crid: e.crid,
        price_cpm_micros: e.priceCpmMicros,
        deal_id: e.dealId ?? '',
        status: e.status,
        reason: e.reason ?? '',
      };
    case 'win':
      return {
        ts_ms,
        id: e.id,
        type: e.type,
        ts,
        auction_id: e.auctionId,
        pop,
        ingested_at: ingestedAt,
        ...bidder(e),
        crid: e.crid,
        price_cpm_micros: e.clearingCpmMicros,
        bid_cpm_micros: e.bidCpmMicros,
        cost_micros: impressionCost(e.clearingCpmMicros),
        take_rate_bps: e.takeRateBps,
        deal_id: e.dealId ?? '',
        lease_id: e.leaseId ?? '',
      };
    case 'loss':
      return {
        ts_ms,
        id: e.id,
        type: e.type,
        ts,
        auction_id: e.auctionId,
        pop,
        ingested_at: ingestedAt,
        ...bidder(e),
        reason: e.reason,
        price_cpm_micros: e.winningCpmMicros ?? 0,
      };
    case 'impression':
    case 'click':
    case 'conversion':
      return {
        ts_ms,
        id: e.id,
        type: e.type,
        ts,
        auction_id: e.auctionId,
        pop,
        ingested_at: ingestedAt,
        ...bidder(e),
        crid: e.crid ?? '',
        amount_micros: e.amountMicros,
        cost_micros: e.type === 'impression' ? e.amountMicros : 0,
        lease_id: e.leaseId ?? '',
      };
    case 'lease':
      return {
        ts_ms,
        id: e.id,
        type: e.type,
        ts,
        auction_id: e.auctionId,
        pop,
        ingested_at: ingestedAt,
        campaign_id: e.campaignId,
        lease_id: e.leaseId,
        action: e.action,
        amount_micros: e.amountMicros,
        spent_micros: e.spentMicros ?? 0,
      };
  }
}

const TS_PREFIX = '{"ts_ms":';

/** ts_ms of a row line from eventToRow (its first field), without parsing the line. */
export function rowTsMs(line: string, from = 0): number {
  if (!line.startsWith(TS_PREFIX, from)) throw new Error('row line does not start with ts_ms');
  let n = 0;
  for (let i = from + TS_PREFIX.length; ; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return n;
    n = n * 10 + c;
  }
}

/** Bidder columns; an own campaign's id doubles as campaign_id unless the event names one. */
function bidder(e: {
  impId: string;
  bidId: string;
  bidderKind: string;
  bidderId: string;
  campaignId?: string;
}) {
  return {
    imp_id: e.impId,
    bid_id: e.bidId,
    bidder_kind: e.bidderKind,
    bidder_id: e.bidderId,
    campaign_id: e.campaignId ?? (e.bidderKind === 'campaign' ? e.bidderId : ''),
  };
}
