// The event pipeline's metrics, registered once on the core's registry (regional-core/src/metrics.ts).
import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';

export type EventMetrics = ReturnType<typeof createEventMetrics>;

export function createEventMetrics(registry: Registry) {
  const registers = [registry];
  return {
    ingested: new Counter({
      name: 'edge_rtb_events_ingested_total',
      help: 'Events accepted by POST /v1/events and made durable, by type',
      labelNames: ['type'],
      registers,
    }),
    duplicates: new Counter({
      name: 'edge_rtb_events_duplicate_total',
      help: 'Events accepted again with an id ingest had already seen (not re-appended)',
      registers,
    }),
    rejectedBatches: new Counter({
      name: 'edge_rtb_events_rejected_batches_total',
      help: 'Batches refused with 400 (bad input; nothing of them was kept)',
      registers,
    }),
    outboxPending: new Gauge({
      name: 'edge_rtb_events_outbox_pending',
      help: 'Records waiting in the local outbox for Kafka to come back',
      registers,
    }),
    sinkRows: new Counter({
      name: 'edge_rtb_sink_rows_total',
      help: 'Rows inserted into ClickHouse',
      registers,
    }),
    sinkDuplicates: new Counter({
      name: 'edge_rtb_sink_duplicate_total',
      help: 'Redelivered events the sink found already in ClickHouse and skipped',
      registers,
    }),
    sinkPaused: new Gauge({
      name: 'edge_rtb_sink_paused',
      help: '1 while ClickHouse refuses inserts and the sink waits (events stay in the log)',
      registers,
    }),
    sinkLag: new Histogram({
      name: 'edge_rtb_sink_lag_seconds',
      help: 'From event time to the ClickHouse insert being acknowledged',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    }),
    driftMicros: new Gauge({
      name: 'edge_rtb_spend_drift_micros',
      help: 'Settled lease spend minus spend proven by win events, summed over reconciled leases (last pass)',
      registers,
    }),
    driftLeases: new Gauge({
      name: 'edge_rtb_spend_drift_leases',
      help: 'Ended leases whose settled spend differs from the events (last pass)',
      registers,
    }),
  };
}
