// The edge's side of the event outbox (outbox.ts): which shard an isolate writes to, a store call
// that answers only once the outbox holds the events durably (with a receipt naming where), and
// a settle call that tells the outbox the batcher delivered them or could not.
// Shards are named `<colo>:<0..EVENTS_OUTBOX_SHARDS-1>` (default 8), colo being the data centre
// that runs the isolate (request.cf.colo, seen by the worker's entry; the POP setting where there
// is none, as locally): a Durable Object lives near where it was first used, so per-colo names
// keep it close, and a few per colo keep any one from being a bottleneck. An isolate always
// writes to the same shard, so its batches are re-sent in the order it stored them.
import { fnv1a } from '@edge-rtb/shared/auction/tie-break';
import type { RtbEvent } from '@edge-rtb/shared/events';
import {
  DEFAULT_FLUSH_MS,
  DEFAULT_POST_TIMEOUT_MS,
  type EventJson,
  eventsArray,
  type Receipt,
} from './event-batcher.ts';
import type { EventOutbox } from './outbox.ts';

export interface OutboxBindings {
  CORE_URL: string;
  POP?: string;
  EVENTS_OUTBOX?: DurableObjectNamespace<EventOutbox>;
  EVENTS_OUTBOX_SHARDS?: string;
  EVENTS_FLUSH_MS?: string;
  EVENTS_POST_TIMEOUT_MS?: string;
}

export const DEFAULT_OUTBOX_SHARDS = 8;

export function outboxShardCount(env: { EVENTS_OUTBOX_SHARDS?: string }): number {
  const n = Number(env.EVENTS_OUTBOX_SHARDS);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_OUTBOX_SHARDS;
}

// Per isolate (module state): the colo its requests come from, and a seed made on first use
// (workerd forbids randomness at global scope).
let colo: string | undefined;
let seed = '';

let looked = false;

/**
 * The worker's entry calls this with each request: an isolate runs in one colo, so the first
 * request's `cf.colo` names it (reading `cf` builds an object, hence only once).
 */
export function noteColo(request: { cf?: unknown }): void {
  if (looked) return;
  looked = true;
  const c = (request.cf as { colo?: unknown } | undefined)?.colo;
  if (typeof c === 'string' && c !== '') colo = c;
}

const placeOf = (env: { POP?: string }) => colo ?? env.POP ?? 'pop';

/** Every shard name of this isolate's colo (for stats and tests). */
export const outboxShards = (env: OutboxBindings): string[] =>
  Array.from({ length: outboxShardCount(env) }, (_, i) => `${placeOf(env)}:${i}`);

/** FNV-1a of a per-isolate seed picks the isolate's shard. */
export function outboxShard(place: string, seed: string, shards: number): string {
  return `${place}:${fnv1a(seed) % shards}`;
}

/**
 * How long the outbox leaves stored events (trackers) to the isolate's batcher before sending them
 * itself: the batcher's window twice (one may be running), its POST timeout, and a second for the
 * settle call. Only an isolate that died in between, or a lost settle, lets the outbox send them.
 */
export function storedGraceMs(env: { EVENTS_FLUSH_MS?: string; EVENTS_POST_TIMEOUT_MS?: string }): number {
  const window = Number(env.EVENTS_FLUSH_MS) > 0 ? Number(env.EVENTS_FLUSH_MS) : DEFAULT_FLUSH_MS;
  const timeout =
    Number(env.EVENTS_POST_TIMEOUT_MS) > 0 ? Number(env.EVENTS_POST_TIMEOUT_MS) : DEFAULT_POST_TIMEOUT_MS;
  return 2 * window + timeout + 1_000;
}

/**
 * Stores `events` for `env.CORE_URL` in this isolate's outbox shard, first sent by the outbox no
 * sooner than `sendAfterMs` (default: its retry delay). The receipt once durable; null when there
 * is no outbox binding, it is full, or it could not be reached (the caller keeps the events).
 */
export async function storeInOutbox(
  env: OutboxBindings,
  events: RtbEvent[] | EventJson[],
  sendAfterMs?: number,
): Promise<Receipt | null> {
  if (!env.EVENTS_OUTBOX || events.length === 0) return null;
  seed ||= crypto.randomUUID();
  const shard = outboxShard(placeOf(env), seed, outboxShardCount(env));
  try {
    // The batcher's events are JSON already: they cross as one text (a cheap copy) and are stored
    // as they are; the tracker route's are objects, stringified in the outbox.
    const first = events[0] as Partial<EventJson>;
    const batch =
      first.bytes instanceof Uint8Array && typeof first.n === 'number'
        ? await eventsArray(events as EventJson[])
        : (events as RtbEvent[]);
    const r = await env.EVENTS_OUTBOX.getByName(shard).enqueue(env.CORE_URL, batch, sendAfterMs);
    return r.ok ? { shard, seq: r.seq, core: env.CORE_URL } : null;
  } catch (e) {
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'event outbox unreachable; events stay in isolate memory',
        events: events.length,
        err: e instanceof Error ? e.message : String(e),
      }),
    );
    return null;
  }
}

/**
 * Tells each shard what became of the events it holds for the batcher: `delivered` (the core took
 * them: forget them) or not (send them yourself, after the retry delay). Never throws: a settle
 * that does not arrive leaves the outbox to send them after the grace, a repeat the core drops.
 */
export async function settleStored(
  env: OutboxBindings,
  receipts: Receipt[],
  delivered: boolean,
): Promise<void> {
  if (!env.EVENTS_OUTBOX || receipts.length === 0) return;
  const byShard = new Map<string, number[]>();
  for (const r of receipts) byShard.set(r.shard, [...(byShard.get(r.shard) ?? []), r.seq]);
  await Promise.all(
    [...byShard].map(async ([shard, seqs]) => {
      try {
        await env.EVENTS_OUTBOX!.getByName(shard).settle(seqs, delivered);
      } catch (e) {
        console.warn(
          JSON.stringify({
            level: 'warn',
            msg: 'event outbox settle failed; it sends those events itself',
            delivered,
            batches: seqs.length,
            err: e instanceof Error ? e.message : String(e),
          }),
        );
      }
    }),
  );
}
