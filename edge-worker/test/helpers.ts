// Helpers for workerd tests: a fresh edge app per test file, a stub-core tenant of its own, and
// requests through app.fetch with a real ExecutionContext so waitUntil work can be awaited.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { ConfigSnapshot } from '../../shared/src/snapshot.ts';
import { createEdge } from '../src/app.ts';
import type { Bindings } from '../src/env.ts';
import { outboxShards } from '../src/events/outbox-client.ts';
import type { EdgeOptions } from '../src/state.ts';
import { SSP_KEYS } from './fixtures/constants.ts';
import { buildSnapshot } from './fixtures/snapshot.ts';

export type TestEnv = Bindings & { DSP_BASE: string };
export const testEnv = env as unknown as TestEnv;
export const DSP = testEnv.DSP_BASE;

export interface Tenant {
  env: TestEnv;
  recorded(): Promise<CoreRecord>;
  /** Re-serve the tenant (e.g. a new snapshot version), or take it down / bring it up. */
  update(cfg: {
    snapshot?: ConfigSnapshot;
    down?: boolean;
    unreachable?: boolean;
    hang?: boolean;
  }): Promise<void>;
  /** This tenant's events waiting in the durable outbox, over all shards of the PoP. */
  outbox(): Promise<{ batches: number; events: number }>;
  /** Resolves once the outbox holds nothing for this tenant (the alarm delivered it all). */
  drained(timeoutMs?: number): Promise<void>;
}

export interface CoreRecord {
  events: Array<Record<string, unknown> & { type: string; id: string }>;
  leaseRequests: Array<{ campaignId: string; holder: string; idempotencyKey?: string }>;
  leasesGranted: string[];
  settles: Array<{ leaseId: string; spentMicros: number; token: string }>;
  snapshotFetches: number;
  eventPosts: number;
}

/** A stub-core tenant serving `snapshot` (defaults from fixtures/snapshot.ts). */
export async function tenant(
  name: string,
  over: Partial<ConfigSnapshot> | ((s: ConfigSnapshot) => ConfigSnapshot) = {},
  cfg: {
    leaseGrantMicros?: number;
    leaseTtlMs?: number;
    down?: boolean;
    leaseAnswerDelaysMs?: number[];
  } = {},
): Promise<Tenant> {
  const snapshot =
    typeof over === 'function' ? over(await buildSnapshot(DSP)) : await buildSnapshot(DSP, over);
  const res = await fetch(`${testEnv.CORE_URL}/_tenants/${name}`, {
    method: 'PUT',
    body: JSON.stringify({ snapshot, ...cfg }),
  });
  if (res.status !== 204) throw new Error(`tenant ${name}: ${res.status}`);
  const coreUrl = `${testEnv.CORE_URL}/t/${name}`;
  let current = snapshot;
  return {
    env: { ...testEnv, CORE_URL: coreUrl },
    recorded: async () => (await (await fetch(`${coreUrl}/_recorded`)).json()) as CoreRecord,
    async update(u) {
      current = u.snapshot ?? current;
      const r = await fetch(`${testEnv.CORE_URL}/_tenants/${name}`, {
        method: 'PUT',
        body: JSON.stringify({
          snapshot: current,
          ...cfg,
          down: u.down ?? false,
          unreachable: u.unreachable ?? false,
          hang: u.hang ?? false,
        }),
      });
      if (r.status !== 204) throw new Error(`tenant ${name}: ${r.status}`);
    },
    outbox: () => outboxOf(coreUrl),
    async drained(timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const o = await outboxOf(coreUrl);
        if (o.batches === 0) return;
        if (Date.now() > until) throw new Error(`outbox still holds ${o.events} events of ${name}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

async function outboxOf(coreUrl: string): Promise<{ batches: number; events: number }> {
  let batches = 0;
  let events = 0;
  for (const shard of outboxShards(testEnv)) {
    const s = await testEnv.EVENTS_OUTBOX!.getByName(shard).stats(coreUrl);
    batches += s.batches;
    events += s.events;
  }
  return { batches, events };
}

export function edge(opts: EdgeOptions = {}) {
  const { app, state } = createEdge(opts);
  return {
    state,
    /** One request through the app in workerd; resolves after its waitUntil work finished. */
    async call(env: TestEnv, input: string, init: RequestInit = {}): Promise<Response> {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(new URL(input, 'http://edge.test'), init), env, ctx);
      const body = await res.arrayBuffer();
      await waitOnExecutionContext(ctx);
      return new Response(res.status === 204 ? null : body, { status: res.status, headers: res.headers });
    },
    auction(env: TestEnv, body: unknown, headers: Record<string, string> = { 'x-api-key': SSP_KEYS.main }) {
      return this.call(env, '/openrtb2/auction', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
  };
}

/** A one-imp banner request in the shape of the IAB example, with a fresh id. */
export function bannerRequest(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `req-${crypto.randomUUID()}`,
    at: 1,
    tmax: 300,
    cur: ['USD'],
    imp: [{ id: '1', bidfloor: 0.03, banner: { w: 300, h: 250 } }],
    site: {
      id: 's1',
      domain: 'www.foobar.com',
      page: 'http://www.foobar.com/1.html',
      publisher: { id: '8953' },
    },
    device: { ua: 'Mozilla/5.0 (Macintosh) Safari/534.57.2', ip: '198.51.100.7', geo: { country: 'USA' } },
    user: { id: 'u-55816b39' },
    ...over,
  };
}

export async function dspRecord(dsp: string) {
  return (await (await fetch(`${DSP}/_recorded?dsp=${dsp}`)).json()) as {
    requests: Array<{ headers: Record<string, string>; body: Record<string, unknown>; encoding: string }>;
    notices: string[];
  };
}
