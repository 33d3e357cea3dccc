// A small real HTTP stand-in for the regional core in workerd tests (Node): serves config
// snapshots (ETag / If-None-Match), grants and settles budget leases per shared/src/lease-api.ts
// with real signed lease tokens, and records event batches. Tenants (`/t/<name>/...`) let each
// test file own a snapshot and a ledger; tests create them with PUT /_tenants/<name>, and take
// one down (503) or unreachable (connection cut) and back by putting it again.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { LeaseRequest, LeaseResponse, SettleRequest } from '../../../shared/src/lease-api.ts';
import { createLeaseTokenCodec } from '../../../shared/src/lease-token.ts';
import type { ConfigSnapshot } from '../../../shared/src/snapshot.ts';
import { CAMPAIGN_IDS, EDGE_TOKEN } from '../fixtures/constants.ts';

export interface TenantConfig {
  snapshot: ConfigSnapshot;
  /** Micros per lease grant; default 20_000 (ten impressions at a 2.00 CPM). */
  leaseGrantMicros?: number;
  leaseTtlMs?: number;
  /** Answer 503 to every edge call, as a core that is down. */
  down?: boolean;
  /** Cut every edge call's connection without an answer, as a core that cannot be reached. */
  unreachable?: boolean;
  /** Never answer edge calls (the edge's timeouts fire); un-hanging cuts the held connections. */
  hang?: boolean;
  /**
   * Delays (ms) of the successive lease answers. The grant is booked before the wait, as on a
   * core whose answer is lost to the edge's timeout. Like the core, a repeated idempotencyKey
   * gets the first grant back (409 with another campaign or holder).
   */
  leaseAnswerDelaysMs?: number[];
}

interface Tenant extends TenantConfig {
  held: ServerResponse[];
  events: unknown[];
  leaseRequests: LeaseRequest[];
  settles: Array<SettleRequest & { leaseId: string }>;
  snapshotFetches: number;
  eventPosts: number;
  settled: Set<string>;
  /** Ids of the leases granted (a repeat of a key grants none). */
  leasesGranted: string[];
  keyed: Record<string, { campaignId: string; holder: string; grant: LeaseResponse }>;
}

export interface StubCore {
  port: number;
  close(): Promise<void>;
}

const codec = createLeaseTokenCodec({ current: 'lk1', keys: { lk1: 'stub-core-lease-secret-0123456789' } });

export async function startStubCore(defaultSnapshot: ConfigSnapshot): Promise<StubCore> {
  const tenants = new Map<string, Tenant>();
  // Re-putting a tenant keeps what it recorded, so a test can take the core down and up again.
  const put = (name: string, cfg: TenantConfig) => {
    const old = tenants.get(name);
    if (old) {
      if (!cfg.hang) for (const r of old.held.splice(0)) r.socket?.destroy();
      return tenants.set(name, {
        ...old,
        ...cfg,
        down: cfg.down ?? false,
        unreachable: cfg.unreachable ?? false,
        hang: cfg.hang ?? false,
      });
    }
    return tenants.set(name, {
      ...cfg,
      held: [],
      events: [],
      leaseRequests: [],
      settles: [],
      snapshotFetches: 0,
      eventPosts: 0,
      settled: new Set(),
      leasesGranted: [],
      keyed: {},
    });
  };
  put('', { snapshot: defaultSnapshot });
  let leaseSeq = 0;

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://core');
      const m = /^\/_tenants\/([\w-]+)$/.exec(url.pathname);
      if (m && req.method === 'PUT') {
        put(m[1]!, JSON.parse(await readText(req)) as TenantConfig);
        return json(res, 204);
      }
      const tm = /^\/t\/([\w-]+)(\/.*)$/.exec(url.pathname);
      const tenant = tenants.get(tm ? tm[1]! : '');
      const path = tm ? tm[2]! : url.pathname;
      if (!tenant) return json(res, 404, { error: 'no_tenant' });
      if (path === '/_recorded')
        return json(res, 200, { ...tenant, held: tenant.held.length, settled: [...tenant.settled] });
      if (req.headers.authorization !== `Bearer ${EDGE_TOKEN}`)
        return json(res, 401, { error: 'unauthorized' });
      if (tenant.unreachable) return void req.socket.destroy();
      if (tenant.hang) return void tenant.held.push(res);
      if (tenant.down) return json(res, 503, { error: 'down' });

      if (path === '/v1/snapshot' && req.method === 'GET') {
        tenant.snapshotFetches++;
        const etag = `"${tenant.snapshot.version}"`;
        if (req.headers['if-none-match'] === etag) return json(res, 304);
        res.setHeader('etag', etag);
        return json(res, 200, tenant.snapshot);
      }
      if (path === '/v1/events' && req.method === 'POST') {
        const body = JSON.parse(await readText(req)) as { events: unknown[] };
        tenant.eventPosts++;
        tenant.events.push(...body.events);
        return json(res, 202, { accepted: body.events.length });
      }
      if (path === '/v1/leases' && req.method === 'POST') {
        const body = JSON.parse(await readText(req)) as LeaseRequest;
        tenant.leaseRequests.push(body);
        if (body.campaignId === CAMPAIGN_IDS.denied) {
          const denial: LeaseResponse = { lease: null, reason: 'budget_exhausted', retryAfterMs: 60_000 };
          return json(res, 200, denial);
        }
        const delay = tenant.leaseAnswerDelaysMs?.[tenant.leaseRequests.length - 1] ?? 0;
        const answer = async (status: number, out: unknown) => {
          if (delay > 0) await new Promise((r) => setTimeout(r, delay));
          return json(res, status, out);
        };
        const first = body.idempotencyKey ? tenant.keyed[body.idempotencyKey] : undefined;
        if (first) {
          if (first.campaignId === body.campaignId && first.holder === body.holder)
            return answer(200, first.grant);
          return answer(409, {
            error: 'idempotency_key_reused',
            message: 'key reused',
            field: 'idempotencyKey',
          });
        }
        const id = `lease-${++leaseSeq}`;
        const amountMicros = tenant.leaseGrantMicros ?? 20_000;
        const expiresAt = Date.now() + (tenant.leaseTtlMs ?? 60_000);
        const token = await codec.sign({
          leaseId: id,
          campaignId: body.campaignId,
          amountMicros,
          expiresAt,
          holder: body.holder,
        });
        const grant: LeaseResponse = {
          lease: { id, campaignId: body.campaignId, amountMicros, expiresAt, kid: 'lk1' },
          token,
        };
        tenant.leasesGranted.push(id);
        if (body.idempotencyKey)
          tenant.keyed[body.idempotencyKey] = { campaignId: body.campaignId, holder: body.holder, grant };
        return answer(200, grant);
      }
      const sm = /^\/v1\/leases\/([\w-]+)\/settle$/.exec(path);
      if (sm && req.method === 'POST') {
        const body = JSON.parse(await readText(req)) as SettleRequest;
        const applied = !tenant.settled.has(sm[1]!);
        tenant.settled.add(sm[1]!);
        tenant.settles.push({ ...body, leaseId: sm[1]! });
        return json(res, 200, { leaseId: sm[1], spentMicros: body.spentMicros, releasedMicros: 0, applied });
      }
      return json(res, 404, { error: 'not_found' });
    } catch (e) {
      return json(res, 400, { error: 'bad_request', message: String(e) });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      s += c;
    });
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body?: unknown) {
  if (body === undefined) {
    res.writeHead(status);
    return res.end();
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
