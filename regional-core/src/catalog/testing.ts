// Test helpers shared by the catalog's unit (PGlite) and integration (PostgreSQL) runs:
// a real part on a real database, called through app.request().
import { createLogger } from '@edge-rtb/shared/log';
import type { Hono } from 'hono';
import { loadConfig } from '../config.ts';
import { createMetrics } from '../metrics.ts';
import type { CatalogDbHandle } from './db.ts';
import { type CatalogPart, type CatalogPartOptions, createCatalogPart } from './part.ts';

export const ADMIN = 'test-admin-token';
export const EDGE = 'test-edge-token';

export function testContext() {
  return {
    config: loadConfig({ ADMIN_TOKEN: ADMIN, EDGE_TOKEN: EDGE }),
    log: createLogger({}, 'error'),
    metrics: createMetrics(),
  };
}

export async function startPart(
  handle: CatalogDbHandle,
  opts: CatalogPartOptions = {},
): Promise<CatalogPart> {
  return createCatalogPart(testContext(), { handle, seed: false, pollMs: 50, ...opts });
}

export interface Call {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect answers of many shapes ad hoc.
  body: any;
}

/** app.request() with a JSON body and a bearer token; the answer's body parsed when it is JSON. */
export function caller(app: Hono) {
  return async (
    method: string,
    path: string,
    opts: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Call> => {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? ADMIN : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, headers: res.headers, body: parsed };
  };
}

/** Waits until check() is true (polling), for changes that travel through NOTIFY or a poll. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const campaignBody = (advertiserId: string, extra: Record<string, unknown> = {}) => ({
  advertiserId,
  name: 'Test campaign',
  status: 'active',
  totalBudgetMicros: 1_000_000_000,
  dailyBudgetMicros: 50_000_000,
  startAt: '2026-01-01T00:00:00Z',
  endAt: '2027-01-01T00:00:00Z',
  timeZone: 'America/New_York',
  pacing: 'even',
  targeting: { countries: ['USA'], formats: ['banner'] },
  bidStrategy: { kind: 'fixed_cpm', cpmMicros: 2_000_000 },
  maxCpmMicros: 5_000_000,
  ...extra,
});
