// The DSP fleet: N OpenRTB bidder endpoints on 127.0.0.1:9101.. (node:http, keep-alive),
// each answering per its profile (dsp-behavior.ts) and recording what it received and the
// notices it got, so scenarios can check privacy scrubbing, IVT filtering and billing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { answer, type DspProfile } from './dsp-behavior.ts';
import { createRng, type Rng } from './prng.ts';
import { encodeTcfV2 } from './tcf-string.ts';
import { BOT_UAS } from './traffic-mix.ts';

export interface DspStats {
  id: string;
  port: number;
  received: number;
  answered: Record<string, number>;
  notices: { win: number; bill: number; loss: number };
  /** Sum of CPM prices in billing notices (USD); spend = billedCpm / 1000. */
  billedCpm: number;
  /** Requests that should have been scrubbed or filtered but reached the DSP. */
  leaks: { coppaWithIds: number; coppaPreciseGeo: number; gdprNoConsentWithIds: number; botUa: number };
  maxInFlight: number;
  bodyErrors: number;
}

const NO_CONSENT = encodeTcfV2({ purposes: [], vendors: [] });
const BOTS = new Set(BOT_UAS);

function emptyStats(p: DspProfile): DspStats {
  return {
    id: p.id,
    port: p.port,
    received: 0,
    answered: {},
    notices: { win: 0, bill: 0, loss: 0 },
    billedCpm: 0,
    leaks: { coppaWithIds: 0, coppaPreciseGeo: 0, gdprNoConsentWithIds: 0, botUa: 0 },
    maxInFlight: 0,
    bodyErrors: 0,
  };
}

type Json = Record<string, unknown>;
const get = (o: unknown, k: string): unknown => (o && typeof o === 'object' ? (o as Json)[k] : undefined);

/** Counts what a compliant exchange must never forward: pure, exported for tests. */
export function recordLeaks(stats: DspStats, body: unknown): void {
  const regs = get(body, 'regs');
  const user = get(body, 'user');
  const device = get(body, 'device');
  const geo = get(device, 'geo');
  const regsExt = get(regs, 'ext');
  const hasIds = Boolean(get(user, 'id') || get(user, 'buyeruid') || get(device, 'ifa'));
  if (get(regs, 'coppa') === 1) {
    if (hasIds) stats.leaks.coppaWithIds++;
    const lat = get(geo, 'lat');
    if (typeof lat === 'number' && Math.abs(lat * 100 - Math.round(lat * 100)) > 1e-6)
      stats.leaks.coppaPreciseGeo++;
  }
  const gdpr = get(regs, 'gdpr') ?? get(regsExt, 'gdpr');
  const consent = get(user, 'consent') ?? get(get(user, 'ext'), 'consent');
  if (gdpr === 1 && consent === NO_CONSENT && hasIds) stats.leaks.gdprNoConsentWithIds++;
  const ua = get(device, 'ua');
  if (typeof ua === 'string' && BOTS.has(ua)) stats.leaks.botUa++;
}

interface Bidder {
  profile: DspProfile;
  stats: DspStats;
  rng: Rng;
  server: Server | undefined;
  inFlight: number;
  timers: Set<NodeJS.Timeout>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function notice(b: Bidder, url: URL, res: ServerResponse): void {
  const kind = url.pathname.slice('/notice/'.length);
  if (kind === 'win' || kind === 'bill' || kind === 'loss') {
    b.stats.notices[kind]++;
    const price = Number(url.searchParams.get('price'));
    if (kind === 'bill' && Number.isFinite(price)) b.stats.billedCpm += price;
  }
  res.writeHead(204).end();
}

async function handle(b: Bidder, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname.startsWith('/notice/')) return notice(b, url, res);
  if (req.method !== 'POST') {
    res.writeHead(404).end();
    return;
  }
  b.stats.received++;
  b.inFlight++;
  b.stats.maxInFlight = Math.max(b.stats.maxInFlight, b.inFlight);
  let parsed: unknown;
  try {
    let raw = await readBody(req);
    if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    b.stats.bodyErrors++;
    b.inFlight--;
    res.writeHead(400).end();
    return;
  }
  recordLeaks(b.stats, parsed);
  const a = answer(b.rng, b.profile, parsed as Parameters<typeof answer>[2]);
  b.stats.answered[a.kind] = (b.stats.answered[a.kind] ?? 0) + 1;
  const send = () => {
    b.inFlight--;
    if (res.destroyed) return;
    if (a.status === 204) res.writeHead(204).end();
    else
      res.writeHead(a.status, { 'content-type': 'application/json', 'x-openrtb-version': '2.6' }).end(a.body);
  };
  if (a.delayMs < 0.5) return send();
  const t = setTimeout(() => {
    b.timers.delete(t);
    send();
  }, a.delayMs);
  b.timers.add(t);
}

function listen(b: Bidder): Promise<void> {
  const server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
    handle(b, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.headersTimeout = 130_000;
  b.server = server;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(b.profile.port, '127.0.0.1', () => resolve());
  });
}

function close(b: Bidder): Promise<void> {
  const server = b.server;
  b.server = undefined;
  for (const t of b.timers) clearTimeout(t);
  b.timers.clear();
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export interface DspFleet {
  stats(): Promise<DspStats[]>;
  /** Changes a DSP's behaviour mid-run; `dead: true` closes its port, `dead: false` reopens it. */
  configure(id: string, patch: Partial<DspProfile>): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export async function startFleet(profiles: DspProfile[], seed: number): Promise<DspFleet> {
  const root = createRng(seed);
  const bidders: Bidder[] = profiles.map((profile) => ({
    profile,
    stats: emptyStats(profile),
    rng: root.fork(profile.id),
    server: undefined,
    inFlight: 0,
    timers: new Set(),
  }));
  await Promise.all(bidders.filter((b) => !b.profile.dead).map(listen));
  return {
    stats: async () => bidders.map((b) => structuredClone(b.stats)),
    configure: async (id, patch) => {
      const b = bidders.find((x) => x.profile.id === id);
      if (!b) throw new Error(`no DSP ${id} in the fleet`);
      const wasDead = b.profile.dead;
      b.profile = { ...b.profile, ...patch };
      if (!wasDead && b.profile.dead) await close(b);
      if (wasDead && !b.profile.dead) await listen(b);
    },
    reset: () => {
      for (const b of bidders) b.stats = emptyStats(b.profile);
    },
    close: async () => {
      await Promise.all(bidders.map(close));
    },
  };
}
