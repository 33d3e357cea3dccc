// The ClickHouse sink: one consumer group over every topic, batching by size and time,
// inserting each event id once. Redelivery (a crash before commit, an outbox replay, an edge
// retry) is expected: the batch is staged in ClickHouse and only (type, id) pairs not yet in
// events are copied in, so rollup views never count an event twice. Offsets are committed only
// after the insert is acknowledged; while ClickHouse is down the sink waits and retries with
// the batch in hand, and the log keeps the rest.
import type { Logger } from '@edge-rtb/shared/log';
import { chDateTime, ROW_DERIVED, rowTsMs } from './ch/rows.ts';
import type { ChStore } from './ch/store.ts';
import { sqlString } from './ch/store.ts';
import type { EventLog, LogConsumer } from './log.ts';
import { ALL_TOPICS, ROW_SEP, recordRows } from './log.ts';
import type { EventMetrics } from './metrics.ts';

export interface SinkOptions {
  log: EventLog;
  store: ChStore;
  logger: Logger;
  metrics?: EventMetrics;
  group?: string;
  batchSize?: number;
  maxDelayMs?: number;
  /** How far back a replayed notice (win, loss, impression, click, conversion) is still recognised. */
  replayWindowMs?: number;
  /** Called after each committed batch (benchmark, tests). */
  onFlush?: (f: { events: number; inserted: number; duplicates: number; lagsMs: number[] }) => void;
}

export interface Sink {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): { running: boolean; paused: boolean; inserted: number; duplicates: number; lastError?: string };
}

export function createSink(o: SinkOptions): Sink {
  const {
    log,
    store,
    logger,
    metrics,
    group = 'clickhouse-sink',
    batchSize = 50_000,
    maxDelayMs = 1000,
    replayWindowMs = 5 * 60_000,
  } = o;
  let consumer: LogConsumer | null = null;
  let running = false;
  let paused = false;
  let loop: Promise<void> | null = null;
  let inserted = 0;
  let duplicates = 0;
  let lastError: string | undefined;

  // Insert-once without shipping ids back and forth: the batch goes into a per-sink Memory
  // table, then only rows whose (type, id) is not yet in events within the batch's time range
  // are copied over, one row per id. Every step is repeatable, so a retry after a partial
  // failure is exact. The rows arrive serialised by ingest (JSONEachRow), so the batch is
  // concatenated, never parsed: repeats within it are found by ClickHouse, not here.
  const staging = `events_staging_${group.replace(/[^A-Za-z0-9_]/g, '_')}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let stagingReady = false;
  let copyColumns = '*';

  async function insertOnce(b: Batch): Promise<{ rows: number; fresh: number }> {
    if (!stagingReady) {
      await store.exec(`DROP TABLE IF EXISTS ${staging}`);
      await store.exec(`CREATE TABLE ${staging} AS events ENGINE = Memory`);
      // events' columns in order, derived ones computed: followed anew after every restart.
      const cols = await store.query<{ name: string }>('DESCRIBE TABLE events');
      copyColumns = cols
        .map((c) => (ROW_DERIVED[c.name] ? `${ROW_DERIVED[c.name]} AS ${c.name}` : c.name))
        .join(', ');
      stagingReady = true;
    }
    await store.exec(`TRUNCATE TABLE ${staging}`);
    await store.insertLines(staging, b.lines.join('\n'));
    // Repeats of a batch carry the same ts, so the batch's own time range finds them. A replayed
    // notice (win, loss, tracker) may be stamped later than its first copy: for those types look
    // back replayWindowMs too. Only ids of this batch are collected, so the set stays small.
    const range = `ts <= ${sqlString(chDateTime(b.hi))} AND (ts >= ${sqlString(chDateTime(b.lo))}
      OR (type IN (${NOTICE_TYPES}) AND ts >= ${sqlString(chDateTime(b.lo - replayWindowMs))}))`;
    const existing = `(SELECT type, id FROM events WHERE ${range} AND id IN (SELECT id FROM ${staging}))`;
    const [c] = await store.query<{ n: string; u: string; fresh: string }>(
      `SELECT count() AS n, uniqExact(id) AS u, uniqExactIf(id, (type, id) NOT IN ${existing}) AS fresh FROM ${staging}`,
    );
    const rows = Number(c?.n ?? 0);
    const distinct = Number(c?.u ?? 0);
    const fresh = Number(c?.fresh ?? 0);
    if (fresh > 0)
      await store.exec(
        `INSERT INTO events SELECT ${copyColumns} FROM ${staging}${fresh < distinct ? ` WHERE (type, id) NOT IN ${existing}` : ''}${distinct < rows ? ' LIMIT 1 BY id' : ''}`,
      );
    return { rows, fresh };
  }

  async function flush(b: Batch): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        const { rows, fresh } = await insertOnce(b);
        const ackAt = Date.now();
        const dup = rows - fresh;
        inserted += fresh;
        duplicates += dup;
        metrics?.sinkRows.inc(fresh);
        metrics?.sinkDuplicates.inc(dup);
        // Lag over the batch's rows (a batch with repeats counts them too: rare, and close enough).
        const lagsMs = fresh > 0 ? b.ts.map((t) => ackAt - t) : [];
        if (metrics) for (const l of lagsMs) metrics.sinkLag.observe(l / 1000);
        if (paused) logger.info('clickhouse back, sink resumed', { after: attempt });
        paused = false;
        metrics?.sinkPaused.set(0);
        o.onFlush?.({ events: rows, inserted: fresh, duplicates: dup, lagsMs });
        return true;
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
        if (!paused) logger.warn('clickhouse insert failed, sink paused', { error: lastError });
        paused = true;
        stagingReady = false; // a restarted server has lost its Memory tables
        metrics?.sinkPaused.set(1);
        if (!running) return false;
        await sleep(Math.min(200 * 2 ** attempt, 3000));
      }
    }
  }

  async function run(c: LogConsumer): Promise<void> {
    let b = newBatch();
    let firstAt = 0;
    let perRecord = 1;
    while (running) {
      const wait = b.count === 0 ? 500 : Math.max(0, firstAt + maxDelayMs - Date.now());
      // Records pack from one to ~1,000 events: ask for about as many as the batch still needs.
      const want = Math.max(1, Math.min(5000, Math.ceil((batchSize - b.count) / perRecord)));
      const recs = await c.poll(want, wait);
      const before = b.count;
      for (const r of recs) add(b, recordRows(r));
      if (recs.length > 0)
        perRecord = Math.max(1, 0.8 * perRecord + (0.2 * (b.count - before)) / recs.length);
      if (b.count > 0 && firstAt === 0) firstAt = Date.now();
      const due = b.count >= batchSize || (b.count > 0 && Date.now() - firstAt >= maxDelayMs);
      if (!due) continue;
      if (!(await flush(b))) return;
      b = newBatch();
      firstAt = 0;
      await c
        .commit()
        .catch((e) =>
          logger.warn('sink commit failed; the batch will be redelivered and skipped', { error: String(e) }),
        );
    }
    if (b.count > 0 && (await flush(b))) await c.commit().catch(() => {});
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
      if (stagingReady) await store.exec(`DROP TABLE IF EXISTS ${staging}`).catch(() => {});
    },
    status: () => ({ running, paused, inserted, duplicates, ...(lastError ? { lastError } : {}) }),
  };
}

/** A sink batch: the records' row lines as they came, and each row's ts_ms (range, lag). */
interface Batch {
  lines: string[];
  ts: number[];
  count: number;
  lo: number;
  hi: number;
}

const newBatch = (): Batch => ({ lines: [], ts: [], count: 0, lo: Number.POSITIVE_INFINITY, hi: 0 });

/** Adds a record's rows: reads each row's leading ts_ms, nothing else. */
function add(b: Batch, rows: string): void {
  if (rows.length === 0) return;
  b.lines.push(rows);
  for (let at = 0; at >= 0; ) {
    const t = rowTsMs(rows, at);
    b.ts.push(t);
    if (t < b.lo) b.lo = t;
    if (t > b.hi) b.hi = t;
    b.count++;
    const nl = rows.indexOf(ROW_SEP, at);
    at = nl < 0 ? -1 : nl + 1;
  }
}

const NOTICE_TYPES = ['win', 'loss', 'impression', 'click', 'conversion'].map((t) => `'${t}'`).join(', ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
