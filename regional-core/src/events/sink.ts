// The ClickHouse sink: one consumer group over every topic, batching by size and time,
// inserting each event id once. Redelivery (a crash before commit, an outbox replay, an edge
// retry) is expected: before inserting, the sink asks ClickHouse which ids of the batch are
// already there, so rollup views never count an event twice. Offsets are committed only
// after the insert is acknowledged; while ClickHouse is down the sink waits and retries with
// the batch in hand, and the log keeps the rest.
import type { RtbEvent } from '@edge-rtb/shared/events';
import type { Logger } from '@edge-rtb/shared/log';
import { chDateTime, eventToRow } from './ch/rows.ts';
import type { ChStore } from './ch/store.ts';
import { sqlString } from './ch/store.ts';
import type { EventLog, LogConsumer } from './log.ts';
import { ALL_TOPICS, fromRecord } from './log.ts';
import type { EventMetrics } from './metrics.ts';

export interface SinkOptions {
  log: EventLog;
  store: ChStore;
  logger: Logger;
  metrics?: EventMetrics;
  group?: string;
  batchSize?: number;
  maxDelayMs?: number;
  /** Called after each committed batch (benchmark, tests). */
  onFlush?: (f: { events: number; inserted: number; duplicates: number; lagsMs: number[] }) => void;
}

export interface Sink {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): { running: boolean; paused: boolean; inserted: number; duplicates: number; lastError?: string };
}

/** Ids per existence query: keeps the IN list well under ClickHouse's 256 KiB max_query_size. */
const CHECK_CHUNK = 3000;

export function createSink(o: SinkOptions): Sink {
  const { log, store, logger, metrics, group = 'clickhouse-sink', batchSize = 50_000, maxDelayMs = 1000 } = o;
  let consumer: LogConsumer | null = null;
  let running = false;
  let paused = false;
  let loop: Promise<void> | null = null;
  let inserted = 0;
  let duplicates = 0;
  let lastError: string | undefined;

  async function existingIds(events: RtbEvent[]): Promise<Set<string>> {
    const found = new Set<string>();
    const byType = new Map<string, RtbEvent[]>();
    for (const e of events) {
      const list = byType.get(e.type);
      if (list) list.push(e);
      else byType.set(e.type, [e]);
    }
    for (const [type, list] of byType) {
      list.sort((a, b) => a.ts - b.ts);
      for (let i = 0; i < list.length; i += CHECK_CHUNK) {
        const chunk = list.slice(i, i + CHECK_CHUNK);
        const from = chDateTime(chunk[0]!.ts);
        const to = chDateTime(chunk.at(-1)!.ts);
        const rows = await store.query<{ id: string }>(
          `SELECT id FROM events WHERE type = ${sqlString(type)} AND ts >= ${sqlString(from)} AND ts <= ${sqlString(to)}
           AND id IN (${chunk.map((e) => sqlString(e.id)).join(',')})`,
        );
        for (const r of rows) found.add(r.id);
      }
    }
    return found;
  }

  async function flush(buffer: RtbEvent[]): Promise<boolean> {
    const unique = [...new Map(buffer.map((e) => [e.id, e])).values()];
    for (let attempt = 0; ; attempt++) {
      try {
        const seen = await existingIds(unique);
        const fresh = unique.filter((e) => !seen.has(e.id));
        const now = Date.now();
        await store.insert(
          'events',
          fresh.map((e) => eventToRow(e, chDateTime(now))),
        );
        const ackAt = Date.now();
        const dup = buffer.length - fresh.length;
        inserted += fresh.length;
        duplicates += dup;
        metrics?.sinkRows.inc(fresh.length);
        metrics?.sinkDuplicates.inc(dup);
        const lagsMs = fresh.map((e) => ackAt - e.ts);
        if (metrics) for (const l of lagsMs) metrics.sinkLag.observe(l / 1000);
        if (paused) logger.info('clickhouse back, sink resumed', { after: attempt });
        paused = false;
        metrics?.sinkPaused.set(0);
        o.onFlush?.({ events: buffer.length, inserted: fresh.length, duplicates: dup, lagsMs });
        return true;
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
        if (!paused) logger.warn('clickhouse insert failed, sink paused', { error: lastError });
        paused = true;
        metrics?.sinkPaused.set(1);
        if (!running) return false;
        await sleep(Math.min(200 * 2 ** attempt, 3000));
      }
    }
  }

  async function run(c: LogConsumer): Promise<void> {
    let buffer: RtbEvent[] = [];
    let firstAt = 0;
    while (running) {
      const wait = buffer.length === 0 ? 500 : Math.max(0, firstAt + maxDelayMs - Date.now());
      const recs = await c.poll(5000, wait);
      for (const r of recs) buffer.push(...fromRecord(r));
      if (buffer.length > 0 && firstAt === 0) firstAt = Date.now();
      const due = buffer.length >= batchSize || (buffer.length > 0 && Date.now() - firstAt >= maxDelayMs);
      if (!due) continue;
      if (!(await flush(buffer))) return;
      buffer = [];
      firstAt = 0;
      await c
        .commit()
        .catch((e) =>
          logger.warn('sink commit failed; the batch will be redelivered and skipped', { error: String(e) }),
        );
    }
    if (buffer.length > 0 && (await flush(buffer))) await c.commit().catch(() => {});
  }

  return {
    async start() {
      consumer = await log.consumer(group, ALL_TOPICS);
      running = true;
      loop = run(consumer).catch((e) => {
        lastError = String(e);
        logger.error('sink stopped', { error: e });
      });
    },
    async stop() {
      running = false;
      await loop;
      await consumer?.close();
    },
    status: () => ({ running, paused, inserted, duplicates, ...(lastError ? { lastError } : {}) }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
