// The edge's durable event outbox: a SQLite-backed Durable Object that takes event batches the
// core did not accept (failed or timed-out POST /v1/events) and tracker events written through,
// stores each batch before acknowledging, and re-sends them from an alarm until the core answers
// 202, deleting a batch only then. Exponential backoff (capped, jittered) while the core fails.
// Each batch has a time before which the alarm leaves it alone: trackers are stored with a grace
// in which the isolate's batcher sends them in its own POST and then settles them here (forget:
// delivered, or send them yourself: that POST failed), so in normal running the outbox sends
// nothing and the edge makes one events POST per flush window.
// Order: due batches leave in the order they were stored, per core URL (a failing core holds back
// only its own batches). Bounded: past EVENTS_OUTBOX_MAX_BYTES a batch is refused (the caller
// keeps it in memory) and from 80 % of it every store logs an error line; nothing is dropped here.
// Sharding: a small fixed number of objects per PoP (outbox-client.ts), so none is a global bottleneck
// and each lives near its PoP. The core is idempotent on event id, so a repeat is harmless.
import { DurableObject } from 'cloudflare:workers';
import type { RtbEvent } from '@edge-rtb/shared/events';
import { drain } from '../drain.ts';
import { DEFAULT_FLUSH_MS, DEFAULT_POST_TIMEOUT_MS } from './event-batcher.ts';

export interface OutboxEnv {
  EDGE_TOKEN: string;
  /** First retry delay after a failed send, ms (default 1000); doubles per failure. */
  EVENTS_OUTBOX_RETRY_MS?: string;
  /** Longest retry delay, ms (default 60000). */
  EVENTS_OUTBOX_MAX_RETRY_MS?: string;
  /** The batcher's flush window, ms (default 2000): what arrives during a send waits this long. */
  EVENTS_FLUSH_MS?: string;
  /** How long one re-send may take before it counts as failed, ms (default 10000). */
  EVENTS_POST_TIMEOUT_MS?: string;
  /** Storage cap per shard in bytes of stored JSON (default 1 GiB). */
  EVENTS_OUTBOX_MAX_BYTES?: string;
}

export type EnqueueResult =
  | { ok: true; seq: number; pendingEvents: number; pendingBytes: number }
  | { ok: false; reason: 'full' | 'empty' | 'invalid'; pendingBytes: number };

export interface OutboxStats {
  batches: number;
  events: number;
  bytes: number;
  failures: number;
  nextAttemptAt: number | null;
  /** Events the core accepted from this object since it was loaded. */
  delivered: number;
  /** Events the isolate's batcher delivered and settled here since it was loaded. */
  settled: number;
  /** Events the core refused as invalid (400): kept in table `refused` for a person to look at. */
  refused: number;
}

/**
 * Events and bytes per POST when the alarm merges stored batches (the core takes 10,000 / 16 MB).
 * 2 MB: on a busy edge the upload is the slow part (2.3 MB took 9.5 s at the load tap, against a
 * 10 s timeout), and a re-send that never fits its timeout would never be delivered.
 */
const MAX_POST_EVENTS = 5_000;
const MAX_POST_BYTES = 2 * 1024 * 1024;
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
  private settled = 0;
  private lastWhy = '';
  private lastWarn = 0;

  constructor(ctx: DurableObjectState, env: OutboxEnv) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS batches (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      core TEXT NOT NULL, events TEXT NOT NULL, n INTEGER NOT NULL, bytes INTEGER NOT NULL,
      stored_at INTEGER NOT NULL, send_after INTEGER NOT NULL DEFAULT 0)`);
    // Objects made before batches had a send time: theirs are all due (0).
    if (ctx.storage.kv.get('schema') !== 2) {
      try {
        sql.exec('ALTER TABLE batches ADD COLUMN send_after INTEGER NOT NULL DEFAULT 0');
      } catch {
        // Already there: the table was created with it.
      }
      ctx.storage.kv.put('schema', 2);
    }
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
   * `sendAfterMs`: the alarm leaves the batch alone this long (default the first retry delay;
   * trackers pass the grace in which the isolate's batcher sends them and settles them here).
   * `events` come as objects or, from the batcher, already as one JSON array text of `n` events
   * (stored as it is).
   */
  async enqueue(
    coreUrl: string,
    events: RtbEvent[] | { json: string; n: number },
    sendAfterMs?: number,
  ): Promise<EnqueueResult> {
    const count = Array.isArray(events) ? events.length : events.n;
    if (count === 0) return { ok: false, reason: 'empty', pendingBytes: this.bytes };
    const text = Array.isArray(events) ? JSON.stringify(events) : events.json;
    // Texts are spliced into merged POSTs unparsed (send), so one that is not an array of objects
    // would make the core refuse the other batches sent with it: refused here, the caller keeps it.
    if (!Number.isInteger(count) || count < 0 || !text.startsWith('[{') || !text.endsWith('}]'))
      return { ok: false, reason: 'invalid', pendingBytes: this.bytes };
    const max = this.maxBytes;
    if (this.bytes + text.length > max) {
      this.warn('event outbox full: batch refused, the edge keeps it in memory', max, count, true);
      return { ok: false, reason: 'full', pendingBytes: this.bytes };
    }
    const now = Date.now();
    const due = now + Math.max(0, sendAfterMs ?? this.retryMs);
    const { seq } = this.ctx.storage.sql
      .exec<{ seq: number }>(
        'INSERT INTO batches (core, events, n, bytes, stored_at, send_after) VALUES (?, ?, ?, ?, ?, ?) RETURNING seq',
        coreUrl,
        text,
        count,
        text.length,
        now,
        due,
      )
      .one();
    this.bytes += text.length;
    this.events += count;
    if (this.bytes > 0.8 * max) this.warn('event outbox near its cap', max, count, false);
    await this.wakeBy(due);
    return { ok: true, seq, pendingEvents: this.events, pendingBytes: this.bytes };
  }

  /**
   * The batcher's word on batches it was sending itself: `delivered` (the core answered 202:
   * forget them) or not (its POST failed: they are due after the retry delay, sent from here).
   */
  async settle(seqs: number[], delivered: boolean): Promise<void> {
    const sql = this.ctx.storage.sql;
    if (!delivered) {
      const due = Date.now() + this.retryMs;
      for (const seq of seqs) sql.exec('UPDATE batches SET send_after = ? WHERE seq = ?', due, seq);
      await this.wakeBy(due);
      return;
    }
    for (const seq of seqs) {
      // Gone already if the alarm sent it first (the core dropped the repeat by id).
      const r = sql
        .exec<Row>('DELETE FROM batches WHERE seq = ? RETURNING seq, core, n, bytes', seq)
        .toArray()[0];
      if (!r) continue;
      this.bytes -= r.bytes;
      this.events -= r.n;
      this.settled += r.n;
    }
    // The batcher just reached the core: a backlog held back by backoff need not wait it out.
    if (this.failures() > 0) {
      this.ctx.storage.kv.delete('failures');
      const first = sql.exec<{ t: number | null }>('SELECT MIN(send_after) AS t FROM batches').one().t;
      if (first !== null) await this.ctx.storage.setAlarm(Math.max(first, Date.now()));
    }
  }

  private get retryMs() {
    return num(this.env.EVENTS_OUTBOX_RETRY_MS, 1_000);
  }

  /** Makes the alarm fire by `due`, unless the core is failing: then its backoff stands. */
  private async wakeBy(due: number) {
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || (alarm > due && this.failures() === 0)) await this.ctx.storage.setAlarm(due);
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
      settled: this.settled,
      refused: sql.exec<{ e: number | null }>('SELECT SUM(n) AS e FROM refused').one().e ?? 0,
    };
  }

  override async alarm(): Promise<void> {
    const started = Date.now();
    // Batches that become due during this run wait for the next one.
    const now = started;
    const failed = new Set<string>();
    let after = 0;
    let budgetLeft = true;
    for (;;) {
      const rows = this.ctx.storage.sql
        .exec<Row>(
          'SELECT seq, core, n, bytes FROM batches WHERE seq > ? AND send_after <= ? ORDER BY seq LIMIT 1000',
          after,
          now,
        )
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
      const base = this.retryMs;
      const cap = num(this.env.EVENTS_OUTBOX_MAX_RETRY_MS, 60_000);
      const delay = Math.min(cap, base * 2 ** Math.min(failures - 1, 30)) * (0.8 + 0.4 * Math.random());
      await this.ctx.storage.setAlarm(Date.now() + delay);
      if (failures === 1 || failures % 10 === 0)
        console.warn(
          JSON.stringify({
            level: 'warn',
            msg: 'event outbox: core refused, retrying',
            why: this.lastWhy,
            failures,
            retryInMs: Math.round(delay),
            pendingEvents: this.events,
          }),
        );
      return;
    }
    kv.delete('failures');
    const next = this.ctx.storage.sql
      .exec<{ t: number | null }>('SELECT MIN(send_after) AS t FROM batches')
      .one().t;
    // A backlog the run could not finish goes on at once; otherwise the next batch's time, but
    // at least one flush window on, so batches that became due meanwhile leave grouped: re-arming
    // at once made one POST per core round trip (~13 a second at 150 auctions/s).
    if (!budgetLeft) await this.ctx.storage.setAlarm(Date.now());
    else if (next !== null)
      await this.ctx.storage.setAlarm(
        Math.max(next, Date.now() + num(this.env.EVENTS_FLUSH_MS, DEFAULT_FLUSH_MS)),
      );
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
        signal: AbortSignal.timeout(num(this.env.EVENTS_POST_TIMEOUT_MS, DEFAULT_POST_TIMEOUT_MS)),
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
      this.lastWhy = `HTTP ${res.status}`;
      return 'retry';
    } catch (e) {
      this.lastWhy = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
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
