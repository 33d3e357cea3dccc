// Benchmark: events/s through the whole pipeline, POST /v1/events -> Kafka -> sink ->
// ClickHouse, and the end-to-end lag (event time -> ClickHouse acknowledged the insert).
//   node load/bench/event-pipeline.ts [--mode cluster|single-node] [--seconds 20]
//   (KAFKA_BROKERS / CLICKHOUSE_URL as in scripts/services.env; the services must be running)
// Cluster mode runs, as a deployment would, an ingest process (HTTP, no sink) and a sink
// process; single-node mode one process with the local log and chDB. This process sends
// batches of BENCH_BATCH events (whole auctions, ~8 events each) over BENCH_CONC keep-alive
// requests for a bounded time, printing a progress line per second, then waits (at most 60 s)
// for the sink to drain. BENCH_SINK_BATCH / BENCH_SINK_DELAY_MS set the sink's batch (20,000
// events or 500 ms by default here). Figures go into the "Event pipeline" section of
// docs/benchmarks.md.
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@edge-rtb/regional-core/config';
import { createEventsPart } from '@edge-rtb/regional-core/events/part';
import { sampleAuction } from '@edge-rtb/shared/events/sample';
import { createLogger } from '@edge-rtb/shared/log';
import { serve } from '@hono/node-server';
import { Registry } from 'prom-client';
import { processCpuMs } from '../src/proc-cpu.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const MODE = arg('mode', 'cluster') as 'cluster' | 'single-node';
const SECONDS = Number(arg('seconds', '20'));
const BATCH = Number(process.env.BENCH_BATCH ?? 4000);
const CONC = Number(process.env.BENCH_CONC ?? 4);
const PORT = 18_098;
const RUN = arg('run', `bench${Date.now()}`);
type Role = 'ingest' | 'sink' | 'all';
type Stats = { inserted: number; paused: boolean; lags: number[] };

if (process.argv.includes('--serve')) await serveCore(arg('serve', 'all') as Role);
else await main();

async function serveCore(role: Role) {
  const config = loadConfig({
    KAFKA_BROKERS: '127.0.0.1:19092',
    CLICKHOUSE_URL: 'http://127.0.0.1:18123',
    ...process.env,
    EDGE_RTB_MODE: MODE,
    EDGE_RTB_DATA: process.env.BENCH_DATA!,
    CLICKHOUSE_DATABASE: RUN,
    KAFKA_TOPIC_PREFIX: `${RUN}.`,
    ADMIN_TOKEN: 'bench',
    EDGE_TOKEN: 'bench',
    LEASE_KEYS: 'k:bench',
    NODE_ENV: 'production',
  });
  let lags: number[] = [];
  const part = await createEventsPart(
    { config, log: createLogger({ svc: `bench-${role}` }, 'warn'), metrics: new Registry() },
    {
      sink: role !== 'ingest',
      sinkBatchSize: Number(process.env.BENCH_SINK_BATCH ?? 20_000),
      sinkMaxDelayMs: Number(process.env.BENCH_SINK_DELAY_MS ?? 500),
      kafkaPartitions: 3,
      onSinkFlush: (f) => {
        for (const v of f.lagsMs) if (lags.length < 500_000) lags.push(v);
      },
    },
  );
  process.on('disconnect', () => process.exit(1)); // the bench died: do not linger on the port
  process.on('message', async (m: string) => {
    if (m === 'stats') {
      const s = part.sink()?.status();
      process.send!({ inserted: s?.inserted ?? 0, paused: s?.paused ?? false, lags } satisfies Stats);
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

/**
 * One batch as JSON with markers, so each request costs two replaceAll calls instead of
 * building and serialising thousands of objects (the generator shares the 2 cores).
 */
function batchTemplate(): string {
  const events = [];
  for (let n = 0; events.length < BATCH; n++)
    for (const e of sampleAuction(n, { ts: 9_999_999_999_999 })) {
      e.ts = 9_999_999_999_999;
      e.id = `@@${e.id}`;
      e.auctionId = `@@${e.auctionId}`;
      events.push(e);
    }
  return JSON.stringify({ events });
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-events-'));
  const start = async (role: Role): Promise<ChildProcess> => {
    const c = fork(new URL(import.meta.url).pathname, ['--serve', role, '--mode', MODE, '--run', RUN], {
      env: { ...process.env, BENCH_DATA: join(dataDir, role) },
    });
    await new Promise<void>((resolve, reject) => {
      c.once('message', () => resolve());
      c.once('exit', (code) => reject(new Error(`${role} child exited with ${code}`)));
    });
    c.removeAllListeners('exit');
    return c;
  };
  // Single-node: one process owns the local log and chDB, so it ingests and sinks.
  const children = MODE === 'cluster' ? [await start('ingest'), await start('sink')] : [await start('all')];
  const sinkChild = children.at(-1)!;
  const stats = () =>
    new Promise<Stats>((resolve) => {
      sinkChild.once('message', (m) => resolve(m as Stats));
      sinkChild.send('stats');
    });

  const template = batchTemplate();
  const perBatch = (JSON.parse(template) as { events: unknown[] }).events.length;
  let batchNo = 0;
  let accepted = 0;
  let refused = 0;
  let sending = true;
  const post = async () => {
    while (sending) {
      const body = template
        .replaceAll('@@', `b${batchNo++}-`)
        .replaceAll('9999999999999', String(Date.now()));
      const res = await fetch(`http://127.0.0.1:${PORT}/v1/events`, {
        method: 'POST',
        headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      if (res.status === 202) accepted += perBatch;
      else refused += perBatch;
    }
  };

  const load0 = loadavg()[0]!;
  const stages: Record<string, number | undefined> = {
    generator: process.pid,
    ...(MODE === 'cluster'
      ? { ingest: children[0]!.pid, sink: children[1]!.pid }
      : { 'ingest+sink': children[0]!.pid }),
    ...(MODE === 'cluster'
      ? { kafka: findPid('java', 'kafka.Kafka'), clickhouse: findPid('clickhouse-server', 'config') }
      : {}),
  };
  const cpu0 = Object.fromEntries(Object.entries(stages).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const machine0 = machineBusySeconds();
  const started = Date.now();
  const senders = Array.from({ length: CONC }, post);
  const allLags: number[] = [];
  let landed = 0;
  let last = { accepted: 0, landed: 0, at: started };
  const series: Array<{ at: number; landed: number }> = [];
  const tick = async () => {
    const s = await stats();
    landed = s.inserted;
    for (const l of s.lags) allLags.push(l);
    const now = Date.now();
    series.push({ at: now, landed });
    const secs = (now - last.at) / 1000;
    console.log(
      `t=${Math.round((now - started) / 1000)}s accepted ${fmt((accepted - last.accepted) / secs)}/s ` +
        `landed ${fmt((landed - last.landed) / secs)}/s (total ${fmt(accepted)} / ${fmt(landed)}) ` +
        `lag p99 ${q(s.lags, 0.99)} ms${s.paused ? ' SINK PAUSED' : ''}`,
    );
    last = { accepted, landed, at: now };
  };
  while (Date.now() - started < SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    await tick();
  }
  sending = false;
  await Promise.all(senders);
  const sendEnd = Date.now();
  while (landed < accepted && Date.now() < sendEnd + 60_000) {
    await new Promise((r) => setTimeout(r, 1000));
    await tick();
  }
  const drained = Date.now();
  // CPU until everything sent has landed, so the sink's and ClickHouse's share of it is counted.
  const cpu = Object.fromEntries(
    Object.entries(stages).map(([k, pid]) => [k, +(cpuSeconds(pid) - cpu0[k]!).toFixed(2)]),
  );
  const ours = Object.values(cpu).reduce((a, b) => a + b, 0);
  const machineBusy = machineBusySeconds() - machine0;
  // Sustained: rows landed from the end of a 5 s warm-up to the end of sending.
  const warm = series.find((s) => s.at - started >= 5000) ?? series[0]!;
  const end = series.filter((s) => s.at <= sendEnd + 500).at(-1) ?? series.at(-1)!;
  const result = {
    command: `node load/bench/event-pipeline.ts --mode ${MODE} --seconds ${SECONDS}`,
    mode: MODE,
    batch: perBatch,
    concurrency: CONC,
    accepted,
    refused,
    landed,
    ingestPerSec: Math.round(accepted / ((sendEnd - started) / 1000)),
    sustainedLandedPerSec: Math.round(((end.landed - warm.landed) * 1000) / Math.max(1, end.at - warm.at)),
    endToEndPerSec: Math.round((landed * 1000) / (drained - started)),
    drainAfterStopMs: drained - sendEnd,
    lagMs: { p50: q(allLags, 0.5), p95: q(allLags, 0.95), p99: q(allLags, 0.99), max: q(allLags, 1) },
    // CPU seconds from the start to the end of the drain, per stage, and per event landed.
    cpuSeconds: cpu,
    cpuMicrosPerEvent: Object.fromEntries(
      Object.entries(cpu).map(([k, v]) => [k, +((v * 1e6) / Math.max(1, landed)).toFixed(1)]),
    ),
    cpuMicrosPerEventTotal: +((ours * 1e6) / Math.max(1, landed)).toFixed(1),
    // The rest of the machine's busy time in the same window: other work sharing the 2 cores.
    otherCpuSeconds: +(machineBusy - ours).toFixed(1),
    wallSeconds: +((drained - started) / 1000).toFixed(1),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, loadavg1AtStart: load0 },
    at: new Date(started).toISOString(),
  };
  console.log(JSON.stringify(result, null, 2));
  for (const c of children) {
    const exited = new Promise((r) => c.once('exit', r));
    c.send('stop');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
  if (MODE === 'cluster') {
    const { createServerStore } = await import('@edge-rtb/regional-core/events/ch/store');
    const s = createServerStore(process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123');
    // What ClickHouse itself holds, not the sink's counter: each accepted event exactly once.
    const [c] = await s.query<{ n: string; ids: string; badTs: string }>(
      `SELECT count() AS n, uniqExact(id) AS ids, countIf(toUInt64(ts) != intDiv(ts_ms, 1000)) AS badTs FROM ${RUN}.events`,
    );
    console.log(
      `clickhouse: ${c?.n} rows, ${c?.ids} distinct ids, ${c?.badTs} with ts != ts_ms, accepted ${accepted}: ${
        Number(c?.n) === accepted && Number(c?.ids) === accepted && Number(c?.badTs) === 0
          ? 'exact'
          : 'MISMATCH'
      }`,
    );
    await s.exec(`DROP DATABASE IF EXISTS ${RUN}`).catch(() => {});
    await s.close();
    const { Kafka, logLevel } = await import('kafkajs');
    const { ALL_TOPICS } = await import('@edge-rtb/regional-core/events/log');
    const admin = new Kafka({
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: ALL_TOPICS.map((t) => `${RUN}.${t}`) }).catch(() => {});
    await admin.disconnect();
  }
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux). The 2 cores are
 * shared with other work, so events/s alone says little: CPU per event of each stage does.
 */
function cpuSeconds(pid: number | undefined): number {
  const ms = pid ? processCpuMs(pid) : 0;
  return Number.isNaN(ms) ? 0 : ms / 1000;
}

/** The pid of program `exe` whose command line contains `needle` (the broker, the ClickHouse server). */
function findPid(exe: string, needle: string): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv[0]!.endsWith(exe) && argv.some((a) => a.includes(needle))) return Number(d);
    } catch {}
  }
  return undefined;
}

/** Busy CPU seconds of the whole machine (all processes, ours and others'). */
function machineBusySeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return (f.reduce((a, b) => a + b, 0) - idle) / 100;
}

function q(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
