// Real HTTP test DSPs for the workerd tests (Node). One server; each DSP in a test snapshot is
// an endpoint `/bid?dsp=<id>&mode=...&price=...&delay=...` so one process plays every
// behaviour: fast, slow, hanging past the deadline, erroring, malformed, invalid or blocked bids,
// a partner with its own wire format, and a flaky one the tests switch on and off.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  encoding: string;
}

export interface DspFleet {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startDspFleet(): Promise<DspFleet> {
  const received = new Map<string, Received[]>();
  const notices = new Map<string, string[]>();
  const failing = new Set<string>();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://dsp');
    const q = url.searchParams;
    const dsp = q.get('dsp') ?? 'unknown';
    try {
      if (url.pathname === '/notice') {
        push(notices, dsp, url.search);
        return end(res, 200, 'ok');
      }
      if (url.pathname === '/_recorded') {
        if (req.method === 'DELETE') {
          received.delete(dsp);
          notices.delete(dsp);
          return end(res, 204);
        }
        return json(res, 200, { requests: received.get(dsp) ?? [], notices: notices.get(dsp) ?? [] });
      }
      if (url.pathname === '/_control') {
        if (q.get('fail') === '1') failing.add(dsp);
        else failing.delete(dsp);
        return end(res, 204);
      }
      if (url.pathname !== '/bid') return end(res, 404);
      const raw = await readBody(req);
      const encoding = String(req.headers['content-encoding'] ?? 'identity');
      const text = (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      const body = JSON.parse(text) as Record<string, unknown>;
      push(received, dsp, { headers: req.headers, body, encoding });
      const delay = Number(q.get('delay') ?? 0);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (res.destroyed) return;
      const mode = q.get('mode') ?? 'ok';
      if (mode === 'error' || (mode === 'flaky' && failing.has(dsp))) return end(res, 500, 'boom');
      if (mode === 'malformed') return end(res, 200, '{"id": "x", "seatbid": [', 'application/json');
      if (mode === 'nobid') return end(res, 204);
      if (mode === 'pulse') return json(res, 200, pulseBids(dsp, body, q, `http://${req.headers.host}`));
      const answer = openrtbBids(dsp, body, q, mode, `http://${req.headers.host}`);
      if (mode.startsWith('huge')) return oversized(res, answer, mode, Number(q.get('kb') ?? 256));
      if (mode === 'dupdeep')
        return end(res, 200, JSON.stringify(answer).replaceAll(`"${DEEP}"`, DEEP_JSON), 'application/json');
      return json(res, 200, answer);
    } catch (e) {
      return end(res, 400, String(e));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

type Imp = { id: string; banner?: { w?: number; h?: number; format?: Array<{ w: number; h: number }> } };

/** A creative of the imp's own size, as a real DSP would pick. */
const sizeOf = (imp: Imp) => {
  const b = imp.banner;
  if (!b) return {};
  if (b.w && b.h) return { w: b.w, h: b.h };
  const f = b.format?.[0];
  return f ? { w: f.w, h: f.h } : {};
};

function openrtbBids(
  dsp: string,
  req: Record<string, unknown>,
  q: URLSearchParams,
  mode: string,
  base: string,
) {
  const imps = (req.imp as Imp[]) ?? [];
  const price = Number(q.get('price') ?? 1);
  const notice = (kind: string, extra = '') =>
    `${base}/notice?dsp=${dsp}&kind=${kind}&price=\${AUCTION_PRICE}&imp=\${AUCTION_IMP_ID}${extra}`;
  const bids = imps.map((imp, i) => ({
    id: `${dsp}-b${i}`,
    impid: imp.id,
    price,
    adm: `<div data-dsp="${dsp}" data-price="\${AUCTION_PRICE}"></div>`,
    nurl: notice('win'),
    burl: notice('bill'),
    lurl: notice('loss', `&loss=$${'{AUCTION_LOSS}'}`),
    crid: `${dsp}-cr${i}`,
    adomain: [q.get('adomain') ?? `${dsp}.buyer.example`],
    cat: [q.get('cat') ?? 'IAB3'],
    ...sizeOf(imp),
    ...(q.get('deal') ? { dealid: q.get('deal') } : {}),
    ...(q.get('attr') ? { attr: [Number(q.get('attr'))] } : {}),
    ...(q.get('bundle') ? { bundle: q.get('bundle') } : {}),
  }));
  if (mode === 'dupdeep') {
    // The same bid twice (the second a duplicate), its ext nested far past what a recursive
    // JSON.stringify survives: spliced in as text, since stringifying it here would fail the same way.
    const bid = bids[0]!;
    return envelope(req, 'USD', dsp, [
      { ...bid, ext: DEEP },
      { ...bid, ext: DEEP },
    ]);
  }
  if (mode === 'invalid') {
    const first = imps[0]?.id ?? '1';
    return envelope(req, 'USD', dsp, [
      { id: 'zero', impid: first, price: 0, crid: 'c', adm: 'x' },
      { id: 'ghost', impid: 'no-such-imp', price: 1, crid: 'c', adm: 'x' },
      { id: 'nocrid', impid: first, price: 1, adm: 'x' },
    ]);
  }
  return envelope(req, q.get('cur') ?? 'USD', q.get('seat') ?? dsp, bids);
}

/** A BidResponse with one seat. */
const envelope = (req: Record<string, unknown>, cur: string, seat: string, bid: unknown[]) => ({
  id: req.id,
  cur,
  seatbid: [{ seat, bid }],
});

/** The "pulse" partner speaks its own JSON: flat bids with a CPM in cents. */
function pulseBids(dsp: string, req: Record<string, unknown>, q: URLSearchParams, base: string) {
  const imp = (req as { slot?: { id: string } }).slot;
  const cents = Math.round(Number(q.get('price') ?? 1) * 100);
  if (!imp) return { bids: [] };
  return {
    request: req.requestId,
    bids: [
      {
        slot: imp.id,
        cpmCents: cents,
        creativeId: `${dsp}-cr`,
        html: `<p>pulse \${AUCTION_PRICE}</p>`,
        advertiserDomain: 'pulse-buyer.example',
        winUrl: `${base}/notice?dsp=${dsp}&kind=win&price=\${AUCTION_PRICE}`,
      },
    ],
  };
}

function push<T>(m: Map<string, T[]>, k: string, v: T) {
  const list = m.get(k) ?? [];
  list.push(v);
  m.set(k, list);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function end(res: ServerResponse, status: number, body?: string, type = 'text/plain') {
  res.writeHead(status, body === undefined ? {} : { 'content-type': type });
  res.end(body);
}

const DEEP = '__deep__';
const DEEP_JSON = `${'['.repeat(15_000)}1${']'.repeat(15_000)}`;

/**
 * A valid answer padded past `kb` KB: with Content-Length ('huge'), streamed in chunks without it
 * ('hugechunked'), or gzip-encoded so it is small on the wire and big once inflated ('hugegzip').
 */
function oversized(res: ServerResponse, answer: unknown, mode: string, kb: number) {
  const text = JSON.stringify({ ...(answer as object), ext: { pad: 'x'.repeat(kb * 1024) } });
  if (mode === 'hugegzip') {
    const zipped = gzipSync(text);
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    return res.end(zipped);
  }
  if (mode === 'hugechunked') {
    res.writeHead(200, { 'content-type': 'application/json' });
    for (let i = 0; i < text.length; i += 16_384) res.write(text.slice(i, i + 16_384));
    return res.end();
  }
  return end(res, 200, text, 'application/json');
}

function json(res: ServerResponse, status: number, body: unknown) {
  end(res, status, JSON.stringify(body), 'application/json');
}
