-- All events in one wide table: one insert per sink batch, one place to dedup.
-- ORDER BY (type, ts, id): an event's id fixes its type and ts, so ReplacingMergeTree
-- collapses repeats of an id, and the sink's "already inserted?" check reads only the
-- granules of the batch's time range. Reads that need exact counts use FINAL.
-- Kept to what ClickHouse 18.16 accepts (see docs/storage-schema.md).
CREATE TABLE IF NOT EXISTS events (
  id String,
  type Enum8('auction' = 1, 'bid' = 2, 'win' = 3, 'loss' = 4, 'impression' = 5, 'click' = 6, 'conversion' = 7, 'lease' = 8),
  ts DateTime('UTC'),
  ts_ms UInt64,
  auction_id String,
  pop String,
  ssp_id String,
  campaign_id String,
  bidder_kind String,
  bidder_id String,
  imp_id String,
  bid_id String,
  crid String,
  deal_id String,
  lease_id String,
  price_cpm_micros UInt64,
  bid_cpm_micros UInt64,
  cost_micros UInt64,
  amount_micros UInt64,
  spent_micros UInt64,
  take_rate_bps UInt32,
  status String,
  reason String,
  action String,
  imp_count UInt32,
  tmax_ms Float32,
  duration_ms Float32,
  country String,
  dsp_ids Array(String),
  dsp_latency_ms Array(Float32),
  dsp_outcomes Array(String),
  dsp_bids Array(UInt32),
  dsp_reasons Array(String),
  ingested_at DateTime('UTC')
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (type, ts, id);
