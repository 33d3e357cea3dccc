// Loss notices to DSPs, sent by the core from the loss events the edge already delivers: a
// loss event with an `lurl` (macros expanded at the edge) is called once, as a plain GET, after
// ingest has made the event durable. OpenRTB lets an exchange send loss notices late, so they
// leave the edge's isolate (where each was an extra outbound request on the auction thread) for
// keep-alive connections here. Bounded: at most `concurrency` calls in flight and
// `maxQueued` waiting; past that the oldest waiting notice is dropped and counted.
import { Agent as HttpAgent, get as httpGet } from 'node:http';
import { Agent as HttpsAgent, get as httpsGet } from 'node:https';
import type { RtbEvent } from '@edge-rtb/shared/events';
import type { Logger } from '@edge-rtb/shared/log';
import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';

export interface LossNoticeSenderOptions {
  logger: Logger;
  registry?: Registry;
  timeoutMs?: number;
  concurrency?: number;
  maxQueued?: number;
}

export interface LossNoticeStats {
  sent: number;
  failed: number;
  dropped: number;
  queued: number;
  inFlight: number;
}

export interface LossNoticeSender {
  /** Queues the lurl of every loss event that carries one; returns at once. */
  deliver(events: readonly RtbEvent[]): void;
  stats(): LossNoticeStats;
  /** Stops taking notices and waits (up to timeoutMs) for the queue and the calls in flight. */
  close(timeoutMs?: number): Promise<void>;
}

export function createLossNoticeSender({
  logger,
  registry,
  timeoutMs = 5_000,
  concurrency = 64,
  maxQueued = 100_000,
}: LossNoticeSenderOptions): LossNoticeSender {
  const registers = registry ? [registry] : [];
  const calls = new Counter({
    name: 'edge_rtb_loss_notices_total',
    help: 'Loss notices (DSP lurl calls) the core made, by result: sent (any HTTP answer), failed (no answer), dropped (queue full)',
    labelNames: ['result'],
    registers,
  });
  const queuedGauge = new Gauge({
    name: 'edge_rtb_loss_notices_queued',
    help: 'Loss notices waiting for a free call slot',
    registers,
  });
  const queue: string[] = [];
  let head = 0;
  let inFlight = 0;
  let closed = false;
  const s = { sent: 0, failed: 0, dropped: 0 };
  let lastWarn = 0;
  let idle: (() => void) | null = null;

  const warn = (msg: string, fields: Record<string, unknown>) => {
    const now = Date.now();
    if (now - lastWarn < 10_000) return;
    lastWarn = now;
    logger.warn(msg, { ...fields, ...s });
  };

  async function call(url: string): Promise<void> {
    try {
      await get(url);
      s.sent++;
      calls.inc({ result: 'sent' });
    } catch (e) {
      s.failed++;
      calls.inc({ result: 'failed' });
      warn('loss notice failed', { error: e instanceof Error ? e.message : String(e) });
    }
  }

  // node:http with keep-alive agents rather than fetch: undici's fetch cost ~0.2 ms of CPU per
  // notice here, several times a plain http.get on a reused socket (docs/architecture.md).
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets: concurrency }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets: concurrency }),
  };
  function get(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        reject(new Error('not a URL'));
        return;
      }
      const proto = u.protocol === 'https:' ? 'https:' : u.protocol === 'http:' ? 'http:' : null;
      if (!proto) {
        reject(new Error(`unsupported protocol ${u.protocol}`));
        return;
      }
      const req = (proto === 'https:' ? httpsGet : httpGet)(
        u,
        { agent: agents[proto], timeout: timeoutMs },
        (res) => {
          // Reading the few bytes lets the socket be reused for the next notice.
          res.on('end', () => resolve());
          res.on('error', reject);
          res.resume();
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
    });
  }

  function pump(): void {
    while (inFlight < concurrency && head < queue.length) {
      const url = queue[head++] as string;
      inFlight++;
      void call(url).finally(() => {
        inFlight--;
        pump();
      });
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    queuedGauge.set(queue.length - head);
    if (inFlight === 0 && head >= queue.length) idle?.();
  }

  return {
    deliver(events) {
      if (closed) return;
      let added = false;
      for (const e of events) {
        if (e.type !== 'loss' || !e.lurl) continue;
        if (queue.length - head >= maxQueued) {
          head++;
          s.dropped++;
          calls.inc({ result: 'dropped' });
          warn('loss notice queue full: oldest dropped', { maxQueued });
        }
        queue.push(e.lurl);
        added = true;
      }
      if (added) pump();
    },
    stats: () => ({ ...s, queued: queue.length - head, inFlight }),
    async close(waitMs = timeoutMs) {
      closed = true;
      const done = () => {
        agents['http:'].destroy();
        agents['https:'].destroy();
      };
      if (inFlight === 0 && head >= queue.length) return done();
      await Promise.race([
        new Promise<void>((r) => {
          idle = r;
        }),
        new Promise<void>((r) => setTimeout(r, waitMs).unref()),
      ]);
      done();
    },
  };
}
