// A counting pass-through between the edge and the core (CORE_URL points here). It counts
// every edge -> core round trip by route and reads the events and lease grants that pass
// (tap-ledger.ts), so a run reports core round trips per 1,000 auctions, the events the edge
// delivered, and whether any lease paid for more than it held, whatever the core exposes.
// When the core is down it drops the connection (no made-up 502), as the edge would see.
import { createServer, request as httpRequest, type Server } from 'node:http';
import {
  type AuctionTiming,
  emptyLedger,
  recordEventBatch,
  recordLeaseGrant,
  type TapLedger,
} from './tap-ledger.ts';

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

const isEventPost = (route: string) => route.startsWith('POST /v1/events');

export interface CoreTap {
  url: string;
  counts(): TapCounts;
  /** Per auction id, the edge's own timings from its auction events (live map, not a copy). */
  auctionTimings(): ReadonlyMap<string, AuctionTiming>;
  close(): Promise<void>;
}

let lastSlow = 0;

/**
 * An event POST slower than the edge's 5 s timeout becomes a re-send from its outbox: say where
 * the time went (the edge's upload of the body, or the core's answer), at most every 10 s.
 */
function slowPost(route: string, bytes: number, uploadMs: number, coreMs: number) {
  const now = Date.now();
  if (uploadMs + coreMs < 2_000 || now - lastSlow < 10_000) return;
  lastSlow = now;
  process.stderr.write(
    `[core tap] slow ${route}: ${bytes} bytes, upload ${uploadMs} ms, core answer ${coreMs} ms\n`,
  );
}

export function startCoreTap(listenPort: number, target: { host: string; port: number }): Promise<CoreTap> {
  const ledger = emptyLedger();
  const byRoute: Record<string, number> = {};
  let eventBatches = 0;
  let failed = 0;
  const timings = new Map<string, AuctionTiming>();
  const onAuction = (id: string, t: AuctionTiming) => timings.set(id, t);
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const sender = req.headers['x-edge-events-sender'];
    const route = routeOf(
      req.method ?? 'GET',
      req.url ?? '/',
      typeof sender === 'string' ? sender : undefined,
    );
    const chunks: Buffer[] = [];
    const arrived = Date.now();
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const received = Date.now();
      const up = httpRequest(
        { host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upRes) => {
          byRoute[route] = (byRoute[route] ?? 0) + 1;
          if (isEventPost(route)) slowPost(route, body.length, received - arrived, Date.now() - received);
          const ok = (upRes.statusCode ?? 500) < 300;
          if (isEventPost(route) && ok) {
            eventBatches++;
            recordEventBatch(ledger, body.toString('utf8'), onAuction);
          }
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          if (route === 'POST /v1/leases' && ok) {
            // Keep a copy of the grant on its way back to the edge.
            const out: Buffer[] = [];
            upRes.on('data', (c: Buffer) => {
              out.push(c);
              res.write(c);
            });
            upRes.on('end', () => {
              recordLeaseGrant(ledger, Buffer.concat(out).toString('utf8'), Date.now());
              res.end();
            });
          } else upRes.pipe(res);
        },
      );
      up.on('error', () => {
        failed++;
        res.socket?.destroy();
      });
      up.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${listenPort}`,
        counts: () => {
          const { seen: _seen, ...rest } = ledger;
          return structuredClone({ ...rest, byRoute, eventBatches, failed });
        },
        auctionTimings: () => timings,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      }),
    );
  });
}
