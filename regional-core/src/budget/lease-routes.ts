// HTTP surface of the budget part (wire contract: shared/src/lease-api.ts).
//   POST /v1/leases              edge  (Bearer EDGE_TOKEN), idempotent per idempotencyKey (409 on reuse)
//   POST /v1/leases/:id/settle   edge  (Bearer EDGE_TOKEN), idempotent
//   GET  /v1/budgets/:campaignId admin (Bearer ADMIN_TOKEN)
//   GET  /v1/admin/budget-ledger         admin: the ledger check (state, ledger id)
//   POST /v1/admin/budget-ledger/reseed  admin: rebuild a lost ledger (docs/budget-leases.md)
// Bad input gets 4xx with { error, message, field? } and changes nothing; never a 5xx.
import { timingSafeEqual } from 'node:crypto';
import { IDEMPOTENCY_KEY_RE, type LeaseKeyConflict, type LeaseResponse } from '@edge-rtb/shared/lease-api';
import type { Logger } from '@edge-rtb/shared/log';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { CampaignBudget } from './campaign-budget.ts';
import { LeaseKeyConflictError, type LeaseService } from './lease-service.ts';
import { CAMPAIGN_ID_RE } from './ledger.ts';
import type { LedgerGuard } from './ledger-guard.ts';

const micros = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const leaseRequest = z.strictObject({
  campaignId: z.string().regex(CAMPAIGN_ID_RE, 'letters, digits, _ . : - (1-64)'),
  holder: z.string().min(1).max(128),
  requestedMicros: micros.positive().optional(),
  idempotencyKey: z
    .string()
    .regex(IDEMPOTENCY_KEY_RE, 'idempotency key: 16-64 of A-Z a-z 0-9 _ -')
    .optional(),
});
const settleRequest = z.strictObject({ token: z.string().min(1).max(2048), spentMicros: micros });
const reseedRequest = z.strictObject({
  expectLedgerId: z.string().min(1).max(128),
  spentMicros: z.record(z.string().regex(CAMPAIGN_ID_RE), micros),
  unlistedAreUnspent: z.boolean().default(false),
  reason: z.string().min(1).max(500),
});
const MAX_BODY = 8 * 1024;
/** A re-seed lists every campaign's spend: ~100 bytes each. */
const MAX_RESEED_BODY = 8 * 1024 * 1024;
const LEASE_ID_RE = /^[A-Za-z0-9-]{1,64}$/;

type ErrorBody = { error: string; message: string; field?: string };
const fail = (c: Context, status: 400 | 401 | 403 | 404 | 413 | 503, body: ErrorBody) => c.json(body, status);

function bearer(token: string): MiddlewareHandler {
  const want = Buffer.from(token);
  return async (c, next) => {
    const got = Buffer.from(c.req.header('authorization')?.replace(/^Bearer /i, '') ?? '');
    if (got.length !== want.length || !timingSafeEqual(got, want)) {
      return fail(c, 401, { error: 'unauthorized', message: 'missing or wrong Bearer token' });
    }
    await next();
  };
}

async function parseBody<T>(
  c: Context,
  schema: z.ZodType<T>,
  maxBody = MAX_BODY,
): Promise<{ ok: true; value: T } | { ok: false; res: Response }> {
  // Size is checked here rather than with hono/body-limit: that middleware makes
  // @hono/node-server build a web Request with a body stream, which cost more than the whole
  // lease decision (~45 us per request, measured with load/bench/lease-grants.ts).
  const tooLarge = () => ({
    ok: false as const,
    res: fail(c, 413, { error: 'body_too_large', message: `bodies here are under ${maxBody} bytes` }),
  });
  if (Number(c.req.header('content-length') ?? 0) > maxBody) return tooLarge();
  let raw: unknown;
  try {
    const text = await c.req.text();
    if (text.length > maxBody) return tooLarge();
    raw = JSON.parse(text);
  } catch {
    return { ok: false, res: fail(c, 400, { error: 'invalid_json', message: 'body must be a JSON object' }) };
  }
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.') || undefined;
  return {
    ok: false,
    res: fail(c, 400, { error: 'invalid_body', message: issue.message, ...(field ? { field } : {}) }),
  };
}

export function createLeaseRoutes(opts: {
  service: LeaseService;
  guard?: LedgerGuard;
  listBudgets?: () => Promise<CampaignBudget[]>;
  edgeToken: string;
  adminToken: string;
  log: Logger;
}) {
  const { service, log } = opts;
  const app = new Hono();
  const edge = bearer(opts.edgeToken);

  app.post('/v1/leases', edge, async (c) => {
    const body = await parseBody(c, leaseRequest);
    if (!body.ok) return body.res;
    let res: LeaseResponse;
    try {
      res = await service.requestLease(body.value);
    } catch (e) {
      if (!(e instanceof LeaseKeyConflictError)) throw e;
      const conflict: LeaseKeyConflict = {
        error: 'idempotency_key_reused',
        message: 'this idempotency key was used for another campaign or holder; nothing was granted',
        field: 'idempotencyKey',
      };
      return c.json(conflict, 409);
    }
    if (!res.lease) c.header('retry-after', String(Math.ceil(res.retryAfterMs / 1000)));
    return c.json(res);
  });

  app.post('/v1/leases/:id/settle', edge, async (c) => {
    const id = c.req.param('id');
    if (!LEASE_ID_RE.test(id))
      return fail(c, 400, { error: 'invalid_lease_id', message: 'bad lease id', field: 'id' });
    const body = await parseBody(c, settleRequest);
    if (!body.ok) return body.res;
    const r = await service.settle(id, body.value.token, body.value.spentMicros);
    if (r.ok) return c.json(r.value);
    switch (r.error.reason) {
      case 'invalid_token': {
        const d = r.error.detail;
        // Malformed is a client bug; a bad MAC or unknown key is a forgery (or a key not yet rolled out).
        const status = d.reason === 'malformed' ? 400 : 403;
        return fail(c, status, {
          error: 'invalid_token',
          message: `token rejected: ${d.reason}`,
          field: 'token',
        });
      }
      case 'lease_mismatch':
        return fail(c, 400, {
          error: 'lease_mismatch',
          message: 'token is for another lease',
          field: 'token',
        });
      case 'unknown_lease':
        return fail(c, 404, {
          error: 'unknown_lease',
          message: 'no such lease (or its record has aged out)',
        });
    }
  });

  app.get('/v1/budgets/:campaignId', bearer(opts.adminToken), async (c) => {
    const id = c.req.param('campaignId');
    if (!CAMPAIGN_ID_RE.test(id)) {
      return fail(c, 400, { error: 'invalid_campaign_id', message: 'bad campaign id', field: 'campaignId' });
    }
    const s = await service.status(id);
    return s ? c.json(s) : fail(c, 404, { error: 'unknown_campaign', message: `no budget for ${id}` });
  });

  const { guard, listBudgets } = opts;
  if (guard && listBudgets) {
    const admin = bearer(opts.adminToken);
    app.get('/v1/admin/budget-ledger', admin, async (c) => {
      const state = await guard.check();
      return c.json({ name: guard.name, state, ledgerId: guard.ledgerId() });
    });
    app.post('/v1/admin/budget-ledger/reseed', admin, async (c) => {
      const body = await parseBody(c, reseedRequest, MAX_RESEED_BODY);
      if (!body.ok) return body.res;
      const r = await guard.reseed(body.value, await listBudgets());
      if (r.ok) return c.json(r.value);
      return c.json(r.error, r.error.error === 'invalid_spend' ? 400 : 409);
    });
  }

  // The ledger's backend failing is our fault, not the caller's: 503 so the edge retries.
  app.onError((e, c) => {
    log.error('budget request failed', { err: e, path: c.req.path });
    return fail(c, 503, { error: 'ledger_unavailable', message: 'budget ledger unavailable, retry' });
  });
  return app;
}
