// The edge's side of the event outbox (outbox.ts): which shard an isolate writes to, and a
// store call that answers true only once the outbox holds the events durably. Shards are named
// `<POP>:<0..EVENTS_OUTBOX_SHARDS-1>` (default 8): a Durable Object lives near where it was first
// used, so per-PoP names keep it close, and a few per PoP keep any one from being a bottleneck.
// An isolate always writes to the same shard, so its batches are re-sent in the order it stored them.
import type { RtbEvent } from '@edge-rtb/shared/events';
import type { EventOutbox } from './outbox.ts';

export interface OutboxBindings {
  CORE_URL: string;
  POP?: string;
  EVENTS_OUTBOX?: DurableObjectNamespace<EventOutbox>;
  EVENTS_OUTBOX_SHARDS?: string;
}

export const DEFAULT_OUTBOX_SHARDS = 8;

export function outboxShardCount(env: { EVENTS_OUTBOX_SHARDS?: string }): number {
  const n = Number(env.EVENTS_OUTBOX_SHARDS);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_OUTBOX_SHARDS;
}

/** Every shard name of a PoP (for stats and tests). */
export const outboxShards = (env: OutboxBindings): string[] =>
  Array.from({ length: outboxShardCount(env) }, (_, i) => `${env.POP ?? 'pop'}:${i}`);

/** FNV-1a of a per-isolate seed picks the isolate's shard. */
export function outboxShard(pop: string | undefined, seed: string, shards: number): string {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return `${pop ?? 'pop'}:${(h >>> 0) % shards}`;
}

// Per isolate (module state), made on first use: workerd forbids randomness at global scope.
let seed = '';

/**
 * Stores `events` for `env.CORE_URL` in this isolate's outbox shard. True once durable; false when
 * there is no outbox binding, it is full, or it could not be reached (the caller keeps the events).
 */
export async function storeInOutbox(
  env: OutboxBindings,
  events: RtbEvent[],
  sendAfterMs?: number,
): Promise<boolean> {
  if (!env.EVENTS_OUTBOX || events.length === 0) return false;
  seed ||= crypto.randomUUID();
  try {
    const stub = env.EVENTS_OUTBOX.getByName(outboxShard(env.POP, seed, outboxShardCount(env)));
    const r = await stub.enqueue(env.CORE_URL, events, sendAfterMs);
    return r.ok;
  } catch (e) {
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'event outbox unreachable; events stay in isolate memory',
        events: events.length,
        err: e instanceof Error ? e.message : String(e),
      }),
    );
    return false;
  }
}
