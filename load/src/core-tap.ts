// A counting pass-through between the edge and the core (CORE_URL points here). It counts
// every edge -> core round trip by route and the events in each /v1/events batch, so a run
// reports "core round trips per 1,000 auctions" and "events the edge sent" whatever the
// core itself exposes. When the core is down it drops the connection (no made-up 502), so the
// edge sees what it would see without the tap.
import { createServer, request as httpRequest, type Server } from 'node:http';

export interface TapCounts {
  byRoute: Record<string, number>;
  /** Distinct event ids delivered, by type: what must land (the store dedups on id). */
  eventsByType: Record<string, number>;
  /** From auction events: DSP call outcomes (e.g. "timeout", "filtered:format") and no-bid reasons. */
  dspOutcomes: Record<string, number>;
  noBidReasons: Record<string, number>;
  /** Deliveries including repeats of an id (retried batches, burl + pixel of one impression). */
  deliveries: number;
  eventBatches: number;
  failed: number;
}

/** Collapses ids out of a path so counts group by route: /v1/leases/abc/settle -> /v1/leases/:id/settle. */
export function routeOf(method: string, path: string): string {
  const p = path.split('?')[0] ?? path;
  return `${method} ${p.replace(/\/v1\/leases\/[^/]+\/settle/, '/v1/leases/:id/settle')}`;
}

/**
 * Counts distinct events by type in a POST /v1/events body (ids already seen are not counted
 * again); returns how many events the body held. Tolerant of bodies it does not understand.
 */
export function countEvents(
  body: string,
  into: Record<string, number>,
  seen: Set<string>,
  auctions?: { dspOutcomes: Record<string, number>; noBidReasons: Record<string, number> },
): number {
  try {
    const parsed = JSON.parse(body) as {
      events?: Array<{
        type?: string;
        id?: string;
        noBidReason?: string;
        dsps?: Array<{ outcome?: string; reason?: string }>;
      }>;
    };
    const events = parsed.events ?? [];
    for (const e of events) {
      const t = e.type ?? 'unknown';
      const key = `${t}|${e.id ?? Math.random()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      into[t] = (into[t] ?? 0) + 1;
      if (t === 'auction' && auctions) {
        for (const d of e.dsps ?? []) {
          const k = d.reason && d.outcome !== 'bid' ? `${d.outcome}:${d.reason}` : String(d.outcome);
          auctions.dspOutcomes[k] = (auctions.dspOutcomes[k] ?? 0) + 1;
        }
        const r = e.noBidReason ?? 'sold';
        auctions.noBidReasons[r] = (auctions.noBidReasons[r] ?? 0) + 1;
      }
    }
    return events.length;
  } catch {
    into.unparsed = (into.unparsed ?? 0) + 1;
    return 0;
  }
}

export interface CoreTap {
  url: string;
  counts(): TapCounts;
  close(): Promise<void>;
}

export function startCoreTap(listenPort: number, target: { host: string; port: number }): Promise<CoreTap> {
  const counts: TapCounts = {
    byRoute: {},
    eventsByType: {},
    dspOutcomes: {},
    noBidReasons: {},
    deliveries: 0,
    eventBatches: 0,
    failed: 0,
  };
  const seen = new Set<string>();
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const route = routeOf(req.method ?? 'GET', req.url ?? '/');
    const isEvents = req.method === 'POST' && (req.url ?? '').startsWith('/v1/events');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const up = httpRequest(
        { host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upRes) => {
          counts.byRoute[route] = (counts.byRoute[route] ?? 0) + 1;
          if (isEvents && (upRes.statusCode ?? 500) < 300) {
            counts.eventBatches++;
            counts.deliveries += countEvents(body.toString('utf8'), counts.eventsByType, seen, counts);
          }
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => {
        counts.failed++;
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
        counts: () => structuredClone(counts),
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      }),
    );
  });
}
