// The SSP simulator: sends the request mix to the edge open loop (each request leaves at its
// scheduled time whatever happened to the earlier ones) over keep-alive connections, and
// records every answer. Latency is measured from the scheduled time, so time spent queued
// behind a slow edge counts against the edge, as it would for a real SSP.
import { BalancedPool, Pool } from 'undici';
import { fillMacros } from './macros.ts';
import { percentile } from './percentiles.ts';
import { createRng } from './prng.ts';
import { arrivals, type RateFn } from './schedule.ts';
import { type MixOptions, makeRequest, type RequestKind, type SimRequest } from './traffic-mix.ts';

export interface SspOptions {
  edgeUrl: string;
  /** The edge's instances' own origins (WORKERD_INSTANCES): auctions alternate over these instead of edgeUrl. */
  spreadOver?: string[];
  /**
   * Auctions take turns over this many separate connection pools to edgeUrl, as that many SSPs
   * would: with a shared port (WORKERD_INSTANCES) the kernel gave each connection to an instance.
   */
  sspConnections?: number;
  path: string;
  apiKey: string;
  seed: number;
  rate: RateFn;
  durationS: number;
  mix: MixOptions;
  connections: number;
  /** Client gives up after this; counted as a timeout (the SSP's own deadline is tmax). */
  clientTimeoutMs: number;
  /** Safety bound: beyond this many unanswered requests new arrivals are dropped and counted. */
  maxInFlight: number;
  /** Fires the win notice (nurl) as the SSP's ad server does when it picks our bid. */
  fireWinNotices: boolean;
  onWin?: (win: Win) => void;
  onSecond?: (s: SecondStats) => void;
  /**
   * Every answered request with its id, end-to-end latency, headers and body, so a benchmark can
   * match it with what the target measured itself (the overhead bench subtracts the slowest DSP).
   */
  onAnswer?: (a: Answer) => void;
}

export interface Answer {
  requestId: string;
  kind: RequestKind;
  status: number;
  latencyMs: number;
  /** How late the load generator sent it after its scheduled time (counted in latencyMs), ms. */
  sendLagMs: number;
  /** Wall clock (Date.now()) when it was sent and when its answer was read: to line up with the target's own clock. */
  sentAtMs: number;
  answeredAtMs: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Win {
  request: SimRequest;
  impId: string;
  seat: string;
  bid: {
    id: string;
    price: number;
    adm?: string;
    nurl?: string;
    burl?: string;
    lurl?: string;
    crid?: string;
    cid?: string;
  };
  answeredAt: number;
}

/** -1 client timeout, -2 dropped by the in-flight bound, 0 connection error; otherwise the HTTP status. */
export type Status = number;

export interface SecondStats {
  t: number;
  scheduled: number;
  answered: number;
  errors: number;
  latencies: number[];
  inFlight: number;
}

export interface SspResult {
  scheduled: number;
  sent: number;
  durationMs: number;
  /** Counts by request kind and status (e.g. valid -> { 200: 9000, 204: 800 }). */
  statuses: Record<RequestKind, Record<string, number>>;
  /** End-to-end latency (ms) of answered valid requests and of every answered request. */
  validLatencies: number[];
  allLatencies: number[];
  bidsReceived: number;
  /** Answers that carried at least one bid, by request kind (a 200 with only `nbr` is a no-bid). */
  filled: Record<RequestKind, number>;
  winNotices: { sent: number; ok: number; failed: number };
  timeline: SecondStats[];
  /** How late the generator fired requests (ms) at P99: a busy load generator shows here first. */
  sendLagP99Ms: number;
  /** Client-side failures by error code (timeouts, resets, refused), for the report. */
  errorCodes: Record<string, number>;
  /** First few unexpected answers, for the report. */
  samples: Array<{ kind: RequestKind; status: Status; body: string }>;
}

function parseBids(text: string): Array<{ seat: string; bid: Win['bid'] & { impid: string } }> {
  const out: Array<{ seat: string; bid: Win['bid'] & { impid: string } }> = [];
  const body = JSON.parse(text) as {
    seatbid?: Array<{ seat?: string; bid?: Array<Win['bid'] & { impid: string }> }>;
  };
  for (const sb of body.seatbid ?? []) for (const bid of sb.bid ?? []) out.push({ seat: sb.seat ?? '', bid });
  return out;
}

export async function runSsp(opts: SspOptions): Promise<SspResult> {
  const rng = createRng(opts.seed);
  const times = arrivals(rng.fork('arrivals'), opts.rate, opts.durationS);
  const mixRng = rng.fork('mix');
  const poolOptions = {
    connections: opts.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: opts.clientTimeoutMs,
    bodyTimeout: opts.clientTimeoutMs,
  };
  // A Pool reuses its first idle connection, so at these rates one connection carries nearly every
  // auction: spreading over instances has to be request by request (round robin).
  const pools: Array<Pool | BalancedPool> = opts.spreadOver?.length
    ? [new BalancedPool(opts.spreadOver, poolOptions)]
    : Array.from(
        { length: Math.max(1, opts.sspConnections ?? 1) },
        () => new Pool(opts.edgeUrl, poolOptions),
      );
  let turn = 0;
  const nextPool = () => pools[turn++ % pools.length] as Pool | BalancedPool;
  const notices = new Pool(opts.edgeUrl, { connections: 8, keepAliveTimeout: 60_000 });
  const statuses: SspResult['statuses'] = { valid: {}, bot: {}, malformed: {} };
  const result: SspResult = {
    scheduled: times.length,
    sent: 0,
    durationMs: 0,
    statuses,
    validLatencies: [],
    allLatencies: [],
    bidsReceived: 0,
    filled: { valid: 0, bot: 0, malformed: 0 },
    winNotices: { sent: 0, ok: 0, failed: 0 },
    timeline: [],
    sendLagP99Ms: 0,
    errorCodes: {},
    samples: [],
  };
  const seconds: SecondStats[] = Array.from({ length: Math.ceil(opts.durationS) + 1 }, (_, t) => ({
    t,
    scheduled: 0,
    answered: 0,
    errors: 0,
    latencies: [],
    inFlight: 0,
  }));
  for (const at of times) (seconds[Math.floor(at / 1000)] as SecondStats).scheduled++;
  const lags: number[] = [];
  let inFlight = 0;
  const start = performance.now();
  const pendingAll = new Set<Promise<void>>();

  const record = (req: SimRequest, dueAt: number, status: Status, body: string): number => {
    const latency = performance.now() - dueAt;
    const counts = statuses[req.kind];
    counts[status] = (counts[status] ?? 0) + 1;
    const sec = seconds[Math.min(seconds.length - 1, Math.floor((dueAt - start) / 1000))] as SecondStats;
    if (status > 0) {
      result.allLatencies.push(latency);
      if (req.kind === 'valid') result.validLatencies.push(latency);
      sec.answered++;
      sec.latencies.push(latency);
    }
    const unexpected = status <= 0 || status >= 500 || (req.kind !== 'malformed' && status >= 400);
    if (unexpected) {
      sec.errors++;
      if (result.samples.length < 10)
        result.samples.push({ kind: req.kind, status, body: body.slice(0, 300) });
    }
    return latency;
  };

  const fireNotice = (url: string) => {
    const u = new URL(url);
    if (u.origin !== new URL(opts.edgeUrl).origin) return; // only the exchange's own notices go to the edge pool
    result.winNotices.sent++;
    const p = notices
      .request({ path: u.pathname + u.search, method: 'GET', headersTimeout: 5000, bodyTimeout: 5000 })
      .then(async (r) => {
        await r.body.dump();
        if (r.statusCode < 400) result.winNotices.ok++;
        else result.winNotices.failed++;
      })
      .catch(() => {
        result.winNotices.failed++;
      });
    pendingAll.add(p);
    void p.finally(() => pendingAll.delete(p));
  };

  const send = (seq: number, dueAt: number) => {
    const req = makeRequest(mixRng, seq, opts.mix);
    if (inFlight >= opts.maxInFlight) {
      record(req, dueAt, -2, 'dropped: too many requests in flight');
      return;
    }
    inFlight++;
    result.sent++;
    const sendLagMs = performance.now() - dueAt;
    const sentAtMs = Date.now();
    const p = nextPool()
      .request({
        path: opts.path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-openrtb-version': '2.6',
          'x-api-key': opts.apiKey,
        },
        body: req.body,
      })
      .then(async (r) => {
        const text = await r.body.text();
        const latencyMs = record(req, dueAt, r.statusCode, r.statusCode === 200 ? '' : text);
        opts.onAnswer?.({
          requestId: req.id,
          kind: req.kind,
          status: r.statusCode,
          latencyMs,
          sendLagMs,
          sentAtMs,
          answeredAtMs: Date.now(),
          headers: r.headers,
          body: text,
        });
        if (r.statusCode !== 200 || !text) return;
        let bids: ReturnType<typeof parseBids>;
        try {
          bids = parseBids(text);
        } catch {
          if (result.samples.length < 10)
            result.samples.push({ kind: req.kind, status: 200, body: text.slice(0, 300) });
          return;
        }
        result.bidsReceived += bids.length;
        if (bids.length > 0) result.filled[req.kind]++;
        for (const { seat, bid } of bids) {
          const macros = {
            auctionId: req.id,
            bidId: bid.id,
            impId: bid.impid,
            seatId: seat,
            price: bid.price,
            currency: 'USD',
          };
          if (opts.fireWinNotices && bid.nurl) fireNotice(fillMacros(bid.nurl, macros));
          opts.onWin?.({
            request: req,
            impId: bid.impid,
            seat,
            bid: {
              ...bid,
              ...(bid.burl ? { burl: fillMacros(bid.burl, macros) } : {}),
              ...(bid.adm ? { adm: fillMacros(bid.adm, macros) } : {}),
            },
            answeredAt: performance.now(),
          });
        }
      })
      .catch((err: { code?: string }) => {
        const timeout = err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT';
        const code = String(err.code ?? 'unknown');
        result.errorCodes[code] = (result.errorCodes[code] ?? 0) + 1;
        record(req, dueAt, timeout ? -1 : 0, String(err.code ?? err));
      })
      .finally(() => {
        inFlight--;
        pendingAll.delete(p);
      });
    pendingAll.add(p);
  };

  let i = 0;
  let lastSecond = -1;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now() - start;
      while (i < times.length && (times[i] as number) <= now) {
        lags.push(now - (times[i] as number));
        send(i, start + (times[i] as number));
        i++;
      }
      const sec = Math.floor(now / 1000);
      if (sec !== lastSecond && sec > 0) {
        lastSecond = sec;
        const s = seconds[sec - 1];
        if (s) {
          s.inFlight = inFlight;
          opts.onSecond?.(s);
        }
      }
      if (i >= times.length && now >= opts.durationS * 1000) return resolve();
      const nextDue = i < times.length ? (times[i] as number) - now : 50;
      setTimeout(tick, Math.max(0, Math.min(nextDue, 20)));
    };
    tick();
  });
  // Bounded drain: every request has its own client timeout, so this ends.
  await Promise.allSettled([...pendingAll]);
  result.durationMs = performance.now() - start;
  result.timeline = seconds;
  lags.sort((a, b) => a - b);
  result.sendLagP99Ms = lags.length ? percentile(lags, 99) : 0;
  await Promise.all([...pools.map((p) => p.close()), notices.close()]);
  return result;
}
