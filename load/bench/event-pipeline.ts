// Benchmark: events/s through the whole pipeline, POST /v1/events -> Kafka -> sink ->
// ClickHouse, and the end-to-end lag (event time -> ClickHouse acknowledged the insert).
//   node load/bench/event-pipeline.ts [--mode cluster|single-node] [--seconds 20]
//   (KAFKA_BROKERS, CLICKHOUSE_URL from scripts/services.env; the services must be running)
// The core (events part only, sink on) runs in a child process on its own port; this process
// generates auctions (8 events each on average) in batches of BENCH_BATCH events over
// BENCH_CONC keep-alive requests, for a bounded time, printing a progress line per second.
// Then it stops sending and waits (bounded) for the sink to drain. Figures go into the
// "Event pipeline" section of docs/benchmarks.md.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@edge-rtb/regional-core/config';
import { createEventsPart } from '@edge-rtb/regional-core/events/part';
import { sampleAuction } from '@edge-rtb/shared/events/sample';
import { createLogger } from '@edge-rtb/shared/log';
import { serve } from '@hono/node-server';
import { Registry } from 'prom-client';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const MODE = arg('mode', 'cluster') as 'cluster' | 'single-node';
const SECONDS = Number(arg('seconds', '20'));
const BATCH = Number(process.env.BENCH_BATCH ?? 4000);
const CONC = Number(process.env.BENCH_CONC ?? 4);
const PORT = 18_098;
const RUN = `bench${Date.now()}`;

if (process.argv.includes('--serve')) await serveCore(arg('serve', 'ingest') as 'ingest' | 'sink');
else await main();

/**
 * Child processes, as a cluster deploys them: 'ingest' serves POST /v1/events (no sink), 'sink'
 * runs the ClickHouse sink and answers 'stats' messages with its counters and lag samples.
 */
async function serveCore(role: 'ingest' | 'sink') {
  const dataDir = process.env.BENCH_DATA!;
  const config = loadConfig({
    KAFKA_BROKERS: '127.0.0.1:19092',
    CLICKHOUSE_URL: 'http://127.0.0.1:18123',
    ...process.env,
    EDGE_RTB_MODE: MODE,
    EDGE_RTB_DATA: dataDir,
    CLICKHOUSE_DATABASE: RUN,
    KAFKA_TOPIC_PREFIX: `${RUN}.`,
    ADMIN_TOKEN: 'bench',
    EDGE_TOKEN: 'bench',
    LEASE_KEYS: 'k:bench',
    NODE_ENV: 'production',
  });
  let lags: number[] = [];
  const part = await createEventsPart(
    { config, log: createLogger({ svc: 'bench-core' }, 'warn'), metrics: new Registry() },
    {
      sink: role === 'sink',
      sinkBatchSize: 20_000,
      sinkMaxDelayMs: 500,
      kafkaPartitions: 3,
      onSinkFlush: (f) => {
        for (const v of f.lagsMs) if (lags.length < 200_000) lags.push(v);
      },
    },
  );
  process.on('message', async (m: string) => {
    if (m === 'stats') {
      const s = part.sink()?.status();
      process.send!({
        inserted: s?.inserted ?? 0,
        duplicates: s?.duplicates ?? 0,
        paused: s?.paused ?? false,
        lags,
      });
      lags = [];
    }
    if (m === 'stop') {
      await part.close();
      process.exit(0);
    }
  });
  if (role === 'sink') process.send!('ready');
  else serve({ fetch: part.routes!.fetch, hostname: '127.0.0.1', port: PORT }, () => process.send!('ready'));
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-events-'));
  const start = async (role: string) => {
    const c = fork(new URL(import.meta.url).pathname, ['--serve', role, '--mode', MODE], {
      env: { ...process.env, BENCH_DATA: join(dataDir, role) },
    });
    await new Promise<void>((resolve, reject) => {
      c.once('message', () => resolve());
      c.once('exit', (code) => reject(new Error(`${role} child exited with ${code}`)));
    });
    return c;
  };
  // single-node: one process owns the local log and chDB, so ingest and sink share it.
  const ingest = await start(MODE === 'cluster' ? 'ingest' : 'sink');
  const child = MODE === 'cluster' ? await start('sink') : ingest;
  if (MODE !== 'cluster') await new Promise<void>((r) => serveLater(r));
  const stats = () =>
    new Promise<{ inserted: number; paused: boolean; lags: number[] }>((resolve) => {
      child.once('message', (m) => resolve(m as { inserted: number; paused: boolean; lags: number[] }));
      child.send('stats');
    });

  let seq = 0;
  let accepted = 0;
  let refused = 0;
  let sending = true;
  const post = async () => {
    while (sending) {
      const events = [];
      while (events.length < BATCH) events.push(...sampleAuction(seq++, { ts: Date.now() }));
      const res = await fetch(`http://127.0.0.1:${PORT}/v1/events`, {
        method: 'POST',
        headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      });
      await res.arrayBuffer();
      if (res.status === 202) accepted += events.length;
      else refused += events.length;
    }
  };

  const load0 = loadavg()[0]!;
  const started = Date.now();
  const senders = Array.from({ length: CONC }, post);
  const allLags: number[] = [];
  let landed = 0;
  let lastAccepted = 0;
  let lastLanded = 0;
  const series: Array<{ t: number; accepted: number; landed: number }> = [];
  const tick = async () => {
    const s = await stats();
    landed = s.inserted;
    allLags.push(...s.lags);
    const t = Math.round((Date.now() - started) / 1000);
    series.push({ t, accepted, landed });
    console.log(
      `t=${t}s accepted ${fmt(accepted - lastAccepted)}/s landed ${fmt(landed - lastLanded)}/s ` +
        `(total ${fmt(accepted)} / ${fmt(landed)}) lag p99 ${q(s.lags, 0.99)} ms${s.paused ? ' SINK PAUSED' : ''}`,
    );
    lastAccepted = accepted;
    lastLanded = landed;
  };
  while (Date.now() - started < SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    await tick();
  }
  sending = false;
  await Promise.all(senders);
  const sendEnd = Date.now();
  const drainDeadline = Date.now() + 60_000;
  while (landed < accepted && Date.now() < drainDeadline) {
    await new Promise((r) => setTimeout(r, 1000));
    await tick();
  }
  const drained = Date.now();
  // Sustained rate: rows landed from the end of a 5 s warm-up to the end of sending.
  const warm = series.find((s) => s.t >= 5) ?? series[0]!;
  const end = series.filter((s) => s.t <= Math.round((sendEnd - started) / 1000)).at(-1) ?? series.at(-1)!;
  const sustained = (end.landed - warm.landed) / Math.max(1, end.t - warm.t);
  const result = {
    mode: MODE,
    seconds: SECONDS,
    batch: BATCH,
    concurrency: CONC,
    accepted,
    refused,
    landed,
    ingestPerSec: Math.round(accepted / ((sendEnd - started) / 1000)),
    sustainedLandedPerSec: Math.round(sustained),
    drainAfterStopMs: drained - sendEnd,
    lagMs: { p50: q(allLags, 0.5), p95: q(allLags, 0.95), p99: q(allLags, 0.99), max: q(allLags, 1) },
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, loadavg1AtStart: load0 },
    at: new Date(started).toISOString(),
  };
  console.log(JSON.stringify(result, null, 2));
  child.send('stop');
  await new Promise((r) => child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
  if (MODE === 'cluster') {
    const { createServerStore } = await import('@edge-rtb/regional-core/events/ch/store');
    const s = createServerStore(process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123');
    await s.exec(`DROP DATABASE IF EXISTS ${RUN}`).catch(() => {});
    await s.close();
  }
}

function q(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
