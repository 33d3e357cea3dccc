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

const q = JSON.stringify;

/**
 * The event as one JSONEachRow object, written by ingest into the log record so the sink only
 * concatenates. Written as text, not an object handed to JSON.stringify: ingest does this for
 * every event it accepts and it is on its hot path. ts_ms comes FIRST (rowTsMs reads it off
 * the row for the sink's time range and lag), and fields equal to their column's default
 * ('' / 0 / []) are left out: JSONEachRow fills those in, on 18.16 and chDB alike. `ts` and
 * `ingested_at` are not written either: the sink's copy into events derives them (ROW_DERIVED),
 * which keeps ingested_at what it always was (when the sink inserted) and the record ~20%
 * smaller for Kafka, the sink and ClickHouse to carry.
 */
export function eventRowJson(e: RtbEvent): string {
  let r = `{"ts_ms":${Math.floor(e.ts)},"id":${q(e.id)},"type":"${e.type}","auction_id":${q(e.auctionId)}`;
  if (e.pop) r += `,"pop":${q(e.pop)}`;
  switch (e.type) {
    case 'auction': {
      r += `,"ssp_id":${q(e.sspId)},"imp_count":${e.impCount},"tmax_ms":${e.tmaxMs},"duration_ms":${e.durationMs}`;
      if (e.country) r += `,"country":${q(e.country)}`;
      if (e.noBidReason) r += `,"reason":${q(e.noBidReason)}`;
      if (e.dsps.length > 0) {
        let ids = '';
        let lat = '';
        let out = '';
        let bids = '';
        let why = '';
        for (let i = 0; i < e.dsps.length; i++) {
          const d = e.dsps[i]!;
          const sep = i === 0 ? '' : ',';
          ids += sep + q(d.dspId);
          lat += sep + d.latencyMs;
          out += sep + q(d.outcome);
          bids += sep + d.bids;
          why += sep + (d.reason ? q(d.reason) : '""');
        }
        r += `,"dsp_ids":[${ids}],"dsp_latency_ms":[${lat}],"dsp_outcomes":[${out}],"dsp_bids":[${bids}],"dsp_reasons":[${why}]`;
      }
      break;
    }
    case 'bid':
      r += bidder(e);
      r += `,"crid":${q(e.crid)},"price_cpm_micros":${e.priceCpmMicros},"status":${q(e.status)}`;
      if (e.dealId) r += `,"deal_id":${q(e.dealId)}`;
      if (e.reason) r += `,"reason":${q(e.reason)}`;
      break;
    case 'win':
      r += bidder(e);
      r += `,"crid":${q(e.crid)},"price_cpm_micros":${e.clearingCpmMicros},"bid_cpm_micros":${e.bidCpmMicros},"cost_micros":${impressionCost(e.clearingCpmMicros)},"take_rate_bps":${e.takeRateBps}`;
      if (e.dealId) r += `,"deal_id":${q(e.dealId)}`;
      if (e.leaseId) r += `,"lease_id":${q(e.leaseId)}`;
      break;
    case 'loss':
      r += bidder(e);
      r += `,"reason":${q(e.reason)}`;
      if (e.winningCpmMicros) r += `,"price_cpm_micros":${e.winningCpmMicros}`;
      break;
    case 'impression':
    case 'click':
    case 'conversion':
      r += bidder(e);
      r += `,"amount_micros":${e.amountMicros}`;
      if (e.type === 'impression') r += `,"cost_micros":${e.amountMicros}`;
      if (e.crid) r += `,"crid":${q(e.crid)}`;
      if (e.leaseId) r += `,"lease_id":${q(e.leaseId)}`;
      break;
    case 'lease':
      r += `,"campaign_id":${q(e.campaignId)},"lease_id":${q(e.leaseId)},"action":${q(e.action)},"amount_micros":${e.amountMicros}`;
      if (e.spentMicros) r += `,"spent_micros":${e.spentMicros}`;
      break;
  }
  return `${r}}`;
}

/** Bidder columns; an own campaign's id doubles as campaign_id unless the event names one. */
function bidder(e: {
  impId: string;
  bidId: string;
  bidderKind: string;
  bidderId: string;
  campaignId?: string;
}) {
  const campaign = e.campaignId ?? (e.bidderKind === 'campaign' ? e.bidderId : '');
  return `,"imp_id":${q(e.impId)},"bid_id":${q(e.bidId)},"bidder_kind":${q(e.bidderKind)},"bidder_id":${q(e.bidderId)}${campaign ? `,"campaign_id":${q(campaign)}` : ''}`;
}

/** Columns of events the sink's copy computes instead of reading them from the staged row. */
export const ROW_DERIVED: Record<string, string> = {
  ts: 'toDateTime(intDiv(ts_ms, 1000))',
  ingested_at: 'now()',
};

const TS_PREFIX = '{"ts_ms":';

/** ts_ms of a row from eventRowJson (its first field), read without parsing the row. */
export function rowTsMs(line: string, from = 0): number {
  if (!line.startsWith(TS_PREFIX, from)) throw new Error('row does not start with ts_ms');
  let n = 0;
  for (let i = from + TS_PREFIX.length; ; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return n;
    n = n * 10 + c;
  }
}
