// Benchmark: budget-lease grants per second from one core process on real Redis.
//   node load/bench/lease-grants.ts            (REDIS_URL, default redis://127.0.0.1:16379)
// Phases (bounded, ~5 s each, progress every second):
//   1. ledger.grant() direct, 1 in flight        -> latency of one atomic Lua grant
//   2. ledger.grant() direct, 64 in flight       -> throughput over one auto-pipelined connection
//   3. lease service in-process, 64 in flight    -> + pacing + HMAC token signing
//   4. HTTP baseline: the same server echoing the JSON body (no lease work)
//   5. HTTP POST /v1/leases, 32 keep-alive conns -> the whole core path, core in a child process
// CPU per 1,000 grants is read from /proc for the core process and redis-server.
// Figures go into the "Budget leases" section of docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { createBudgetPart } from '@edge-rtb/regional-core/budget/budget-part';
import { createLeaseService } from '@edge-rtb/regional-core/budget/lease-service';
import { nodeLeaseTokenCodec } from '@edge-rtb/regional-core/budget/lease-token-codec';
import { createRedisLedger } from '@edge-rtb/regional-core/budget/ledger-redis';
import { deleteKeysWithPrefix } from '@edge-rtb/regional-core/budget/testing/redis-cleanup';
import { loadConfig } from '@edge-rtb/regional-core/config';
import { createLogger } from '@edge-rtb/shared/log';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { processCpuMs as cpuMs } from '../src/proc-cpu.ts';
import { benchBudgets, benchGrant, BENCH_CAMPAIGNS as CAMPAIGNS } from './lease-bench-fixtures.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:16379';
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 5_000);
const PORT = 18_099;
const now = Date.now();
const budgets = benchBudgets(now);
const source = { listBudgets: async () => budgets, onBudgetChange: () => () => undefined };
const config = loadConfig({ REDIS_URL });
let load0 = 0;

if (process.argv.includes('--serve')) await serveCore(process.argv.at(-1)!);
else await main();

/** Child process: the budget part on Redis behind @hono/node-server. */
async function serveCore(prefix: string) {
  const redis = new Redis(REDIS_URL, { enableAutoPipelining: true });
  const ledger = createRedisLedger({ redis, prefix, ownsClient: true });
  const log = createLogger({}, 'warn');
  const part = await createBudgetPart(
    { config, log, metrics: new Registry() },
    { source, backend: 'redis', ledger },
  );
  const app = new Hono().route('/', part.routes!);
  // Baseline: the same HTTP stack parsing the same body, without auth, pacing, ledger or token.
  app.post('/bench/noop', async (c) => c.json({ lease: null, echo: await c.req.json() }));
  serve({ fetch: app.fetch, hostname: '127.0.0.1', port: PORT }, () => process.send?.('ready'));
}

async function main() {
  const prefix = `bench:${now.toString(36)}:`;
  load0 = loadavg()[0]!;
  const redis = new Redis(REDIS_URL, { enableAutoPipelining: true });
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  const ledger = createRedisLedger({ redis, prefix });
  for (const b of budgets) await ledger.fund(b.campaignId, b.totalBudgetMicros);
  console.log(
    `lease-grants bench: ${CAMPAIGNS} campaigns, ${PHASE_MS / 1000}s per phase, redis ${REDIS_URL}`,
  );
  const results: Result[] = [];
  let seq = 0;
  const grantDirect = () => ledger.grant(benchGrant(seq++));
  results.push(await phase('ledger.grant direct, 1 in flight', 1, grantDirect, [process.pid, redisPid]));
  results.push(await phase('ledger.grant direct, 64 in flight', 64, grantDirect, [process.pid, redisPid]));

  const service = createLeaseService({
    ledger,
    codec: nodeLeaseTokenCodec(config.leaseKeys),
  });
  for (const b of budgets) await service.upsertBudget(b);
  const viaService = async () => {
    const r = await service.requestLease({
      campaignId: `bench-${seq++ % CAMPAIGNS}`,
      holder: 'bench',
      requestedMicros: 1_000,
    });
    if (!r.lease) throw new Error(`denied: ${r.reason}`);
  };
  results.push(
    await phase('lease service in-process, 64 in flight', 64, viaService, [process.pid, redisPid]),
  );

  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--serve', prefix], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((ok, fail) => {
    child.once('message', () => ok());
    child.once('exit', (code) => fail(new Error(`core exited ${code}`)));
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const viaHttp = (path = '/v1/leases') =>
    new Promise<void>((ok, fail) => {
      const body = JSON.stringify({
        campaignId: `bench-${seq++ % CAMPAIGNS}`,
        holder: 'bench',
        requestedMicros: 1_000,
      });
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port: PORT,
          path,
          method: 'POST',
          headers: { authorization: `Bearer ${config.edgeToken}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? ok() : fail(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  const pids: [number, number] = [child.pid!, redisPid];
  results.push(
    await phase(
      'HTTP baseline: Hono JSON echo, 32 connections',
      32,
      () => viaHttp('/bench/noop'),
      pids,
      'core',
    ),
  );
  results.push(await phase('HTTP POST /v1/leases, 32 connections', 32, () => viaHttp(), pids, 'core'));
  child.kill('SIGTERM');
  agent.destroy();

  await deleteKeysWithPrefix(REDIS_URL, prefix);
  await redis.quit();
  writeSection(results);
}

interface Result {
  name: string;
  grants: number;
  perSec: number;
  p50ms: number;
  p99ms: number;
  coreCpuPer1k: number;
  redisCpuPer1k: number;
}

async function phase(
  name: string,
  inFlight: number,
  op: () => Promise<unknown>,
  [corePid, redisPid]: [number, number],
  coreName = 'bench',
): Promise<Result> {
  // Warm up (script cache, JIT, connections) before measuring.
  const warmEnd = Date.now() + 500;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (Date.now() < warmEnd) await op();
    }),
  );
  const lat: number[] = [];
  const cpu0 = [cpuMs(corePid), cpuMs(redisPid)];
  const t0 = performance.now();
  const end = t0 + PHASE_MS;
  let done = 0;
  const tick = setInterval(() => {
    const s = (performance.now() - t0) / 1000;
    console.log(`  ${name}: ${s.toFixed(0)}s ${done} grants (${Math.round(done / s)}/s)`);
  }, 1_000);
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        await op();
        lat.push(performance.now() - s);
        done++;
      }
    }),
  );
  clearInterval(tick);
  const secs = (performance.now() - t0) / 1000;
  const cpu1 = [cpuMs(corePid), cpuMs(redisPid)];
  lat.sort((a, b) => a - b);
  const r: Result = {
    name,
    grants: done,
    perSec: Math.round(done / secs),
    p50ms: lat[Math.floor(lat.length * 0.5)]!,
    p99ms: lat[Math.floor(lat.length * 0.99)]!,
    coreCpuPer1k: ((cpu1[0]! - cpu0[0]!) / done) * 1000,
    redisCpuPer1k: ((cpu1[1]! - cpu0[1]!) / done) * 1000,
  };
  console.log(
    `= ${name}: ${r.perSec}/s, p50 ${r.p50ms.toFixed(2)} ms, p99 ${r.p99ms.toFixed(2)} ms, ` +
      `CPU per 1k grants: ${coreName} ${r.coreCpuPer1k.toFixed(0)} ms, redis ${r.redisCpuPer1k.toFixed(0)} ms`,
  );
  return r;
}

function writeSection(results: Result[]) {
  const path = new URL('../../docs/benchmarks.md', import.meta.url);
  const model = cpus()[0]?.model ?? 'unknown';
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.perSec.toLocaleString('en-US')} | ${r.p50ms.toFixed(2)} | ${r.p99ms.toFixed(2)} | ` +
      `${r.coreCpuPer1k.toFixed(0)} | ${r.redisCpuPer1k.toFixed(0)} |`,
  );
  const section = [
    '## Budget leases',
    '',
    `Command: \`node load/bench/lease-grants.ts\` (REDIS_URL=${REDIS_URL}), ${PHASE_MS / 1000} s per phase,`,
    `${CAMPAIGNS} campaigns, ASAP pacing, budgets that never run out. Machine: ${cpus().length} cores (\`nproc\`),`,
    `${model} (\`lscpu | grep 'Model name'\`); load generator, core and Redis share these cores.`,
    `Run ${new Date().toISOString().slice(0, 16)}Z; 1-minute load average at start ${load0.toFixed(1)}`,
    '(other work on the machine at the time; rerun on an idle machine for clean figures).',
    '',
    '| path | grants/s | p50 ms | p99 ms | core CPU ms / 1k grants | redis CPU ms / 1k grants |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'Direct rows call the Redis ledger (one Lua script per grant) from the bench process; the service row',
    'adds pacing and HMAC token signing; the HTTP row is the lease API in a separate core process (its',
    'CPU is the "core" column) driven over keep-alive connections; the baseline row is the same server',
    'echoing the body, so the lease work itself is the difference between the two HTTP rows.',
    'See docs/budget-leases.md.',
    '',
  ].join('\n');
  // Re-read right before writing: other sections belong to other benchmarks.
  let doc = '# Benchmarks\n';
  try {
    doc = readFileSync(path, 'utf8');
  } catch {}
  const start = doc.indexOf('## Budget leases');
  if (start < 0) doc = `${doc.trimEnd()}\n\n${section}`;
  else {
    // Only the block this bench writes (up to its last line): what others added to the section
    // after it (lease-grants-keyed.ts's table, A/B notes) stays.
    const last = 'See docs/budget-leases.md.\n';
    const next = doc.indexOf('\n## ', start + 1);
    const end = doc.indexOf(last, start);
    const stop = end >= 0 && (next < 0 || end < next) ? end + last.length : next < 0 ? doc.length : next + 1;
    doc = doc.slice(0, start) + section + doc.slice(stop);
  }
  writeFileSync(path, doc);
  console.log(`wrote "Budget leases" in ${path.pathname}`);
}
