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

export function eventToRow(e: RtbEvent, ingestedAt: string): Record<string, unknown> {
  const row: Record<string, unknown> = {
    id: e.id,
    type: e.type,
    ts: chDateTime(e.ts),
    ts_ms: Math.floor(e.ts),
    auction_id: e.auctionId,
    pop: e.pop ?? '',
    ingested_at: ingestedAt,
  };
  switch (e.type) {
    case 'auction':
      Object.assign(row, {
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
      });
      break;
    case 'bid':
      Object.assign(row, bidder(e), {
        crid: e.crid,
        price_cpm_micros: e.priceCpmMicros,
        deal_id: e.dealId ?? '',
        status: e.status,
        reason: e.reason ?? '',
      });
      break;
    case 'win':
      Object.assign(row, bidder(e), {
        crid: e.crid,
        price_cpm_micros: e.clearingCpmMicros,
        bid_cpm_micros: e.bidCpmMicros,
        cost_micros: impressionCost(e.clearingCpmMicros),
        take_rate_bps: e.takeRateBps,
        deal_id: e.dealId ?? '',
        lease_id: e.leaseId ?? '',
      });
      break;
    case 'loss':
      Object.assign(row, bidder(e), { reason: e.reason, price_cpm_micros: e.winningCpmMicros ?? 0 });
      break;
    case 'impression':
    case 'click':
    case 'conversion':
      Object.assign(row, bidder(e), {
        crid: e.crid ?? '',
        amount_micros: e.amountMicros,
        cost_micros: e.type === 'impression' ? e.amountMicros : 0,
        lease_id: e.leaseId ?? '',
      });
      break;
    case 'lease':
      Object.assign(row, {
        campaign_id: e.campaignId,
        lease_id: e.leaseId,
        action: e.action,
        amount_micros: e.amountMicros,
        spent_micros: e.spentMicros ?? 0,
      });
      break;
  }
  return row;
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
