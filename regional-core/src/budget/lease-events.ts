// Lease events (granted, settled, expired) from the budget part to the event pipeline, where the
// spend reconciler compares ended leases with the win events that prove their spend.
// The money has already moved when an event is made, so publishing stays off the answer's path:
// events wait in a queue, go out in batches (one publish per batch, however many grants joined
// it), and a failed publish is logged and retried with backoff until it goes through. Nothing is
// dropped quietly: a full queue or a shutdown that cannot deliver logs an error with the ids.
import { EVENT_SCHEMA_VERSION, eventId, type LeaseEvent } from '@edge-rtb/shared/events';
import type { Logger } from '@edge-rtb/shared/log';
import type { Micros } from '@edge-rtb/shared/money';
import type { Counter, Gauge } from 'prom-client';

/** Where lease events go: the events part's publish, durable when it resolves. */
export type PublishLeaseEvents = (events: LeaseEvent[]) => Promise<void>;

export interface LeaseFacts {
  campaignId: string;
  leaseId: string;
  holder: string;
  amountMicros: Micros;
  spentMicros?: Micros;
  ts: number;
}

/**
 * One lease event. Its id names the lease and the action (`<leaseId>:lease:settled`), so a
 * retried publish or a second replica's report of the same fact dedups downstream; the lease id
 * is the partition key. `pop` carries the holder (the PoP or isolate that held the lease).
 */
export function leaseEvent(action: LeaseEvent['action'], f: LeaseFacts): LeaseEvent {
  return {
    v: EVENT_SCHEMA_VERSION,
    id: eventId(f.leaseId, 'lease', action),
    type: 'lease',
    ts: f.ts,
    auctionId: f.leaseId,
    pop: f.holder,
    campaignId: f.campaignId,
    leaseId: f.leaseId,
    action,
    amountMicros: f.amountMicros,
    ...(f.spentMicros !== undefined ? { spentMicros: f.spentMicros } : {}),
  };
}

export interface LeaseEventQueueMetrics {
  pending: Gauge;
  publishFailures: Counter;
  dropped: Counter;
}

export interface LeaseEventQueueOptions {
  publish: PublishLeaseEvents;
  log?: Logger;
  metrics?: LeaseEventQueueMetrics;
  batchSize?: number;
  /** Events kept while publishing fails; past it the oldest are dropped with an error log. */
  maxPending?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
}

export interface LeaseEventQueue {
  push(events: LeaseEvent[]): void;
  /** Events not yet published (queued or in flight). */
  pending(): number;
  /** Resolves when everything pushed so far is published, or after timeoutMs; returns what is still pending. */
  flush(timeoutMs?: number): Promise<number>;
  /** flush(), then stop retrying; what could not be sent is logged as an error, ids included. */
  close(timeoutMs?: number): Promise<number>;
}

export function createLeaseEventQueue(o: LeaseEventQueueOptions): LeaseEventQueue {
  const { publish, log, metrics, batchSize = 1_000, maxPending = 100_000 } = o;
  const { retryMinMs = 100, retryMaxMs = 5_000 } = o;
  let queue: LeaseEvent[] = [];
  let inFlight: LeaseEvent[] = [];
  let draining: Promise<void> | null = null;
  let failures = 0;
  let closed = false;
  let wake: (() => void) | null = null;

  const pending = () => queue.length + inFlight.length;
  const gauge = () => metrics?.pending.set(pending());

  async function drain(): Promise<void> {
    // Let the events of this tick join the first batch.
    await new Promise((r) => setImmediate(r));
    while (queue.length > 0 && !closed) {
      inFlight = queue.splice(0, batchSize);
      try {
        await publish(inFlight);
        inFlight = [];
        if (failures > 0) log?.info('lease events published again', { after: failures, pending: pending() });
        failures = 0;
      } catch (err) {
        queue = inFlight.concat(queue);
        inFlight = [];
        failures++;
        metrics?.publishFailures.inc();
        if (failures === 1 || failures % 20 === 0)
          log?.warn('lease events not published; retrying', { pending: pending(), failures, err });
        const ms = Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(failures - 1, 16));
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, ms).unref();
        });
        wake = null;
      }
      gauge();
    }
  }

  function push(events: LeaseEvent[]): void {
    if (events.length === 0) return;
    if (closed) {
      log?.error('lease events after close, not published', { ids: events.map((e) => e.id) });
      metrics?.dropped.inc(events.length);
      return;
    }
    for (const e of events) queue.push(e);
    const over = queue.length - maxPending;
    if (over > 0) {
      const lost = queue.splice(0, over);
      metrics?.dropped.inc(over);
      log?.error('lease events dropped: publishing keeps failing and the queue is full', {
        dropped: over,
        first: lost[0]!.id,
        last: lost.at(-1)!.id,
      });
    }
    gauge();
    kick();
  }

  function kick(): void {
    draining ??= drain().finally(() => {
      draining = null;
      // Events pushed while the last publish was finishing.
      if (queue.length > 0 && !closed) kick();
    });
  }

  async function flush(timeoutMs = 5_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (pending() > 0 && draining && Date.now() < deadline) {
      wake?.(); // don't sit out a backoff while someone waits
      await Promise.race([draining, new Promise((r) => setTimeout(r, 20))]);
    }
    return pending();
  }

  return {
    push,
    pending,
    flush,
    async close(timeoutMs) {
      const left = await flush(timeoutMs);
      closed = true;
      wake?.();
      // A publish still in flight gets a moment to land; a stalled one is not waited for.
      await Promise.race([draining, new Promise((r) => setTimeout(r, 1_000).unref())]);
      if (pending() > 0) {
        const lost = [...inFlight, ...queue];
        metrics?.dropped.inc(lost.length);
        log?.error('lease events not published before shutdown', {
          count: lost.length,
          ids: lost.slice(0, 1_000).map((e) => e.id),
        });
        queue = [];
        inFlight = [];
        gauge();
      }
      return left;
    },
  };
}
