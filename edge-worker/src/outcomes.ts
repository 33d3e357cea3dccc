// Every way an edge request can end without a normal answer, as a tagged value, mapped to an
// HTTP status, an OpenRTB no-bid reason (nbr) and a log level in exactly one switch. Bad input
// is never a 5xx and never an error-level log line.
import type { Context } from 'hono';
import type { EdgeEnv } from './env.ts';

/** OpenRTB 2.x no-bid reason codes (5.24 / AdCOM "No-Bid Reason Codes"). */
export const NBR = {
  unknown: 0,
  technical: 1,
  invalidRequest: 2,
  knownSpider: 3,
  suspectedNonHuman: 4,
  dataCenterIp: 5,
  unsupportedDevice: 6,
  blockedPublisher: 7,
} as const;

export type EdgeOutcome =
  | { reason: 'auth_missing' }
  | { reason: 'auth_unknown' }
  | { reason: 'ssp_paused'; sspId: string }
  | { reason: 'body_too_large'; limit: number }
  | { reason: 'unsupported_encoding'; encoding: string }
  | { reason: 'invalid_request'; field: string; message: string }
  | { reason: 'snapshot_unavailable'; detail: string }
  | { reason: 'misconfigured'; detail: string }
  | { reason: 'blocked_publisher'; requestId: string; publisherId?: string; domain?: string }
  | { reason: 'known_bot'; requestId: string }
  | { reason: 'blocked_ip'; requestId: string }
  | { reason: 'no_bids'; requestId: string }
  | { reason: 'tmax_exhausted'; requestId: string; remainingMs: number };

export type OutcomeReason = EdgeOutcome['reason'];
type LogLevel = 'none' | 'info' | 'warn';

interface Mapping {
  status: 200 | 204 | 400 | 401 | 403 | 413 | 415 | 503;
  /** Set when the answer is a BidResponse carrying nbr rather than an error body. */
  nbr?: number;
  message: string;
  log: LogLevel;
}

export function mapOutcome(o: EdgeOutcome): Mapping {
  switch (o.reason) {
    case 'auth_missing':
      return { status: 401, message: 'send the SSP key as X-Api-Key or Authorization: Bearer', log: 'none' };
    case 'auth_unknown':
      return { status: 401, message: 'unknown SSP key', log: 'info' };
    case 'ssp_paused':
      return { status: 403, message: 'this SSP account is paused', log: 'info' };
    case 'body_too_large':
      return { status: 413, message: `body exceeds ${o.limit} bytes`, log: 'info' };
    case 'unsupported_encoding':
      return { status: 415, message: 'Content-Encoding must be identity or gzip', log: 'none' };
    case 'invalid_request':
      return { status: 400, message: o.message, log: 'none' };
    case 'snapshot_unavailable':
      return { status: 503, message: 'edge has no configuration yet; retry shortly', log: 'warn' };
    case 'misconfigured':
      return { status: 503, message: `edge misconfigured: ${o.detail}`, log: 'warn' };
    case 'blocked_publisher':
      return { status: 200, nbr: NBR.blockedPublisher, message: 'publisher blocked', log: 'none' };
    case 'known_bot':
      return { status: 200, nbr: NBR.knownSpider, message: 'known bot', log: 'none' };
    case 'blocked_ip':
      return { status: 200, nbr: NBR.dataCenterIp, message: 'blocked IP range', log: 'none' };
    case 'no_bids':
      return { status: 204, message: 'no bids', log: 'none' };
    case 'tmax_exhausted':
      return { status: 204, message: 'tmax exhausted before fan-out', log: 'info' };
    default:
      return assertNever(o);
  }
}

function assertNever(x: never): never {
  throw new Error(`unmapped outcome ${JSON.stringify(x)}`);
}

/** Answer a request that ends in an outcome. */
export function problem(c: Context<EdgeEnv>, o: EdgeOutcome): Response {
  const m = mapOutcome(o);
  if (m.status === 204) return c.body(null, 204);
  if (m.nbr !== undefined && 'requestId' in o) return c.json({ id: o.requestId, nbr: m.nbr }, 200);
  const body: Record<string, unknown> = { error: o.reason, message: m.message };
  if (o.reason === 'invalid_request') body.field = o.field;
  if (o.reason === 'snapshot_unavailable') c.header('retry-after', '1');
  if (m.log === 'warn') console.warn(JSON.stringify({ level: 'warn', msg: o.reason, ...o }));
  return c.json(body, m.status as 400);
}
