// What an auction request must pass before anything is parsed: a config snapshot to judge it by,
// an SSP key that matches an active SSP, and a body within the size cap. One plain async step
// instead of a chain of Hono middleware: each middleware was an async frame, a `next()` and
// context-map writes on every auction, code the isolate runs cold per request (docs/benchmarks.md,
// "Request cost in workerd").
//
// - Only an isolate's very first request waits on the core for the snapshot; without any the
//   edge cannot authenticate anyone, so it says 503.
// - The key arrives as `X-Api-Key` or `Authorization: Bearer`; the snapshot holds only SHA-256
//   hashes, so an unseen key is hashed and looked up (matches are remembered, bounded).
// - The body is read once, as text, under a byte cap (413 past it) whatever Content-Length
//   claims; a gzip body is inflated under the same cap, so a zip bomb stops at the cap
//   (capped-body.ts).
import { err, ok, type Result } from '@edge-rtb/shared/result';
import type { SspConfig } from '@edge-rtb/shared/snapshot';
import type { Context } from 'hono';
import { cappedText } from '../capped-body.ts';
import type { EdgeEnv } from '../env.ts';
import type { EdgeOutcome } from '../outcomes.ts';
import type { SnapshotCache } from '../snapshot/snapshot-cache.ts';
import type { SnapshotView } from '../snapshot/view.ts';

export interface Admitted {
  view: SnapshotView;
  ssp: SspConfig;
  body: string;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** The snapshot, the SSP and the body of an auction request, or why it is refused. */
export async function admit(
  c: Context<EdgeEnv>,
  cache: SnapshotCache,
): Promise<Result<Admitted, EdgeOutcome>> {
  const env = c.env;
  const ttl = Number(env.SNAPSHOT_TTL_MS);
  const snap = await cache.get(
    {
      coreUrl: env.CORE_URL,
      edgeToken: env.EDGE_TOKEN,
      ttlMs: ttl >= 0 && env.SNAPSHOT_TTL_MS ? ttl : undefined,
    },
    c.executionCtx,
  );
  if (!snap.ok) return snap;
  const view = snap.value;
  const raw = c.req.raw;
  const key = raw.headers.get('x-api-key') ?? bearer(raw.headers.get('authorization'));
  if (!key || key.length > 512) return err({ reason: 'auth_missing' });
  let ssp = view.knownKeys.get(key);
  if (!ssp) {
    ssp = view.sspByKeyHash.get(await sha256Hex(key));
    if (!ssp) return err({ reason: 'auth_unknown' });
    // Only keys that matched are remembered (bounded), so unknown keys cannot grow the map.
    if (view.knownKeys.size < 1_000) view.knownKeys.set(key, ssp);
  }
  if (ssp.status !== 'active') return err({ reason: 'ssp_paused', sspId: ssp.id });
  const body = await readBody(raw, Number(env.MAX_BODY_BYTES) || DEFAULT_MAX_BODY_BYTES);
  return typeof body === 'string' ? ok({ view, ssp, body }) : err(body);
}

function bearer(h: string | null): string | undefined {
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  let hex = '';
  for (const b of new Uint8Array(digest)) hex += b.toString(16).padStart(2, '0');
  return hex;
}

async function readBody(raw: Request, limit: number): Promise<string | EdgeOutcome> {
  const encoding = (raw.headers.get('content-encoding') ?? 'identity').toLowerCase();
  let stream: ReadableStream<Uint8Array> | undefined;
  if (encoding === 'gzip') {
    if (!raw.body) return emptyOrTooLarge(raw, limit);
    stream = raw.body.pipeThrough(new DecompressionStream('gzip'));
  } else if (encoding !== 'identity')
    return { reason: 'unsupported_encoding', encoding: encoding.slice(0, 32) };
  // Unencoded, the body is read without its stream (cappedText): text() of no body is ''.
  const read = await cappedText(raw, limit, { stream });
  if (read === 'too_large') return { reason: 'body_too_large', limit };
  if (read === 'corrupt') return { reason: 'invalid_request', field: '', message: 'body is not valid gzip' };
  if (read === '') return emptyOrTooLarge(raw, limit);
  return read;
}

function emptyOrTooLarge(raw: Request, limit: number): EdgeOutcome {
  return Number(raw.headers.get('content-length')) > limit
    ? { reason: 'body_too_large', limit }
    : { reason: 'invalid_request', field: '', message: 'empty body' };
}
