import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { describeLedgerConformance, grantInput } from './ledger.conformance.ts';
import { DEFAULT_TIMING } from './ledger.ts';
import { createRedisLedger, redisKeys } from './ledger-redis.ts';
import { deleteKeysWithPrefix } from './testing/redis-cleanup.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:16379';
const run = `t${Date.now().toString(36)}:`;
const clients: Redis[] = [];
let n = 0;

afterAll(async () => {
  await deleteKeysWithPrefix(url, run);
  await Promise.all(clients.map((c) => c.quit()));
});

describeLedgerConformance(
  'redis',
  {
    async fresh() {
      const prefix = `${run}${n++}:`;
      // Each "restart" is a new client on the same Redis and prefix.
      return async () => {
        const redis = new Redis(url, { lazyConnect: false });
        return createRedisLedger({ redis, prefix, ownsClient: true });
      };
    },
  },
  { propertyRuns: 40 },
);

describe('redis key layout', () => {
  it('puts every key of a campaign in one cluster slot via the {c:<id>} hash tag', () => {
    const k = redisKeys('rtb:', 'camp-9');
    for (const key of [k.acct, k.lease('l1'), k.active, k.daily]) expect(key).toMatch(/^rtb:\{c:camp-9\}:/);
    expect(() => redisKeys('rtb:', 'a}b')).toThrow(RangeError);
  });

  it('answers ready() and keeps the books in Redis hashes', async () => {
    const redis = new Redis(url);
    clients.push(redis);
    const ledger = createRedisLedger({ redis, prefix: `${run}x:` });
    expect(await ledger.ready()).toEqual({ ok: true });
    await ledger.fund('c1', 123);
    expect(await redis.hget(`${run}x:{c:c1}:acct`, 'available')).toBe('123');
    expect(await redis.sismember(`${run}x:budget:campaigns`, 'c1')).toBe(1);
  });

  it('keeps an idempotency key as long as its lease record: past the lease lifetime and the sweep grace', async () => {
    const redis = new Redis(url);
    clients.push(redis);
    const p = `${run}idem:`;
    const ledger = createRedisLedger({ redis, prefix: p });
    await ledger.fund('camp-1', 10_000);
    const input = grantInput({ leaseId: 'l1', idempotencyKey: 'key-ttl-0123456789' });
    expect((await ledger.grant(input)).grantedMicros).toBe(1_000);
    const keep = input.expiresAt + DEFAULT_TIMING.retentionMs;
    expect(keep).toBeGreaterThan(input.expiresAt + DEFAULT_TIMING.settleGraceMs);
    const registry = `${p}budget:idem:key-ttl-0123456789`;
    expect(JSON.parse((await redis.get(registry))!)).toEqual(['camp-1', 'pop-a', 'l1']);
    expect(await redis.pexpiretime(registry)).toBe(keep);
    const leaseKey = redisKeys(p, 'camp-1').lease('l1');
    expect(await redis.hget(leaseKey, 'key')).toBe('key-ttl-0123456789');
    expect(await redis.pexpiretime(leaseKey)).toBe(keep);
  });
});
