// Events leave the isolate in batches: a request adds its events and, if no flush is pending,
// schedules one `flushMs` later under its own waitUntil (or at once when the batch is full), so
// the response never waits and the core sees one POST /v1/events per batch, not per auction.
// A failed POST hands the batch, and the rest of the buffer, to the sink's `spill` (the durable
// outbox, events/outbox.ts), which re-sends them until the core takes them. Only what the outbox
// refuses (unreachable, or full) stays in memory for the next flush, up to `maxBuffered` (oldest
// dropped and counted): the edge must not grow without bound while the core is down.
import type { RtbEvent } from '@edge-rtb/shared/events';
import { drain } from '../drain.ts';

export interface EventSink {
  coreUrl: string;
  edgeToken: string;
  /** How long a POST may take before it counts as failed (default 5000 ms). */
  timeoutMs?: number;
  /** Stores events durably for a later re-send; resolves true once they are stored. */
  spill?: (events: RtbEvent[]) => Promise<boolean>;
}

export interface BatcherOptions {
  flushMs?: number;
  maxBatch?: number;
  maxBuffered?: number;
}

export interface EventBatcher {
  add(events: RtbEvent[], sink: EventSink, waitUntil: (p: Promise<unknown>) => void, flushMs?: number): void;
  stats(): { buffered: number; sent: number; dropped: number; failedPosts: number; spilled: number };
}

export function createEventBatcher({
  flushMs = 1_000,
  // One POST per second at up to ~2,000 events (the outbox already merges re-sends to 2,000): at
  // 150 auctions/s and ~8 events each this keeps event trips near 7 per 1,000 auctions, where
  // 500 made them the bulk of the core round trips (17-34 per 1,000).
  maxBatch = 2_000,
  maxBuffered = 20_000,
}: BatcherOptions = {}): EventBatcher {
  let buffer: RtbEvent[] = [];
  let scheduled = false;
  let sent = 0;
  let dropped = 0;
  let failedPosts = 0;
  let spilled = 0;

  async function flush(sink: EventSink): Promise<void> {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, maxBatch);
      buffer = buffer.slice(batch.length);
      const okay = await post(sink, batch);
      if (okay) sent += batch.length;
      else {
        failedPosts++;
        buffer = batch.concat(buffer);
        // The core just failed: everything buffered goes to the outbox instead of waiting here.
        while (sink.spill && buffer.length > 0) {
          const part = buffer.slice(0, maxBatch);
          if (!(await sink.spill(part))) break;
          spilled += part.length;
          buffer = buffer.slice(part.length);
        }
        if (buffer.length > maxBuffered) {
          dropped += buffer.length - maxBuffered;
          buffer = buffer.slice(buffer.length - maxBuffered);
        }
        return;
      }
    }
  }

  return {
    add(events, sink, waitUntil, flushAfterMs = flushMs) {
      buffer.push(...events);
      if (scheduled) return;
      scheduled = true;
      const wait = buffer.length >= maxBatch ? 0 : flushAfterMs;
      waitUntil(
        new Promise((r) => setTimeout(r, wait))
          .then(() => flush(sink))
          .finally(() => {
            scheduled = false;
          }),
      );
    },
    stats: () => ({ buffered: buffer.length, sent, dropped, failedPosts, spilled }),
  };
}

async function post(sink: EventSink, events: RtbEvent[]): Promise<boolean> {
  try {
    const res = await fetch(`${sink.coreUrl}/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${sink.edgeToken}`,
        'content-type': 'application/json',
        'x-edge-events-sender': 'batch',
      },
      body: JSON.stringify({ events }),
      signal: AbortSignal.timeout(sink.timeoutMs ?? 5_000),
    });
    await drain(res);
    return res.status === 202 || res.ok;
  } catch {
    return false;
  }
}
