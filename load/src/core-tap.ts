// A counting pass-through between the edge and the core (CORE_URL points here). It counts
// every edge -> core round trip by route and reads the events and lease grants that pass
// (tap-ledger.ts), so a run reports core round trips per 1,000 auctions, the events the edge
// delivered, and whether any lease paid for more than it held, whatever the core exposes.
// When the core is down it drops the connection (no made-up 502), as the edge would see.
// It runs on a thread of its own (core-tap-thread.ts): reading a 1-2 MB event batch every window on
// the load generator's event loop made the generator send late (5-10 ms medians in the overhead
// bench's slowest 1% at 50-100 req/s), and that lateness counted as the edge's overhead.
import { Worker } from 'node:worker_threads';
import type { AuctionTiming, TapLedger } from './tap-ledger.ts';

export interface TapCounts extends Omit<TapLedger, 'seen'> {
  byRoute: Record<string, number>;
  eventBatches: number;
  failed: number;
}

/**
 * Collapses ids out of a path so counts group by route: /v1/leases/abc/settle -> /v1/leases/:id/settle.
 * Event POSTs also say which edge part sent them (its x-edge-events-sender header: the isolate's
 * batcher or an outbox shard), so a run shows where the event trips come from.
 */
export function routeOf(method: string, path: string, sender?: string): string {
  const p = path.split('?')[0] ?? path;
  const route = `${method} ${p.replace(/\/v1\/leases\/[^/]+\/settle/, '/v1/leases/:id/settle')}`;
  return sender && route === 'POST /v1/events' ? `${route} (${sender})` : route;
}

export const isEventPost = (route: string) => route.startsWith('POST /v1/events');

export interface CoreTap {
  url: string;
  counts(): Promise<TapCounts>;
  /** Per auction id, the edge's own timings from its auction events (a copy as of the call). */
  auctionTimings(): Promise<ReadonlyMap<string, AuctionTiming>>;
  close(): Promise<void>;
}

/** What the tap thread answers (core-tap-thread.ts). */
export type TapReply =
  | { kind: 'listening' }
  | { kind: 'error'; message: string }
  | { kind: 'counts'; id: number; counts: TapCounts }
  | { kind: 'timings'; id: number; timings: Map<string, AuctionTiming> };

export type TapAsk = { kind: 'counts' | 'timings'; id: number } | { kind: 'close' };

/**
 * What the tap does with the edge's event POSTs: 'forward' (default) passes them to the core;
 * 'absorb' reads them as usual and answers 202 itself, for benches that measure the edge alone
 * (the core is not on the edge's machine in production, and ingesting the events and calling
 * the losers' lurls otherwise takes CPU from the edge on the same cores).
 */
export type TapEvents = 'forward' | 'absorb';

export function startCoreTap(
  listenPort: number,
  target: { host: string; port: number },
  events: TapEvents = 'forward',
): Promise<CoreTap> {
  const worker = new Worker(new URL('./core-tap-thread.ts', import.meta.url), {
    workerData: { listenPort, target, events },
  });
  let next = 1;
  const waiting = new Map<number, (r: TapReply) => void>();
  const ask = <K extends 'counts' | 'timings'>(kind: K) =>
    new Promise<Extract<TapReply, { kind: K }>>((resolve) => {
      const id = next++;
      waiting.set(id, resolve as (r: TapReply) => void);
      worker.postMessage({ kind, id } satisfies TapAsk);
    });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: TapReply) => {
      if (m.kind === 'listening')
        resolve({
          url: `http://127.0.0.1:${listenPort}`,
          counts: async () => (await ask('counts')).counts,
          auctionTimings: async () => (await ask('timings')).timings,
          close: async () => {
            const gone = new Promise<void>((r) => worker.once('exit', () => r()));
            worker.postMessage({ kind: 'close' } satisfies TapAsk);
            // A connection that will not close must not hold a run's exit.
            const stuck = setTimeout(() => void worker.terminate(), 3_000);
            await gone;
            clearTimeout(stuck);
          },
        });
      else if (m.kind === 'error') reject(new Error(m.message));
      else {
        waiting.get(m.id)?.(m);
        waiting.delete(m.id);
      }
    });
  });
}
