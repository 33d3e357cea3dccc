// Benchmark: what an idempotency key costs a lease grant on real Redis (issue #4). A keyed grant
// first binds the key with SET NX (its own slot), then runs the grant script, so it is two Redis
// commands instead of one. Phases alternate unkeyed / keyed, 64 in flight over one
// auto-pipelined connection, direct ledger calls and the in-process lease service.
//   node load/bench/lease-grants-keyed.ts      (REDIS_URL, default redis://127.0.0.1:16379)
import { loadavg } from 'node:os';
import { createLeaseService } from '@edge-rtb/regional-core/budget/lease-service';
import { nodeLeaseTokenCodec } from '@edge-rtb/regional-core/budget/lease-token-codec';
import { createRedisLedger } from '@edge-rtb/regional-core/budget/ledger-redis';
import { deleteKeysWithPrefix } from '@edge-rtb/regional-core/budget/testing/redis-cleanup';
import { loadConfig } from '@edge-rtb/regional-core/config';
import { Redis } from 'ioredis';
import { processCpuMs as cpuMs } from '../src/proc-cpu.ts';
import { benchBudgets, benchGrant, BENCH_CAMPAIGNS as CAMPAIGNS } from './lease-bench-fixtures.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:16379';
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 4_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const IN_FLIGHT = 64;
const now = Date.now();
const prefix = `benchk:${now.toString(36)}:`;
const budgets = benchBudgets(now);

const redis = new Redis(REDIS_URL, { enableAutoPipelining: true });
const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
const ledger = createRedisLedger({ redis, prefix });
for (const b of budgets) await ledger.fund(b.campaignId, b.totalBudgetMicros);
const config = loadConfig({ REDIS_URL });
const service = createLeaseService({
  ledger,
  codec: nodeLeaseTokenCodec(config.leaseKeys),
});
for (const b of budgets) await service.upsertBudget(b);

let seq = 0;
const key = (n: number) => `bench-key-${now.toString(36)}-${n}`;
const direct = (keyed: boolean) => () => {
  const n = seq++;
  return ledger.grant(benchGrant(n, keyed ? key(n) : undefined));
};
const viaService = (keyed: boolean) => async () => {
  const n = seq++;
  const r = await service.requestLease({
    campaignId: `bench-${n % CAMPAIGNS}`,
    holder: 'bench',
    requestedMicros: 1_000,
    ...(keyed ? { idempotencyKey: key(n) } : {}),
  });
  if (!r.lease) throw new Error(`denied: ${r.reason}`);
};

async function phase(name: string, op: () => Promise<unknown>) {
  const until = Date.now() + PHASE_MS;
  const c0 = [cpuMs(process.pid), cpuMs(redisPid)];
  const t0 = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (Date.now() < until) {
        await op();
        done++;
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  const [node, rds] = [cpuMs(process.pid) - c0[0]!, cpuMs(redisPid) - c0[1]!];
  console.log(
    `${name.padEnd(28)} ${Math.round(done / s)
      .toString()
      .padStart(
        6,
      )} grants/s   node ${((node * 1000) / done).toFixed(1)} us/grant   redis ${((rds * 1000) / done).toFixed(1)} us/grant`,
  );
}

console.log(
  `lease-grants-keyed: load avg before ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}, ${new Date().toISOString()}`,
);
for (let r = 0; r < ROUNDS; r++) {
  await phase('ledger direct, no key', direct(false));
  await phase('ledger direct, keyed', direct(true));
  await phase('lease service, no key', viaService(false));
  await phase('lease service, keyed', viaService(true));
}
await deleteKeysWithPrefix(REDIS_URL, prefix);
await redis.quit();
