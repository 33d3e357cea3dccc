// The core tap's server (core-tap.ts), on its own thread: it passes every edge -> core request
// through, counts it by route and reads the event batches and lease grants into the tap ledger;
// the main thread asks for the counts and the edge's auction timings by message.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { isEventPost, routeOf, type TapAsk, type TapEvents, type TapReply } from './core-tap.ts';
import { type AuctionTiming, emptyLedger, recordEventBatch, recordLeaseGrant } from './tap-ledger.ts';

const { listenPort, target, events } = workerData as {
  listenPort: number;
  target: { host: string; port: number };
  events: TapEvents;
};
const port = parentPort!;
const reply = (r: TapReply) => port.postMessage(r);

const ledger = emptyLedger();
const byRoute: Record<string, number> = {};
let eventBatches = 0;
let failed = 0;
const timings = new Map<string, AuctionTiming>();
const onAuction = (id: string, t: AuctionTiming) => timings.set(id, t);

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

const server: Server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const sender = req.headers['x-edge-events-sender'];
  const route = routeOf(req.method ?? 'GET', req.url ?? '/', typeof sender === 'string' ? sender : undefined);
  const chunks: Buffer[] = [];
  const arrived = Date.now();
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const received = Date.now();
    if (events === 'absorb' && isEventPost(route)) {
      // Read as if the core had taken them, and answered with the core's status (the edge reads
      // only that).
      byRoute[route] = (byRoute[route] ?? 0) + 1;
      eventBatches++;
      recordEventBatch(ledger, body.toString('utf8'), onAuction);
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{}');
      return;
    }
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

port.on('message', (m: TapAsk) => {
  if (m.kind === 'counts') {
    const { seen: _seen, ...rest } = ledger;
    reply({ kind: 'counts', id: m.id, counts: { ...rest, byRoute, eventBatches, failed } });
  } else if (m.kind === 'timings') reply({ kind: 'timings', id: m.id, timings });
  else {
    server.closeAllConnections();
    server.close(() => port.close());
  }
});
server.once('error', (e) => reply({ kind: 'error', message: e.message }));
server.listen(listenPort, '127.0.0.1', () => reply({ kind: 'listening' }));
