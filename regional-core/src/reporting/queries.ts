// The reports as SQL over the rollup tables (regional-core/clickhouse/002_rollups.sql),
// one function each, returning plain rows. SQL stays within ClickHouse 18.16 (values escaped
// on the client, toStartOf* for buckets) so the same text runs on the server and on chDB.
import type { ChStore } from '../events/ch/store.ts';
import { sqlString } from '../events/ch/store.ts';
import type { ReportQuery } from './params.ts';

export type Row = Record<string, unknown>;
type Step = ReportQuery['step'];

const BUCKET: Record<Step, string | null> = {
  minute: 'minute',
  hour: 'toStartOfHour(minute)',
  day: 'toStartOfDay(minute)',
  total: null,
};

function window(q: ReportQuery, column = 'minute'): string {
  const from = Math.floor(q.from / 1000);
  const to = Math.floor(q.to / 1000);
  return `${column} >= toStartOfMinute(toDateTime(${from})) AND ${column} <= toDateTime(${to})`;
}

const eq = (col: string, v: string | undefined) => (v === undefined ? '' : ` AND ${col} = ${sqlString(v)}`);
const iso = (t: unknown) => (typeof t === 'string' && t.includes(' ') ? `${t.replace(' ', 'T')}Z` : t);
const n = (v: unknown) => Number(v ?? 0);
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

/** SELECT prefix and GROUP BY keys for a step: with 'total' there is no time column. */
function bucket(step: Step, keys: string[]): { select: string; group: string } {
  const b = BUCKET[step];
  const group = [...(b ? ['time'] : []), ...keys];
  return { select: b ? `${b} AS time, ` : '', group: group.length ? `GROUP BY ${group.join(', ')}` : '' };
}

export async function spendReport(store: ChStore, q: ReportQuery): Promise<Row[]> {
  const b = bucket(q.step, ['campaign_id']);
  const rows = await store.query(
    `SELECT ${b.select}campaign_id, sum(wins) AS wins, sum(spend_micros) AS spend_micros,
       sum(impressions) AS impressions, sum(impression_micros) AS impression_micros, sum(clicks) AS clicks,
       sum(conversions) AS conversions, sum(conversion_micros) AS conversion_micros
     FROM spend_minute WHERE ${window(q)}${eq('campaign_id', q.campaignId)}
     ${b.group} ORDER BY campaign_id${b.select ? ', time' : ''} LIMIT ${q.limit}`,
  );
  const cumulative = new Map<string, number>();
  return rows.map((r) => {
    const campaignId = String(r.campaign_id);
    const total = (cumulative.get(campaignId) ?? 0) + n(r.spend_micros);
    cumulative.set(campaignId, total);
    const elapsed = r.time
      ? Math.min(1, (Date.parse(String(iso(r.time))) + 60_000 - q.from) / (q.to - q.from || 1))
      : 1;
    return {
      ...(r.time ? { time: iso(r.time) } : {}),
      campaignId,
      wins: n(r.wins),
      spendMicros: n(r.spend_micros),
      cumulativeSpendMicros: total,
      impressions: n(r.impressions),
      impressionMicros: n(r.impression_micros),
      clicks: n(r.clicks),
      conversions: n(r.conversions),
      conversionMicros: n(r.conversion_micros),
      // Pacing: share of the budget spent against share of the window elapsed (1 = on plan).
      ...(q.budgetMicros ? { pacing: ratio(total / q.budgetMicros, Math.max(elapsed, 1e-9)) } : {}),
    };
  });
}

export async function winRateReport(store: ChStore, q: ReportQuery): Promise<Row[]> {
  const b = bucket(q.step, ['bidder_kind', 'bidder_id']);
  const rows = await store.query(
    `SELECT ${b.select}bidder_kind, bidder_id, sum(bids) AS bids, sum(accepted_bids) AS accepted_bids,
       sum(wins) AS wins, sum(losses) AS losses, sum(spend_micros) AS spend_micros
     FROM bidder_minute WHERE ${window(q)}${eq('bidder_kind', q.bidderKind)}${eq('bidder_id', q.bidderId)}
     ${b.group} ORDER BY bidder_kind, bidder_id${b.select ? ', time' : ''} LIMIT ${q.limit}`,
  );
  return rows.map((r) => ({
    ...(r.time ? { time: iso(r.time) } : {}),
    bidderKind: r.bidder_kind,
    bidderId: r.bidder_id,
    bids: n(r.bids),
    acceptedBids: n(r.accepted_bids),
    wins: n(r.wins),
    losses: n(r.losses),
    winRate: ratio(n(r.wins), n(r.bids)),
    spendMicros: n(r.spend_micros),
  }));
}

export async function bidDensityReport(store: ChStore, q: ReportQuery): Promise<Row[]> {
  const b = bucket(q.step, []);
  const auctions = await store.query(
    `SELECT ${b.select}sum(auctions) AS auctions, sum(imps) AS imps, sum(no_bid_auctions) AS no_bid_auctions,
       sum(dsp_requests) AS dsp_requests, sum(dsp_bids) AS dsp_bids
     FROM auction_minute WHERE ${window(q)}${eq('ssp_id', q.sspId)}
     ${b.group}${b.select ? ' ORDER BY time' : ''} LIMIT ${q.limit}`,
  );
  // Own campaigns' bids are not tied to an SSP in the rollup: counted only without an SSP filter.
  const own = q.sspId
    ? []
    : await store.query(
        `SELECT ${b.select}sum(bids) AS bids FROM bidder_minute WHERE ${window(q)} AND bidder_kind = 'campaign' ${b.group}`,
      );
  const ownBy = new Map(own.map((r) => [String(r.time ?? ''), n(r.bids)]));
  return auctions
    .filter((r) => n(r.auctions) > 0)
    .map((r) => {
      const campaignBids = ownBy.get(String(r.time ?? '')) ?? 0;
      return {
        ...(r.time ? { time: iso(r.time) } : {}),
        auctions: n(r.auctions),
        imps: n(r.imps),
        dspRequests: n(r.dsp_requests),
        dspBids: n(r.dsp_bids),
        campaignBids,
        bidsPerAuction: ratio(n(r.dsp_bids) + campaignBids, n(r.auctions)),
        noBidRate: ratio(n(r.no_bid_auctions), n(r.auctions)),
      };
    });
}

export async function dspLatencyReport(store: ChStore, q: ReportQuery): Promise<Row[]> {
  const b = bucket(q.step, ['dsp_id']);
  const rows = await store.query(
    `SELECT ${b.select}dsp_id, countMerge(requests) AS requests, sumMerge(bids) AS bids, sumMerge(nobids) AS nobids,
       sumMerge(timeouts) AS timeouts, sumMerge(errors) AS errors, quantilesMerge(0.5, 0.95, 0.99)(latency) AS q
     FROM dsp_minute WHERE ${window(q)}${eq('dsp_id', q.dspId)}
     ${b.group} ORDER BY dsp_id${b.select ? ', time' : ''} LIMIT ${q.limit}`,
  );
  const ms = (v: unknown) => Math.round(Number(v ?? 0) * 10) / 10;
  return rows.map((r) => {
    const qs = (r.q as number[] | undefined) ?? [];
    return {
      ...(r.time ? { time: iso(r.time) } : {}),
      dspId: r.dsp_id,
      requests: n(r.requests),
      bids: n(r.bids),
      nobids: n(r.nobids),
      timeouts: n(r.timeouts),
      errors: n(r.errors),
      timeoutRate: ratio(n(r.timeouts), n(r.requests)),
      p50Ms: ms(qs[0]),
      p95Ms: ms(qs[1]),
      p99Ms: ms(qs[2]),
    };
  });
}

export async function noBidReport(store: ChStore, q: ReportQuery): Promise<Row[]> {
  const b = bucket(q.step, ['source', 'dsp_id', 'reason']);
  const rows = await store.query(
    `SELECT ${b.select}source, dsp_id, reason, sum(n) AS count
     FROM no_bid_minute WHERE ${window(q)}${eq('dsp_id', q.dspId)}
     ${b.group} ORDER BY ${b.select ? 'time, ' : ''}count DESC LIMIT ${q.limit}`,
  );
  return rows.map((r) => ({
    ...(r.time ? { time: iso(r.time) } : {}),
    source: r.source,
    dspId: r.dsp_id,
    reason: r.reason,
    count: n(r.count),
  }));
}

export interface LeaseDrift {
  leaseId: string;
  campaignId: string;
  status: 'settled' | 'expired';
  endedAt: string;
  /** What the lease holder reported (settled) or what the ledger assumes (expired: all of it). */
  reportedSpentMicros: number;
  /** Spend the win events prove: sum of impressionCost(clearing price) of wins under the lease. */
  provenSpentMicros: number;
  wins: number;
  driftMicros: number;
  /** Impressions tracked under the lease and what they cost: a win without its impression shows here. */
  impressions: number;
  impressionMicros: number;
}

/** Leases that ended in the window, against the spend their win events prove. */
export async function leaseDrift(
  store: ChStore,
  q: Pick<ReportQuery, 'from' | 'to' | 'limit'>,
): Promise<LeaseDrift[]> {
  const leases = await store.query(
    `SELECT lease_id, any(campaign_id) AS campaign_id, max(amount_micros) AS amount_micros,
       maxIf(spent_micros, action = 'settled') AS settled_micros,
       max(toUInt8(action = 'settled')) AS settled, max(toUInt8(action = 'expired')) AS expired,
       max(ts_ms) AS ended_ms
     FROM events FINAL
     WHERE type = 'lease' AND ts >= toDateTime(${Math.floor(q.from / 1000)}) AND ts <= toDateTime(${Math.floor(q.to / 1000)})
     GROUP BY lease_id HAVING settled = 1 OR expired = 1
     ORDER BY ended_ms LIMIT ${q.limit}`,
  );
  const proven = new Map<string, { micros: number; wins: number; impMicros: number; imps: number }>();
  for (let i = 0; i < leases.length; i += 2000) {
    const ids = leases.slice(i, i + 2000).map((l) => sqlString(String(l.lease_id)));
    for (const r of await store.query(
      `SELECT lease_id, sumIf(cost_micros, type = 'win') AS micros, countIf(type = 'win') AS wins,
         sumIf(cost_micros, type = 'impression') AS imp_micros, countIf(type = 'impression') AS imps
       FROM events FINAL
       WHERE type IN ('win', 'impression') AND lease_id IN (${ids.join(',')}) GROUP BY lease_id`,
    ))
      proven.set(String(r.lease_id), {
        micros: n(r.micros),
        wins: n(r.wins),
        impMicros: n(r.imp_micros),
        imps: n(r.imps),
      });
  }
  return leases.map((l) => {
    const settled = n(l.settled) === 1;
    const reported = settled ? n(l.settled_micros) : n(l.amount_micros);
    const p = proven.get(String(l.lease_id)) ?? { micros: 0, wins: 0, impMicros: 0, imps: 0 };
    return {
      leaseId: String(l.lease_id),
      campaignId: String(l.campaign_id),
      status: settled ? 'settled' : 'expired',
      endedAt: new Date(n(l.ended_ms)).toISOString(),
      reportedSpentMicros: reported,
      provenSpentMicros: p.micros,
      wins: p.wins,
      driftMicros: reported - p.micros,
      impressions: p.imps,
      impressionMicros: p.impMicros,
    };
  });
}
