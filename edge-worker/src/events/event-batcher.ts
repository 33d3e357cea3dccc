// Events leave the isolate in batches, at most one POST /v1/events per flush window: the first
// event after a quiet spell opens a window (`flushMs`), and while events keep coming each POST
// starts one window after the previous one started (at once only when `maxBatch` is waiting).
// Sending back to back instead, as soon as the previous POST returned, made one POST per core
// round trip (~8 a second at 150 auctions/s, 60 core trips per 1,000 auctions). The response
// never waits: all of it runs under the request's waitUntil.
//
// Tracker events (impression, click, conversion) are money and sit in the durable outbox before
// the tracker answers (routes/notices.ts); they are handed in here too with the outbox's receipt
// and ride in the same POST as the auction events, after which the outbox is told to forget them.
// The outbox sends them itself only if that never happens (isolate gone, POST failed): so the
// edge makes one events POST per window, not one for the batch plus one per outbox shard.
//
// A failed POST hands the batch, and the rest of the buffer, to the outbox (`store`), which
// re-sends them until the core takes them, and tells it to send the trackers it holds on its own.
// Only what the outbox refuses (unreachable, or full) stays in memory for the next flush, up to
// `maxBuffered` (oldest dropped and counted): the edge must not grow without bound while the core
// is down. One run of sends lives under one request's waitUntil, which the runtime cuts some 30 s
// after the response: a run hands over after `handoffMs` (15 s), storing what it still holds in the outbox
// (to ride in the next run's POST), so nothing rests on a later request arriving.
//
// An auction hands in a builder, not its events: the run builds them on its next tick (every
// TICK_MS while a window is open), for all auctions since the last tick in one loop. Per auction
// that saves a timer, an isolate entry and a waitUntil after the answer, and the building runs
// warm (in a loop) instead of cold once per request (docs/benchmarks.md, "Request cost in
// workerd"); a tick holds the isolate about 50 us per auction in it. Each auction's events are
// then turned into JSON once (one stringify call) and held as UTF-8 bytes: at flush the body is a
// Blob of those arrays (a native copy), so nothing joins or re-encodes ~1-2 MB of text on the
// isolate's thread (stringifying a whole batch at once held it 3-10 ms; joining ready texts
// 2-3 ms). Held for a whole window, each auction's events
// outlive two young-generation collections either way; as bytes only a small handle is promoted,
// though GC traces show full GCs come no less often for it (the runtime's own request and fetch
// wrappers fill the old generation, docs/benchmarks.md). The outbox is given the same bytes as one
// JSON array text, never re-parsed.
import type { RtbEvent } from '@edge-rtb/shared/events';
import { createLogger } from '@edge-rtb/shared/log';
import { drain } from '../drain.ts';

const log = createLogger({ part: 'edge' });

/** Where the outbox holds events durably (outbox-client.ts): the shard, its row, the core they are for. */
export interface Receipt {
  shard: string;
  seq: number;
  core: string;
}

export interface EventSink {
  coreUrl: string;
  edgeToken: string;
  /** How long a POST may take before it counts as failed (default DEFAULT_POST_TIMEOUT_MS). */
  timeoutMs?: number;
  /**
   * Stores events, already JSON (`EventJson`), durably; resolves their receipt once stored,
   * null when the outbox cannot.
   */
  store?: (events: EventJson[], sendAfterMs?: number) => Promise<Receipt | null>;
  /** Tells the outbox what became of events it holds: delivered (forget them) or not (send them). */
  settle?: (receipts: Receipt[], delivered: boolean) => Promise<void>;
  /** How long the outbox leaves stored events to the batcher before sending them itself. */
  graceMs?: number;
}

/**
 * `n` events as the JSON the core is sent, UTF-8: `JSON.stringify` of their array without the
 * brackets, after a leading comma (so a body is these arrays back to back, the first one's comma
 * skipped by a view).
 */
export interface EventJson {
  bytes: Uint8Array;
  n: number;
}

const utf8 = new TextEncoder();

export const eventJson = (events: RtbEvent[]): EventJson => {
  // "[{...},{...}]" as bytes, its "[" overwritten by the separator and its "]" cut by a view.
  const bytes = utf8.encode(JSON.stringify(events));
  bytes[0] = 0x2c;
  return { bytes: bytes.subarray(0, bytes.length - 1), n: events.length };
};

function count(parts: EventJson[]): number {
  let n = 0;
  for (const p of parts) n += p.n;
  return n;
}

/** Splits `parts` after at most `max` events (at least one part, so an oversized one still moves). */
function take(parts: EventJson[], max: number): [EventJson[], EventJson[]] {
  let i = 0;
  let n = 0;
  while (i < parts.length && (i === 0 || n + parts[i]!.n <= max)) n += parts[i++]!.n;
  return [parts.slice(0, i), parts.slice(i)];
}

/** The parts as the inside of one JSON array: the first part's leading comma left out. */
function arrayInside(parts: EventJson[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of parts) if (p.n > 0) out.push(p.bytes);
  if (out.length > 0) out[0] = out[0]!.subarray(1);
  return out;
}

/** The POST body, exactly what `JSON.stringify({ events })` gives (UTF-8). */
export const eventsBody = (parts: EventJson[]): Blob =>
  new Blob([utf8.encode('{"events":['), ...arrayInside(parts), utf8.encode(']}')]);

/** The events as one JSON array text (brackets included) and their count: what the outbox stores. */
export async function eventsArray(parts: EventJson[]): Promise<{ json: string; n: number }> {
  return { json: await new Blob(['[', ...arrayInside(parts), ']']).text(), n: count(parts) };
}

/**
 * An auction's events, built later by the run (with the run's waitUntil, for any work they start).
 * A builder that throws loses only its own auction's events, and is logged.
 */
export type EventBuilder<T> = (from: T, waitUntil: (p: Promise<unknown>) => void) => RtbEvent[];

/** A builder and what it builds from: a module function and a record, not a closure per auction. */
interface Later {
  build: EventBuilder<unknown>;
  from: unknown;
}

/** How often a run builds the events handed in as builders while it waits for its window. */
export const TICK_MS = 100;

export interface BatcherOptions {
  flushMs?: number;
  maxBatch?: number;
  maxBuffered?: number;
  handoffMs?: number;
}

export interface BatcherStats {
  /** Events only in isolate memory (an auction not yet built counts as one). */
  buffered: number;
  /** Events the outbox holds that wait for this isolate's next POST. */
  held: number;
  sent: number;
  dropped: number;
  failedPosts: number;
  /** Events handed to the outbox after a failed POST. */
  spilled: number;
  posts: number;
}

export interface EventBatcher {
  add(events: RtbEvent[], sink: EventSink, waitUntil: (p: Promise<unknown>) => void, flushMs?: number): void;
  /** An auction's events as a builder: built on the run's next tick, after the answer has gone. */
  addLater<T>(
    build: EventBuilder<T>,
    from: T,
    sink: EventSink,
    waitUntil: (p: Promise<unknown>) => void,
    flushMs?: number,
  ): void;
  /** Events the outbox already holds (`receipt`): they leave in the next POST with the rest. */
  addStored(
    events: RtbEvent[],
    receipt: Receipt,
    sink: EventSink,
    waitUntil: (p: Promise<unknown>) => void,
    flushMs?: number,
  ): void;
  stats(): BatcherStats;
}

/**
 * The flush window when EVENTS_FLUSH_MS is unset. 2 s: at 150 auctions/s one POST a second was
 * still ~7 core trips per 1,000 auctions of the aim's 10 (leases take ~2); events reach the core
 * a second later, and auction events are only in memory for that long.
 */
export const DEFAULT_FLUSH_MS = 2_000;

/**
 * How long an event POST may take before it counts as failed, for the batcher and the outbox
 * alike, when EVENTS_POST_TIMEOUT_MS is unset. 10 s, not 5: under load the time goes into the
 * busy isolate uploading a ~1 MB body (2-4 s measured at the load tap, the core answering in
 * 20-120 ms), and every POST given up on is sent again from the outbox, a core trip and a
 * duplicate more.
 */
export const DEFAULT_POST_TIMEOUT_MS = 10_000;

export function createEventBatcher({
  flushMs = DEFAULT_FLUSH_MS,
  // The core takes 10,000 events or 16 MB a POST; events are ~0.5 KB. (An auction's events are one
  // piece, never split, so a POST may pass maxBatch by less than one auction's.) At 150 auctions/s and ~6
  // events each a 2 s window holds ~1,800, so one POST per window with room for bursts.
  maxBatch = 5_000,
  maxBuffered = 20_000,
  // With a window and a POST timeout after it, a run stays within the ~30 s the runtime gives a
  // waitUntil after the response.
  handoffMs = 15_000,
}: BatcherOptions = {}): EventBatcher {
  let buffer: EventJson[] = [];
  let held: Array<{ events: EventJson[]; receipt: Receipt; at: number }> = [];
  let heldCount = 0;
  let running = false;
  let runs = 0;
  let lastProgress = 0;
  let lastPostAt = Number.NEGATIVE_INFINITY;
  const s = { sent: 0, dropped: 0, failedPosts: 0, spilled: 0, posts: 0 };

  let bufferedCount = 0;
  let later: Later[] = [];
  const pending = () => bufferedCount + later.length + heldCount;

  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  /** Builds the auctions' events handed in since the last tick into the buffer. */
  function build(waitUntil: (p: Promise<unknown>) => void) {
    const todo = later;
    later = [];
    for (const b of todo) {
      let events: RtbEvent[];
      try {
        events = b.build(b.from, waitUntil);
      } catch (e) {
        log.error('building auction events failed', { err: String(e) });
        continue;
      }
      if (events.length === 0) continue;
      buffer.push(eventJson(events));
      bufferedCount += events.length;
    }
  }

  async function run(
    sink: EventSink,
    window: number,
    waitUntil: (p: Promise<unknown>) => void,
  ): Promise<void> {
    const since = Date.now();
    let wait = window;
    for (;;) {
      lastProgress = Date.now();
      // The window passes in ticks, each building what was handed in meanwhile: an auction's
      // events wait at most a tick to be built, so a tick's work stays small.
      // At least one tick even with no wait: the run starts inside an auction's handler, whose
      // answer must not wait for events to be built.
      const until = Date.now() + wait;
      let left = wait;
      do {
        await sleep(Math.min(Math.max(left, 0), TICK_MS));
        build(waitUntil);
        left = until - Date.now();
      } while (left > 0 && pending() < maxBatch);
      if (pending() === 0) return;
      lastPostAt = Date.now();
      lastProgress = lastPostAt;
      if (!(await sendOne(sink)) || pending() === 0) return;
      if (Date.now() - since > handoffMs) {
        build(waitUntil);
        return await handOver(sink);
      }
      wait = lastPostAt + window - Date.now();
    }
  }

  /** Sends one POST of up to maxBatch events, trackers first. False when the core did not take it. */
  async function sendOne(sink: EventSink): Promise<boolean> {
    const mine: typeof held = [];
    const rest: typeof held = [];
    const now = Date.now();
    let n = 0;
    for (const h of held) {
      // Past its grace the outbox sends it itself (and this run may be for another core): let go.
      const k = count(h.events);
      if (now - h.at > (sink.graceMs ?? Number.POSITIVE_INFINITY)) heldCount -= k;
      else if (h.receipt.core === sink.coreUrl && (n === 0 || n + k <= maxBatch)) {
        mine.push(h);
        n += k;
      } else rest.push(h);
    }
    held = rest;
    heldCount -= n;
    const [fresh, later] = n >= maxBatch ? [[], buffer] : take(buffer, maxBatch - n);
    buffer = later;
    bufferedCount -= count(fresh);
    const batch = mine.flatMap((h) => h.events).concat(fresh);
    const size = count(batch);
    if (size === 0) return true; // only trackers past their grace: the outbox has them
    s.posts++;
    if (await post(sink, batch, size)) {
      s.sent += size;
      if (mine.length > 0) await settle(sink, mine, true);
      return true;
    }
    s.failedPosts++;
    // The core just failed: the outbox sends what it holds on its own schedule, and takes the rest.
    const stored = mine.concat(held);
    held = [];
    heldCount = 0;
    await settle(sink, stored, false);
    buffer = fresh.concat(buffer);
    bufferedCount += count(fresh);
    while (sink.store && buffer.length > 0) {
      const [part, later] = take(buffer, maxBatch);
      if (!(await sink.store(part))) break;
      s.spilled += count(part);
      bufferedCount -= count(part);
      buffer = later;
    }
    // Oldest first, a whole auction's events at a time.
    while (bufferedCount > maxBuffered && buffer.length > 0) {
      const gone = buffer.shift()!;
      s.dropped += gone.n;
      bufferedCount -= gone.n;
    }
    return false;
  }

  async function settle(sink: EventSink, list: typeof held, delivered: boolean) {
    if (list.length === 0 || !sink.settle) return;
    // A settle that does not arrive only means the outbox sends them itself later: a repeat the
    // core drops by event id.
    await sink.settle(
      list.map((h) => h.receipt),
      delivered,
    );
  }

  /** The run ends here: what is only in memory goes to the outbox, to ride in the next run's POST. */
  async function handOver(sink: EventSink): Promise<void> {
    while (sink.store && buffer.length > 0) {
      const [events, later] = take(buffer, maxBatch);
      const receipt = await sink.store(events, sink.graceMs);
      if (!receipt) return; // stays in memory for the next run
      buffer = later;
      const k = count(events);
      bufferedCount -= k;
      held.push({ events, receipt, at: Date.now() });
      heldCount += k;
    }
  }

  function kick(sink: EventSink, waitUntil: (p: Promise<unknown>) => void, window: number) {
    // A run the runtime cut off (its waitUntil ended) never returns: past a generous bound a
    // new run takes over, so events do not wait for one that is gone.
    // (A full buffer does not wake a sleeping run: its timer belongs to another request; the
    // run sends maxBatch a POST, back to back, while that much waits.)
    if (
      running &&
      Date.now() - lastProgress < window + (sink.timeoutMs ?? DEFAULT_POST_TIMEOUT_MS) + handoffMs
    )
      return;
    running = true;
    const mine = ++runs;
    waitUntil(
      run(sink, window, waitUntil).finally(() => {
        // A run that was given up on but did end after all must not mark its successor done.
        if (mine === runs) running = false;
      }),
    );
  }

  return {
    add(events, sink, waitUntil, flushAfterMs = flushMs) {
      if (events.length > 0) {
        buffer.push(eventJson(events));
        bufferedCount += events.length;
      }
      kick(sink, waitUntil, flushAfterMs);
    },
    addLater(build, from, sink, waitUntil, flushAfterMs = flushMs) {
      later.push({ build: build as EventBuilder<unknown>, from });
      kick(sink, waitUntil, flushAfterMs);
    },
    addStored(events, receipt, sink, waitUntil, flushAfterMs = flushMs) {
      held.push({ events: [eventJson(events)], receipt, at: Date.now() });
      heldCount += events.length;
      kick(sink, waitUntil, flushAfterMs);
    },
    stats: () => ({ buffered: bufferedCount + later.length, held: heldCount, ...s }),
  };
}

let lastWarn = 0;

async function post(sink: EventSink, events: EventJson[], size: number): Promise<boolean> {
  const started = Date.now();
  let why: string;
  try {
    const res = await fetch(`${sink.coreUrl}/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${sink.edgeToken}`,
        'content-type': 'application/json',
        'x-edge-events-sender': 'batch',
      },
      body: eventsBody(events),
      signal: AbortSignal.timeout(sink.timeoutMs ?? DEFAULT_POST_TIMEOUT_MS),
    });
    await drain(res);
    if (res.status === 202 || res.ok) return true;
    why = `HTTP ${res.status}`;
  } catch (e) {
    why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  // Why a batch went to the outbox instead (at most one line every 10 s per isolate).
  if (started - lastWarn >= 10_000) {
    lastWarn = started;
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'event POST failed; batch goes to the outbox',
        why,
        events: size,
        ms: Date.now() - started,
      }),
    );
  }
  return false;
}
