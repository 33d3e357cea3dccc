// The event log between ingest and the consumers. Exactly two implementations: Kafka
// (cluster, kafka-log.ts) and the durable local log (single-node, local-log.ts); both pass
// log.conformance.ts, and the consumers (ClickHouse sink, reconciler) only see this interface.
import type { EventType, RtbEvent } from '@edge-rtb/shared/events';

/** One topic per event family, so consumers read only what they need. */
export const TOPICS = {
  auctions: 'rtb.auctions',
  bids: 'rtb.bids',
  outcomes: 'rtb.outcomes',
  trackers: 'rtb.trackers',
  leases: 'rtb.leases',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];
export const ALL_TOPICS: Topic[] = Object.values(TOPICS);

export const TOPIC_OF: Record<EventType, Topic> = {
  auction: TOPICS.auctions,
  bid: TOPICS.bids,
  win: TOPICS.outcomes,
  loss: TOPICS.outcomes,
  impression: TOPICS.trackers,
  click: TOPICS.trackers,
  conversion: TOPICS.trackers,
  lease: TOPICS.leases,
};

/**
 * A record: the events of one auction (the key) and one family from one ingest batch, as a
 * JSON array. Packing an auction's events into one record keeps them in order (same key ->
 * same partition) and cuts per-message cost, which dominates kafkajs throughput.
 */
export interface LogRecord {
  topic: Topic;
  key: string;
  value: string;
}

export interface ConsumedRecord extends LogRecord {
  partition: number;
  /** Decimal string, as Kafka reports offsets. */
  offset: string;
}

export interface LogConsumer {
  /** Up to `max` records, waiting at most `waitMs` for the first one; [] when none. */
  poll(max: number, waitMs: number): Promise<ConsumedRecord[]>;
  /** Persists the position after every record poll() has returned so far (at-least-once). */
  commit(): Promise<void>;
  close(): Promise<void>;
}

export interface EventLog {
  readonly kind: 'kafka' | 'local';
  /** Creates topics / opens files. */
  start(): Promise<void>;
  /** Resolves once every record is durable (broker-acknowledged or fsynced locally); order per key kept. */
  append(records: LogRecord[]): Promise<void>;
  consumer(group: string, topics: Topic[]): Promise<LogConsumer>;
  health(): { ok: boolean; detail?: string };
  close(): Promise<void>;
}

/** Groups events into records: one per (family, auctionId), first-seen order kept. */
export function toRecords(events: RtbEvent[]): LogRecord[] {
  const groups = new Map<string, { topic: Topic; key: string; events: RtbEvent[] }>();
  for (const e of events) {
    const topic = TOPIC_OF[e.type];
    const g = groups.get(`${topic}\n${e.auctionId}`);
    if (g) g.events.push(e);
    else groups.set(`${topic}\n${e.auctionId}`, { topic, key: e.auctionId, events: [e] });
  }
  return [...groups.values()].map((g) => ({ topic: g.topic, key: g.key, value: JSON.stringify(g.events) }));
}

/** The events in a consumed record. */
export function fromRecord(r: LogRecord): RtbEvent[] {
  return JSON.parse(r.value) as RtbEvent[];
}
