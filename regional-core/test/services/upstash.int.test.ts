import { Redis as Upstash } from '@upstash/redis';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { runId, serviceEnv } from './env.ts';

// @upstash/redis (what the edge uses) through the local REST front, which must speak
// Upstash's protocol closely enough that the real client works unchanged, base64
// response encoding included (the client asks for it by default).
describe('@upstash/redis through the local REST front', () => {
  const upstash = new Upstash({
    url: serviceEnv('UPSTASH_REDIS_REST_URL'),
    token: serviceEnv('UPSTASH_REDIS_REST_TOKEN'),
    enableTelemetry: false,
    retry: false,
  });
  const direct = new Redis(serviceEnv('REDIS_URL'), { lazyConnect: true });
  const key = (k: string) => `smoke:upstash:${runId}:${k}`;

  afterAll(async () => {
    await direct.del(key('json'), key('text'), key('counter'), key('budget'), key('tx'));
    direct.disconnect();
  });

  it('sets and gets JSON and non-ASCII text, stored in the real Redis', async () => {
    await direct.connect();
    expect(await upstash.set(key('json'), { campaign: 'c-1', micros: 1_500_000 })).toBe('OK');
    expect(await upstash.get(key('json'))).toEqual({ campaign: 'c-1', micros: 1_500_000 });
    expect(JSON.parse((await direct.get(key('json')))!)).toEqual({ campaign: 'c-1', micros: 1_500_000 });

    await upstash.set(key('text'), 'prix: 3,50 € ✓');
    expect(await upstash.get(key('text'))).toBe('prix: 3,50 € ✓');
  });

  it('runs a pipeline and a transaction', async () => {
    const results = await upstash
      .pipeline()
      .set(key('counter'), 1)
      .incrby(key('counter'), 41)
      .get(key('counter'))
      .exec();
    expect(results).toEqual(['OK', 42, 42]);

    const tx = await upstash.multi().incr(key('tx')).incr(key('tx')).exec();
    expect(tx).toEqual([1, 2]);
  });

  it('passes EVAL and EVALSHA through, and reports Redis errors', async () => {
    const script = `
      local left = tonumber(redis.call('GET', KEYS[1]) or '0')
      if tonumber(ARGV[1]) > left then return -1 end
      return redis.call('DECRBY', KEYS[1], ARGV[1])`;
    await upstash.set(key('budget'), 1000);
    expect(await upstash.eval(script, [key('budget')], ['250'])).toBe(750);
    const sha = await upstash.scriptLoad(script);
    expect(await upstash.evalsha(sha, [key('budget')], ['1000'])).toBe(-1);
    await expect(upstash.incr(key('json'))).rejects.toThrow(/not an integer/);
  });
});
