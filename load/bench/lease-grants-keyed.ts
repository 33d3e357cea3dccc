// Benchmark: what an idempotency key costs a lease grant on real Redis (issue #4). A keyed grant
// first binds the key with SET NX (its own slot), then runs the grant script, so it is two Redis
// commands instead of one. Phases alternate unkeyed / keyed, 64 in flight over one
// auto-pipelined connection, direct ledger calls and the in-process lease service.
//   node load/bench/lease-grants-keyed.ts      (REDIS_URL, default redis://127.0.0.1:16379)
import { createHmac } from 'node:crypto';
import { loadavg } from 'node:os';
import type { CampaignBudget } from '@edge-rtb/regional-core/budget/campaign-budget';
import { createLeaseService } from '@edge-rtb/regional-core/budget/lease-service';
import { createRedisLedger } from '@edge-rtb/regional-core/budget/ledger-redis';
import { loadConfig } from '@edge-rtb/regional-core/config';
import { createLeaseTokenCodec } from '@edge-rtb/shared/lease-token';
import { Redis } from 'ioredis';
import { processCpuMs as cpuMs } from '../src/proc-cpu.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:16379';
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 4_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CAMPAIGNS = 100;
const IN_FLIGHT = 64;
const now = Date.now();
const prefix = `benchk:${now.toString(36)}:`;
const budgets: CampaignBudget[] = Array.from({ length: CAMPAIGNS }, (_, i) => ({
  campaignId: `bench-${i}`,
  status: 'active',
  totalBudgetMicros: 1e15,
  dailyBudgetMicros: null,
  startAt: now - 86_400_000,
  endAt: now + 30 * 86_400_000,
  timeZone: 'UTC',
  pacing: 'asap',
}));

const redis = new Redis(REDIS_URL, { enableAutoPipelining: true });
const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
const ledger = createRedisLedger({ redis, prefix });
for (const b of budgets) await ledger.fund(b.campaignId, b.totalBudgetMicros);
const config = loadConfig({ REDIS_URL });
const service = createLeaseService({
  ledger,
  codec: createLeaseTokenCodec(config.leaseKeys, (key, data) =>
    createHmac('sha256', key).update(data).digest(),
  ),
});
for (const b of budgets) await service.upsertBudget(b);

let seq = 0;
const key = (n: number) => `bench-key-${now.toString(36)}-${n}`;
const direct = (keyed: boolean) => () => {
  const t = Date.now();
  const n = seq++;
  return ledger.grant({
    campaignId: `bench-${n % CAMPAIGNS}`,
    leaseId: `b${n}`,
    holder: 'bench',
    requestedMicros: 1_000,
    now: t,
    expiresAt: t + 60_000,
    day: '2026-11-25',
    dailyCapMicros: null,
    committedCapMicros: null,
    ...(keyed ? { idempotencyKey: key(n) } : {}),
  });
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
for (let cursor = '0'; ; ) {
  const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
  if (keys.length) await redis.del(...keys);
  cursor = next;
  if (cursor === '0') break;
}
await redis.quit();
