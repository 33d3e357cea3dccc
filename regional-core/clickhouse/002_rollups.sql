-- Rollups maintained by materialized views on insert into events. The sink inserts each id
-- once (it checks before inserting), so the sums are not inflated by redelivered events.

-- Spend and delivery per campaign per minute (pacing = this series against the budget).
CREATE TABLE IF NOT EXISTS spend_minute (
  minute DateTime('UTC'),
  campaign_id String,
  wins UInt64,
  spend_micros UInt64,
  impressions UInt64,
  impression_micros UInt64,
  clicks UInt64,
  conversions UInt64,
  conversion_micros UInt64
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (campaign_id, minute);

CREATE MATERIALIZED VIEW IF NOT EXISTS spend_minute_mv TO spend_minute AS
SELECT
  toStartOfMinute(ts) AS minute,
  campaign_id,
  countIf(type = 'win') AS wins,
  sumIf(cost_micros, type = 'win') AS spend_micros,
  countIf(type = 'impression') AS impressions,
  sumIf(cost_micros, type = 'impression') AS impression_micros,
  countIf(type = 'click') AS clicks,
  countIf(type = 'conversion') AS conversions,
  sumIf(amount_micros, type = 'conversion') AS conversion_micros
FROM events
WHERE campaign_id != '' AND type IN ('win', 'impression', 'click', 'conversion')
GROUP BY minute, campaign_id;

-- Bids, wins and losses per bidder (DSP or own campaign) per minute: win rate.
CREATE TABLE IF NOT EXISTS bidder_minute (
  minute DateTime('UTC'),
  bidder_kind String,
  bidder_id String,
  bids UInt64,
  accepted_bids UInt64,
  wins UInt64,
  losses UInt64,
  spend_micros UInt64
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (bidder_kind, bidder_id, minute);

CREATE MATERIALIZED VIEW IF NOT EXISTS bidder_minute_mv TO bidder_minute AS
SELECT
  toStartOfMinute(ts) AS minute,
  bidder_kind,
  bidder_id,
  countIf(type = 'bid') AS bids,
  countIf(type = 'bid' AND status = 'accepted') AS accepted_bids,
  countIf(type = 'win') AS wins,
  countIf(type = 'loss') AS losses,
  sumIf(cost_micros, type = 'win') AS spend_micros
FROM events
WHERE type IN ('bid', 'win', 'loss')
GROUP BY minute, bidder_kind, bidder_id;

-- Auctions per SSP per minute: bid density = bids / auctions, fill = auctions with a sale.
CREATE TABLE IF NOT EXISTS auction_minute (
  minute DateTime('UTC'),
  ssp_id String,
  auctions UInt64,
  imps UInt64,
  no_bid_auctions UInt64,
  dsp_requests UInt64,
  dsp_bids UInt64
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (ssp_id, minute);

CREATE MATERIALIZED VIEW IF NOT EXISTS auction_minute_mv TO auction_minute AS
SELECT
  toStartOfMinute(ts) AS minute,
  ssp_id,
  count() AS auctions,
  sum(toUInt64(imp_count)) AS imps,
  countIf(reason != '') AS no_bid_auctions,
  sum(toUInt64(length(dsp_ids))) AS dsp_requests,
  sum(toUInt64(arraySum(dsp_bids))) AS dsp_bids
FROM events
WHERE type = 'auction'
GROUP BY minute, ssp_id;

-- DSP call outcomes and latency quantiles per DSP per minute.
CREATE TABLE IF NOT EXISTS dsp_minute (
  minute DateTime('UTC'),
  dsp_id String,
  requests AggregateFunction(count),
  bids AggregateFunction(sum, UInt64),
  nobids AggregateFunction(sum, UInt64),
  timeouts AggregateFunction(sum, UInt64),
  errors AggregateFunction(sum, UInt64),
  latency AggregateFunction(quantiles(0.5, 0.95, 0.99), Float32)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (dsp_id, minute);

CREATE MATERIALIZED VIEW IF NOT EXISTS dsp_minute_mv TO dsp_minute AS
SELECT
  toStartOfMinute(ts) AS minute,
  dsp_id,
  countState() AS requests,
  sumState(toUInt64(outcome = 'bid')) AS bids,
  sumState(toUInt64(outcome = 'nobid')) AS nobids,
  sumState(toUInt64(outcome = 'timeout')) AS timeouts,
  sumState(toUInt64(outcome IN ('error', 'invalid', 'circuit_open'))) AS errors,
  quantilesState(0.5, 0.95, 0.99)(latency_ms) AS latency
FROM events
ARRAY JOIN dsp_ids AS dsp_id, dsp_latency_ms AS latency_ms, dsp_outcomes AS outcome
WHERE type = 'auction'
GROUP BY minute, dsp_id;

-- Why nothing was bought: auction-level no-bid reasons and per-DSP non-bid outcomes.
CREATE TABLE IF NOT EXISTS no_bid_minute (
  minute DateTime('UTC'),
  source String,
  dsp_id String,
  reason String,
  n UInt64
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (source, reason, dsp_id, minute);

CREATE MATERIALIZED VIEW IF NOT EXISTS no_bid_auction_mv TO no_bid_minute AS
SELECT toStartOfMinute(ts) AS minute, 'auction' AS source, '' AS dsp_id, reason, count() AS n
FROM events
WHERE type = 'auction' AND reason != ''
GROUP BY minute, reason;

CREATE MATERIALIZED VIEW IF NOT EXISTS no_bid_dsp_mv TO no_bid_minute AS
SELECT
  toStartOfMinute(ts) AS minute,
  'dsp' AS source,
  dsp_id,
  if(dsp_reason = '', outcome, dsp_reason) AS reason,
  count() AS n
FROM events
ARRAY JOIN dsp_ids AS dsp_id, dsp_outcomes AS outcome, dsp_reasons AS dsp_reason
WHERE type = 'auction' AND outcome != 'bid'
GROUP BY minute, dsp_id, reason;
