// The event log between ingest and the consumers. Exactly two implementations: Kafka
// (cluster, kafka-log.ts) and the durable local log (single-node, local-log.ts); both pass
// log.conformance.ts, and the consumers (ClickHouse sink, reconciler) only see this interface.
import type { EventType, RtbEvent } from '@edge-rtb/shared/events';
import { eventRowJson } from './ch/rows.ts';

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
 * A record: events of one family from one ingest batch whose auction ids hash to the same
 * partition, as ClickHouse rows (JSONEachRow objects of eventRowJson separated by ROW_SEP, at
 * most MAX_RECORD_BYTES). Same auction -> same partition -> one ordered stream, as keying by auction
 * id would give; packing many auctions into one record is what lets kafkajs (per-message cost
 * dominates) carry tens of thousands of events/s. Ingest writes the rows once, so the sink only
 * concatenates records into its insert, never parsing or re-serialising an event.
 * `key` is the first event's auction id. (Records written before this format, a JSON array of
 * events, start with '[' and are still read: see recordRows.)
 */
export interface LogRecord {
  topic: Topic;
  key: string;
  value: string;
  /** Partition chosen by partitionOf(auctionId); absent = 0 (the local log has one). */
  partition?: number;
}

export interface ConsumedRecord extends Omit<LogRecord, 'partition'> {
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
  /** Partitions per topic: toRecords(events, log.partitions) spreads auctions over them. */
  readonly partitions: number;
  /** Creates topics / opens files. */
  start(): Promise<void>;
  /** Resolves once every record is durable (broker-acknowledged or fsynced locally); order per key kept. */
  append(records: LogRecord[]): Promise<void>;
  consumer(group: string, topics: Topic[]): Promise<LogConsumer>;
  health(): { ok: boolean; detail?: string };
  close(): Promise<void>;
}

/** Keeps a record well under Kafka's default 1 MB message limit. */
export const MAX_RECORD_BYTES = 256 * 1024;

/** Stable partition of an auction id (FNV-1a), so all its events share one ordered stream. */
export function partitionOf(auctionId: string, partitions: number): number {
  if (partitions <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < auctionId.length; i++) h = Math.imul(h ^ auctionId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % partitions;
}

/** Packs events into records per (family, partition), in arrival order, size-capped. */
export function toRecords(events: RtbEvent[], partitions = 1): LogRecord[] {
  const groups = new Map<
    string,
    { topic: Topic; partition: number; parts: string[]; bytes: number; key: string }
  >();
  const out: LogRecord[] = [];
  const emit = (g: { topic: Topic; partition: number; parts: string[]; key: string }) =>
    out.push({ topic: g.topic, key: g.key, value: g.parts.join(ROW_SEP), partition: g.partition });
  for (const e of events) {
    const topic = TOPIC_OF[e.type];
    const partition = partitionOf(e.auctionId, partitions);
    const k = `${topic}/${partition}`;
    const json = eventRowJson(e);
    let g = groups.get(k);
    if (g && g.bytes + json.length + 1 > MAX_RECORD_BYTES) {
      emit(g);
      g = undefined;
    }
    if (!g) {
      g = { topic, partition, parts: [], bytes: 0, key: e.auctionId };
      groups.set(k, g);
    }
    g.parts.push(json);
    g.bytes += json.length + 1;
  }
  for (const g of groups.values()) emit(g);
  return out;
}

/**
 * Between the rows of a record. A record is one line in the local log and the outbox, so not
 * '\n'; JSON.stringify escapes every control character inside strings, so a tab never occurs
 * in a row, and ClickHouse's JSONEachRow (18.16 and chDB alike) skips it like a newline.
 */
export const ROW_SEP = '\t';

/** A record's rows: JSONEachRow objects separated by ROW_SEP, ready for the insert body. */
export function recordRows(r: LogRecord): string {
  if (!r.value.startsWith('[')) return r.value;
  // The earlier format: a JSON array of events.
  return (JSON.parse(r.value) as RtbEvent[]).map((e) => eventRowJson(e)).join(ROW_SEP);
}

/** The rows of a record as objects (tests, tools; the sink never parses them). */
export function fromRecord(r: LogRecord): Array<Record<string, unknown>> {
  const rows = recordRows(r);
  return rows ? rows.split(ROW_SEP).map((l) => JSON.parse(l) as Record<string, unknown>) : [];
}
