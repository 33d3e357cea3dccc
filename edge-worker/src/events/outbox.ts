// The edge's durable event outbox: a SQLite-backed Durable Object that takes event batches the
// core did not accept (failed or timed-out POST /v1/events) and tracker events written through,
// stores each batch before acknowledging, and re-sends them from an alarm until the core answers
// 202, deleting a batch only then. Exponential backoff (capped, jittered) while the core fails.
// Order: batches leave in the order they were stored, per core URL (a failing core holds back
// only its own batches). Bounded: past EVENTS_OUTBOX_MAX_BYTES a batch is refused (the caller
// keeps it in memory) and from 80 % of it every store logs an error line; nothing is dropped here.
// Sharding: a small fixed number of objects per PoP (outbox-client.ts), so none is a global bottleneck
// and each lives near its PoP. The core is idempotent on event id, so a repeat is harmless.
import { DurableObject } from 'cloudflare:workers';
import type { RtbEvent } from '@edge-rtb/shared/events';
import { drain } from '../drain.ts';

export interface OutboxEnv {
  EDGE_TOKEN: string;
  /** First retry delay after a failed send, ms (default 1000); doubles per failure. */
  EVENTS_OUTBOX_RETRY_MS?: string;
  /** Longest retry delay, ms (default 60000). */
  EVENTS_OUTBOX_MAX_RETRY_MS?: string;
  /** The batcher's flush window, ms (default 1000): what arrives during a send waits this long. */
  EVENTS_FLUSH_MS?: string;
  /** How long one re-send may take before it counts as failed, ms (default 10000). */
  EVENTS_POST_TIMEOUT_MS?: string;
  /** Storage cap per shard in bytes of stored JSON (default 1 GiB). */
  EVENTS_OUTBOX_MAX_BYTES?: string;
}

export type EnqueueResult =
  | { ok: true; pendingEvents: number; pendingBytes: number }
  | { ok: false; reason: 'full' | 'empty'; pendingBytes: number };

export interface OutboxStats {
  batches: number;
  events: number;
  bytes: number;
  failures: number;
  nextAttemptAt: number | null;
  /** Events the core accepted from this object since it was loaded. */
  delivered: number;
  /** Events the core refused as invalid (400): kept in table `refused` for a person to look at. */
  refused: number;
}

/** Events and bytes per POST when the alarm merges stored batches (the core takes 10,000 / 16 MB). */
const MAX_POST_EVENTS = 2_000;
const MAX_POST_BYTES = 4 * 1024 * 1024;
/** One alarm run works at most this long, then schedules the next run at once. */
const RUN_BUDGET_MS = 20_000;
const WARN_EVERY_MS = 10_000;

const num = (v: string | undefined, d: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : d;
};

/** A stored batch without its events: the alarm pages through these and loads a POST's texts only. */
type Row = { seq: number; core: string; n: number; bytes: number };

export class EventOutbox extends DurableObject<OutboxEnv> {
  private bytes = 0;
  private events = 0;
  private delivered = 0;
  private lastWarn = 0;

  constructor(ctx: DurableObjectState, env: OutboxEnv) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS batches (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      core TEXT NOT NULL, events TEXT NOT NULL, n INTEGER NOT NULL, bytes INTEGER NOT NULL,
      stored_at INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS refused (
      seq INTEGER PRIMARY KEY, core TEXT NOT NULL, events TEXT NOT NULL, n INTEGER NOT NULL,
      refused_at INTEGER NOT NULL)`);
    const row = sql
      .exec<{ b: number | null; e: number | null }>('SELECT SUM(bytes) AS b, SUM(n) AS e FROM batches')
      .one();
    this.bytes = row.b ?? 0;
    this.events = row.e ?? 0;
  }

  private get maxBytes() {
    return num(this.env.EVENTS_OUTBOX_MAX_BYTES, 1024 ** 3);
  }

  /**
   * Stores `events` (bound for `coreUrl`) durably; the promise resolves only once the write is
   * committed (the DO's output gate), so an ok means the batch survives the caller's isolate.
   * `sendAfterMs`: earliest first attempt when nothing is scheduled (default the first retry
   * delay; trackers pass the flush window, so they leave in groups).
   */
  async enqueue(coreUrl: string, events: RtbEvent[], sendAfterMs?: number): Promise<EnqueueResult> {
    if (events.length === 0) return { ok: false, reason: 'empty', pendingBytes: this.bytes };
    const text = JSON.stringify(events);
    const max = this.maxBytes;
    if (this.bytes + text.length > max) {
      this.warn('event outbox full: batch refused, the edge keeps it in memory', max, events.length, true);
      return { ok: false, reason: 'full', pendingBytes: this.bytes };
    }
    this.ctx.storage.sql.exec(
      'INSERT INTO batches (core, events, n, bytes, stored_at) VALUES (?, ?, ?, ?, ?)',
      coreUrl,
      text,
      events.length,
      text.length,
      Date.now(),
    );
    this.bytes += text.length;
    this.events += events.length;
    if (this.bytes > 0.8 * max) this.warn('event outbox near its cap', max, events.length, false);
    const alarm = await this.ctx.storage.getAlarm();
    // A batch the core just failed waits the first retry delay; trackers wait the flush window.
    const wait = sendAfterMs ?? num(this.env.EVENTS_OUTBOX_RETRY_MS, 1_000);
    if (alarm === null) await this.ctx.storage.setAlarm(Date.now() + Math.max(0, wait));
    return { ok: true, pendingEvents: this.events, pendingBytes: this.bytes };
  }

  /** What is waiting, optionally only for one core URL (tests use their tenant's). */
  async stats(coreUrl?: string): Promise<OutboxStats> {
    const sql = this.ctx.storage.sql;
    const r = (
      coreUrl === undefined
        ? sql.exec<{ c: number; e: number | null; b: number | null }>(
            'SELECT COUNT(*) AS c, SUM(n) AS e, SUM(bytes) AS b FROM batches',
          )
        : sql.exec<{ c: number; e: number | null; b: number | null }>(
            'SELECT COUNT(*) AS c, SUM(n) AS e, SUM(bytes) AS b FROM batches WHERE core = ?',
            coreUrl,
          )
    ).one();
    return {
      batches: r.c,
      events: r.e ?? 0,
      bytes: r.b ?? 0,
      failures: this.failures(),
      nextAttemptAt: await this.ctx.storage.getAlarm(),
      delivered: this.delivered,
      refused: sql.exec<{ e: number | null }>('SELECT SUM(n) AS e FROM refused').one().e ?? 0,
    };
  }

  override async alarm(): Promise<void> {
    const started = Date.now();
    const failed = new Set<string>();
    let after = 0;
    let budgetLeft = true;
    for (;;) {
      const rows = this.ctx.storage.sql
        .exec<Row>('SELECT seq, core, n, bytes FROM batches WHERE seq > ? ORDER BY seq LIMIT 1000', after)
        .toArray();
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.seq;
      const cores = [...new Set(rows.map((r) => r.core))].filter((c) => !failed.has(c));
      for (const core of cores) {
        const mine = rows.filter((r) => r.core === core);
        let i = 0;
        while (i < mine.length) {
          const chunk: Row[] = [mine[i]!];
          let n = mine[i]!.n;
          let bytes = mine[i]!.bytes;
          for (
            i++;
            i < mine.length && n + mine[i]!.n <= MAX_POST_EVENTS && bytes + mine[i]!.bytes <= MAX_POST_BYTES;
            i++
          ) {
            chunk.push(mine[i]!);
            n += mine[i]!.n;
            bytes += mine[i]!.bytes;
          }
          const sent = await this.send(core, chunk);
          if (sent === 'retry') {
            failed.add(core);
            break;
          }
          this.forget(chunk, sent === 'invalid');
        }
      }
      // Rows of a failed core stay; keep scanning past them only for other cores' batches.
      if (Date.now() - started > RUN_BUDGET_MS) {
        budgetLeft = false;
        break;
      }
    }
    const kv = this.ctx.storage.kv;
    if (failed.size > 0) {
      const failures = this.failures() + 1;
      kv.put('failures', failures);
      const base = num(this.env.EVENTS_OUTBOX_RETRY_MS, 1_000);
      const cap = num(this.env.EVENTS_OUTBOX_MAX_RETRY_MS, 60_000);
      const delay = Math.min(cap, base * 2 ** Math.min(failures - 1, 30)) * (0.8 + 0.4 * Math.random());
      await this.ctx.storage.setAlarm(Date.now() + delay);
      if (failures === 1 || failures % 10 === 0)
        console.warn(
          JSON.stringify({
            level: 'warn',
            msg: 'event outbox: core refused, retrying',
            failures,
            retryInMs: Math.round(delay),
            pendingEvents: this.events,
          }),
        );
      return;
    }
    kv.delete('failures');
    const left = this.ctx.storage.sql.exec<{ c: number }>('SELECT COUNT(*) AS c FROM batches').one().c;
    // A backlog the run could not finish goes on at once; batches that arrived during the run
    // (trackers written through) wait one flush window, so they leave grouped: re-arming at once
    // made one POST per core round trip (~13 a second at 150 auctions/s, 88 core trips per 1,000).
    if (!budgetLeft) await this.ctx.storage.setAlarm(Date.now());
    else if (left > 0) await this.ctx.storage.setAlarm(Date.now() + num(this.env.EVENTS_FLUSH_MS, 1_000));
  }

  private failures(): number {
    return (this.ctx.storage.kv.get('failures') as number | undefined) ?? 0;
  }

  private async send(core: string, chunk: Row[]): Promise<'ok' | 'retry' | 'invalid'> {
    // The stored texts are JSON arrays: splice them into one body without parsing.
    const sql = this.ctx.storage.sql;
    const texts = chunk.map(
      (r) => sql.exec<{ events: string }>('SELECT events FROM batches WHERE seq = ?', r.seq).one().events,
    );
    const body = `{"events":[${texts.map((t) => t.slice(1, -1)).join(',')}]}`;
    try {
      const res = await fetch(`${core}/v1/events`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.env.EDGE_TOKEN}`,
          'content-type': 'application/json',
          // Which part sent it, so the core (and the load tap) can tell re-sends from batches.
          'x-edge-events-sender': `outbox ${this.ctx.id.name ?? this.ctx.id.toString().slice(0, 8)}`,
        },
        body,
        signal: AbortSignal.timeout(num(this.env.EVENTS_POST_TIMEOUT_MS, 10_000)),
      });
      await drain(res);
      if (res.status === 202 || res.ok) return 'ok';
      if (res.status === 400) {
        // Refused as invalid: retrying can never succeed and would hold back every later batch.
        // Set aside (kept, counted, logged), never silently dropped.
        console.error(
          JSON.stringify({
            level: 'error',
            msg: 'event outbox: core refused a batch as invalid, set aside',
            core,
          }),
        );
        return 'invalid';
      }
      return 'retry';
    } catch {
      return 'retry';
    }
  }

  private forget(chunk: Row[], invalid: boolean) {
    const sql = this.ctx.storage.sql;
    for (const r of chunk) {
      if (invalid)
        sql.exec(
          'INSERT INTO refused (seq, core, events, n, refused_at) SELECT seq, core, events, n, ? FROM batches WHERE seq = ?',
          Date.now(),
          r.seq,
        );
      sql.exec('DELETE FROM batches WHERE seq = ?', r.seq);
      this.bytes -= r.bytes;
      this.events -= r.n;
      if (!invalid) this.delivered += r.n;
    }
  }

  private warn(msg: string, max: number, n: number, always: boolean) {
    const now = Date.now();
    if (!always && now - this.lastWarn < WARN_EVERY_MS) return;
    this.lastWarn = now;
    console.error(
      JSON.stringify({
        level: 'error',
        msg,
        metric: 'edge_events_outbox_bytes',
        pendingBytes: this.bytes,
        maxBytes: max,
        pendingEvents: this.events,
        batchEvents: n,
      }),
    );
  }
}
