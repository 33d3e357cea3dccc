// Errors of the admin API as one JSON shape: { error: code, message, field? }. Handlers throw
// ApiError (Hono's idiom for leaving a handler early); one onError maps it, the database's
// constraint errors and Hono's own HTTP errors to a 4xx, so bad input never yields a 5xx.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ApiStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422;

export class ApiError extends Error {
  override name = 'ApiError';
  status: ApiStatus;
  code: string;
  field: string | undefined;
  constructor(status: ApiStatus, code: string, message: string, field?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
}

/** Postgres SQLSTATE of an error, looking through drizzle's DrizzleQueryError wrapper. */
export function pgCode(e: unknown): string | undefined {
  for (
    let cur = e, i = 0;
    cur && typeof cur === 'object' && i < 4;
    cur = (cur as { cause?: unknown }).cause, i++
  ) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

export function toErrorResponse(e: unknown, c: Context, onUnexpected: (e: unknown) => void): Response {
  if (e instanceof ApiError) {
    const body: ErrorBody = { error: e.code, message: e.message };
    if (e.field) body.field = e.field;
    return c.json(body, e.status);
  }
  switch (pgCode(e)) {
    case '23505':
      return c.json({ error: 'conflict', message: 'an object with this id or key already exists' }, 409);
    case '23503': // foreign_key_violation
    case '23001': // restrict_violation (ON DELETE RESTRICT)
      return c.json(
        {
          error: 'conflict',
          message:
            'the change would break a reference between objects (still in use, or refers to a missing one)',
        },
        409,
      );
    case '23514':
      return c.json(
        { error: 'invalid_value', message: 'a value breaks a catalog rule (check constraint)' },
        422,
      );
  }
  if (e instanceof HTTPException) {
    // e.g. malformed JSON from the validator (400) or a missing Content-Type (415).
    const status = e.status as ContentfulStatusCode;
    return c.json(
      { error: status === 415 ? 'unsupported_media_type' : 'bad_request', message: e.message },
      status,
    );
  }
  onUnexpected(e);
  return c.json({ error: 'internal', message: 'internal error' }, 500);
}
