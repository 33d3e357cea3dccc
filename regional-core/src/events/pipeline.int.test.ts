// The pipeline on the real broker and server (scripts/services.sh start kafka clickhouse):
// exactly the accepted events land in ClickHouse across a broker restart, a ClickHouse outage
// and a SIGKILLed core. Each test restarts what it stopped, in `finally`.
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RtbEvent } from '@edge-rtb/shared/events';
import { sampleAuction } from '@edge-rtb/shared/events/sample';
import { createLogger } from '@edge-rtb/shared/log';
import { impressionCost } from '@edge-rtb/shared/money';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createMetrics } from '../metrics.ts';
import type { ChStore } from './ch/store.ts';
import { createServerStore } from './ch/store.ts';
import type { EventsPart } from './part.ts';
import { createEventsPart } from './part.ts';
import { deleteTopicsWithPrefix } from './testing/kafka-cleanup.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const KAFKA = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const CH = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123';
const run = `it${Date.now()}`;
afterAll(() => deleteTopicsWithPrefix(KAFKA.split(','), `${run}.`));
const env = (name: string, dataDir: string): Record<string, string> => ({
  EDGE_RTB_MODE: 'cluster',
  EDGE_RTB_DATA: dataDir,
  KAFKA_BROKERS: KAFKA,
  CLICKHOUSE_URL: CH,
  CLICKHOUSE_DATABASE: `${run}_${name}`,
  KAFKA_TOPIC_PREFIX: `${run}.${name}.`,
  ADMIN_TOKEN: 'admin-t',
  EDGE_TOKEN: 'edge-t',
  LEASE_KEYS: 'k1:secret',
  LOG_LEVEL: 'error',
});

function services(cmd: 'start' | 'stop', name: 'kafka' | 'clickhouse'): void {
  execFileSync('bash', ['scripts/services.sh', cmd, name], { cwd: ROOT, stdio: 'pipe', timeout: 150_000 });
}

/** What the accepted events must add up to in ClickHouse. */
function expected(events: RtbEvent[]) {
  let money = 0;
  for (const e of events) {
    if (e.type === 'win') money += impressionCost(e.clearingCpmMicros);
    if (e.type === 'impression') money += e.amountMicros;
  }
  return { rows: events.length, money };
}

async function landed(store: ChStore) {
  const [r] = await store.query<{ n: string; u: string; m: string }>(
    'SELECT count() AS n, uniqExact(id) AS u, sum(cost_micros) AS m FROM events',
  );
  return { rows: Number(r!.n), unique: Number(r!.u), money: Number(r!.m) };
}

async function waitFor<T>(
  what: string,
  get: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 45_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < end) {
    try {
      last = await get();
      if (ok(last)) return last;
    } catch {
      // the server may be restarting
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

let seq = 0;
const batch = (auctions: number) =>
  Array.from({ length: auctions }, () => sampleAuction(seq++, { ts: Date.now() })).flat();

async function postTo(
  send: (body: string) => Response | Promise<Response>,
  events: RtbEvent[],
  accepted: RtbEvent[],
) {
  const res = await send(JSON.stringify({ events }));
  if (res.status === 202) accepted.push(...events);
  return res.status;
}

describe('event pipeline on Kafka + ClickHouse', () => {
  let part: EventsPart;
  let store: ChStore;
  const accepted: RtbEvent[] = [];
  const send = (body: string) =>
    part.routes!.request('/v1/events', {
      method: 'POST',
      headers: { authorization: 'Bearer edge-t', 'content-type': 'application/json' },
      body,
    });

  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pipeline-'));
    const e = env('main', dataDir);
    part = await createEventsPart(
      { config: loadConfig(e), log: createLogger({}, 'error'), metrics: createMetrics() },
      { sinkMaxDelayMs: 200 },
    );
    store = createServerStore(CH, e.CLICKHOUSE_DATABASE);
    await waitFor(
      'the sink to start',
      async () => part.sink(),
      (s) => s !== null,
    );
  });
  afterAll(async () => {
    await part?.close();
    await store?.exec(`DROP DATABASE IF EXISTS ${run}_main`).catch(() => {});
    await store?.close();
  });

  it('lands exactly the accepted events when the broker restarts mid-stream', async () => {
    let streaming = true;
    const statuses: number[] = [];
    const stream = (async () => {
      while (streaming) {
        statuses.push(await postTo(send, batch(20), accepted));
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 1500));
      try {
        services('stop', 'kafka');
        await new Promise((r) => setTimeout(r, 2000));
      } finally {
        services('start', 'kafka');
      }
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      streaming = false;
      await stream;
    }
    expect(statuses.every((s) => s === 202)).toBe(true);
    const want = expected(accepted);
    const got = await waitFor(
      'all accepted events in ClickHouse',
      () => landed(store),
      (g) => g.rows >= want.rows,
    );
    expect(got).toEqual({ rows: want.rows, unique: want.rows, money: want.money });
  });

  it('pauses the sink while ClickHouse is down and catches up after', async () => {
    try {
      services('stop', 'clickhouse');
      for (let i = 0; i < 10; i++) expect(await postTo(send, batch(20), accepted)).toBe(202);
      // The sink pauses on its first failed insert, which needs records to arrive: on a busy
      // machine the consumer group may still be rejoining after the broker restart above.
      await waitFor(
        'the sink to pause',
        async () => part.sink()!.status(),
        (s) => s.paused,
        45_000,
      );
      expect((await part.ready()).detail).toContain('sink paused');
    } finally {
      services('start', 'clickhouse');
    }
    const want = expected(accepted);
    const got = await waitFor(
      'catch-up',
      () => landed(store),
      (g) => g.rows >= want.rows,
    );
    expect(got).toEqual({ rows: want.rows, unique: want.rows, money: want.money });
    expect(part.sink()!.status().paused).toBe(false);
  }, 120_000);
});

describe('a core killed after answering 202', () => {
  let child: ChildProcess | null = null;
  let dataDir: string;
  let e: Record<string, string>;
  // A port the OS says is free, kept for the child's restarts: a random pick in 18000-18999 once
  // landed on ClickHouse's 18123 and the child died with EADDRINUSE.
  let port = 0;

  async function startChild(sink: boolean, brokers = KAFKA): Promise<void> {
    child = spawn(process.execPath, [join(ROOT, 'regional-core/src/events/testing/ingest-child.ts')], {
      env: {
        ...process.env,
        ...e,
        KAFKA_BROKERS: brokers,
        CORE_PORT: String(port),
        EVENTS_SINK: sink ? '1' : '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
      child!.on('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
  }
  async function killChild(): Promise<void> {
    const c = child!;
    child = null;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  }
  const send = (body: string) =>
    fetch(`http://127.0.0.1:${port}/v1/events`, {
      method: 'POST',
      headers: { authorization: 'Bearer edge-t', 'content-type': 'application/json' },
      body,
    });

  beforeAll(async () => {
    port = await freePort();
  });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pipeline-child-'));
    e = env('child', dataDir);
  });
  afterAll(async () => {
    child?.kill('SIGTERM');
    const s = createServerStore(CH);
    await s.exec(`DROP DATABASE IF EXISTS ${e.CLICKHOUSE_DATABASE}`).catch(() => {});
    await s.close();
  });

  it('replays the outbox after a SIGKILL: nothing accepted is lost', async () => {
    const accepted: RtbEvent[] = [];
    // 1. The broker is unreachable (a closed port): every accepted event is only in the outbox.
    await startChild(false, '127.0.0.1:9');
    for (let i = 0; i < 15; i++) expect(await postTo(send, batch(20), accepted)).toBe(202);
    await killChild();
    // 2. Same data directory, real broker: the outbox replays. Kill again right after more 202s.
    await startChild(true);
    for (let i = 0; i < 10; i++) expect(await postTo(send, batch(20), accepted)).toBe(202);
    await killChild();
    // 3. A last start: whatever was accepted, and only that, is in ClickHouse, once.
    await startChild(true);
    const store = createServerStore(CH, e.CLICKHOUSE_DATABASE);
    try {
      const want = expected(accepted);
      // The second child may be killed while it migrates ClickHouse (migrations run after it
      // listens): its lock then holds the next start for up to LOCK_TTL_S (60 s) before the sink runs.
      const got = await waitFor(
        'the replayed events in ClickHouse',
        () => landed(store),
        (g) => g.rows >= want.rows,
        100_000,
      );
      expect(got).toEqual({ rows: want.rows, unique: want.rows, money: want.money });
    } finally {
      await store.close();
    }
  }, 180_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const p = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(p));
    });
  });
}
