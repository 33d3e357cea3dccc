import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstashFront, type UpstashFront } from './upstash-rest-front.ts';

// The wire protocol itself, below what @upstash/redis exercises: the paths, status
// codes and encodings a hand-written client or curl would hit.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:16379';
const TOKEN = 'front-test-token';

describe('Upstash REST front protocol', () => {
  let front: UpstashFront;
  let base: string;
  const direct = new Redis(REDIS_URL, { lazyConnect: true });
  const key = (k: string) => `front-test:${process.pid}:${k}`;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${base}${path}`, { ...init, headers: { ...auth, ...init.headers } });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  beforeAll(async () => {
    front = await startUpstashFront({ redisUrl: REDIS_URL, token: TOKEN, port: 0 });
    base = `http://127.0.0.1:${front.port}`;
    await direct.connect();
  });

  afterAll(async () => {
    await direct.del(key('a'), key('b'), key('c'), key('bin'), key('h'), key('z'), key('list'));
    direct.disconnect();
    await front.close();
  });

  it('requires the token, as a bearer header or a _token parameter', async () => {
    expect((await fetch(`${base}/ping`)).status).toBe(401);
    expect(await call('/ping', { headers: { authorization: 'Bearer wrong' } })).toEqual({
      status: 401,
      body: { error: 'Unauthorized' },
    });
    const res = await fetch(`${base}/ping?_token=${TOKEN}`);
    expect(await res.json()).toEqual({ result: 'PONG' });
  });

  it('takes commands as a JSON array or as a path, with a POST body and query parameters last', async () => {
    expect(await call('/', { method: 'POST', body: JSON.stringify(['SET', key('a'), 'x y/z']) })).toEqual({
      status: 200,
      body: { result: 'OK' },
    });
    expect(await call(`/get/${encodeURIComponent(key('a'))}`)).toEqual({
      status: 200,
      body: { result: 'x y/z' },
    });

    await call(`/set/${key('b')}?EX=100`, { method: 'POST', body: '{"raw":"json"}' });
    expect(await direct.get(key('b'))).toBe('{"raw":"json"}');
    const ttl = await direct.ttl(key('b'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(100);

    // numbers in the array are sent as their decimal text
    await call('/', { method: 'POST', body: JSON.stringify(['SET', key('c'), 41]) });
    expect(await call(`/incr/${key('c')}`)).toEqual({ status: 200, body: { result: 42 } });
  });

  it('base64-encodes every string but OK when asked, so binary values survive', async () => {
    const bytes = Buffer.from([0, 255, 128, 10, 13]);
    await direct.set(key('bin'), bytes);
    await direct.hset(key('h'), 'f', 'v');
    const b64 = { 'upstash-encoding': 'base64' };
    expect(await call(`/get/${key('bin')}`, { headers: b64 })).toEqual({
      status: 200,
      body: { result: bytes.toString('base64') },
    });
    expect(await call(`/hgetall/${key('h')}`, { headers: b64 })).toEqual({
      status: 200,
      body: { result: ['Zg==', 'dg=='] },
    });
    expect(await call(`/set/${key('a')}/v`, { headers: b64 })).toEqual({
      status: 200,
      body: { result: 'OK' },
    });
    // flat RESP2 arrays, as Upstash returns them, not a client library's reshaping
    await direct.zadd(key('z'), 1.5, 'm');
    expect(await call(`/zrange/${key('z')}/0/-1/WITHSCORES`)).toEqual({
      status: 200,
      body: { result: ['m', '1.5'] },
    });
  });

  it('answers a pipeline command by command and a transaction atomically', async () => {
    const pipeline = await call('/pipeline', {
      method: 'POST',
      body: JSON.stringify([
        ['SET', key('c'), '1'],
        ['HSET', key('c'), 'f', 'v'],
        ['INCR', key('c')],
      ]),
    });
    expect(pipeline).toEqual({
      status: 200,
      body: [
        { result: 'OK' },
        { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' },
        { result: 2 },
      ],
    });

    const tx = await call('/multi-exec', {
      method: 'POST',
      body: JSON.stringify([
        ['INCR', key('c')],
        ['INCR', key('c')],
      ]),
    });
    expect(tx).toEqual({ status: 200, body: [{ result: 3 }, { result: 4 }] });

    // a command Redis rejects while queueing aborts the whole transaction
    const aborted = await call('/multi-exec', {
      method: 'POST',
      body: JSON.stringify([['INCR', key('c')], ['SET']]),
    });
    expect(aborted.status).toBe(400);
    expect(aborted.body).toEqual({ error: expect.stringMatching(/^EXECABORT/) });
    expect(await direct.get(key('c'))).toBe('4');
  });

  it('passes EVAL and EVALSHA through, NOSCRIPT included', async () => {
    const script = 'return {KEYS[1], ARGV[1], 7}';
    expect(
      await call('/', { method: 'POST', body: JSON.stringify(['EVAL', script, 1, key('a'), 'arg']) }),
    ).toEqual({ status: 200, body: { result: [key('a'), 'arg', 7] } });
    const missing = await call('/', { method: 'POST', body: JSON.stringify(['EVALSHA', '0'.repeat(40), 0]) });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: expect.stringMatching(/^NOSCRIPT/) });
  });

  it('refuses what it cannot serve with the right status', async () => {
    expect((await call('/get/x', { method: 'DELETE' })).status).toBe(405);
    expect((await call('/', { method: 'POST', body: 'not json' })).status).toBe(400);
    expect((await call('/', { method: 'POST', body: '[]' })).status).toBe(400);
    expect((await call('/select/1')).status).toBe(400);
    expect((await call('/subscribe/channel')).status).toBe(400);
  });

  it('runs a blocking command on its own connection without stalling others', async () => {
    const blocked = call(`/blpop/${key('list')}/5`);
    expect(await call('/ping')).toEqual({ status: 200, body: { result: 'PONG' } });
    await direct.rpush(key('list'), 'job');
    expect(await blocked).toEqual({ status: 200, body: { result: [key('list'), 'job'] } });
  });
});
