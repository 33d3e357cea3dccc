import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { runId, serviceEnv } from './env.ts';

// Takes `amount` from a balance only if it covers it, in one step: the shape of the
// budget lease reservation, checked here against the real server.
const RESERVE = `
local left = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1])
if amount > left then return -1 end
return redis.call('DECRBY', KEYS[1], amount)
`;

describe('Redis (ioredis) on the local server', () => {
  const redis = new Redis(serviceEnv('REDIS_URL'), { lazyConnect: true });
  const key = (k: string) => `smoke:${runId}:${k}`;

  afterAll(async () => {
    await redis.del(key('greeting'), key('budget'));
    redis.disconnect();
  });

  it('sets and gets a value with an expiry', async () => {
    await redis.connect();
    expect(await redis.set(key('greeting'), 'hello', 'PX', 60_000)).toBe('OK');
    expect(await redis.get(key('greeting'))).toBe('hello');
    const ttl = await redis.pttl(key('greeting'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('runs a Lua script atomically, refusing what the balance cannot cover', async () => {
    await redis.set(key('budget'), '1000000');
    expect(await redis.eval(RESERVE, 1, key('budget'), '400000')).toBe(600000);
    expect(await redis.eval(RESERVE, 1, key('budget'), '700000')).toBe(-1);
    const sha = (await redis.script('LOAD', RESERVE)) as string;
    expect(await redis.evalsha(sha, 1, key('budget'), '600000')).toBe(0);
    expect(await redis.get(key('budget'))).toBe('0');
  });
});
