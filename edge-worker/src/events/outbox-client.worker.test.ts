// Outbox shards carry the name of the colo the isolate runs in (request.cf.colo), so each PoP's
// Durable Objects are created, and stay, near it; without a colo (locally) the POP setting names them.
// Its own file: the colo is per-isolate module state, and other files expect the POP's names.
import { describe, expect, it } from 'vitest';
import { testEnv } from '../../test/helpers.ts';
import { noteColo, outboxShards, settleStored, storeInOutbox } from './outbox-client.ts';

const ev = {
  v: 1,
  id: 'colo:impression:1',
  type: 'impression',
  ts: 1,
  auctionId: 'colo',
  impId: '1',
  bidId: 'b',
  bidderKind: 'dsp',
  bidderId: 'd',
  amountMicros: 2_000,
} as const;

describe('outbox shard names', () => {
  it('follow the colo of the first request, and the POP before any', async () => {
    const env = { ...testEnv, CORE_URL: 'http://127.0.0.1:9/colo' };
    expect(outboxShards(env)[0]).toBe(`${testEnv.POP}:0`);
    noteColo({ cf: { colo: 'AMS' } });
    noteColo({ cf: { colo: 'LHR' } }); // an isolate does not move
    expect(outboxShards(env)).toHaveLength(8);
    expect(outboxShards(env).every((s) => /^AMS:\d$/.test(s))).toBe(true);
    const receipt = await storeInOutbox(env, [ev], 600_000);
    expect(receipt?.shard).toMatch(/^AMS:\d$/);
    const stub = env.EVENTS_OUTBOX!.getByName(receipt!.shard);
    expect(await stub.stats(env.CORE_URL)).toMatchObject({ batches: 1, events: 1 });
    await settleStored(env, [receipt!], true);
    expect(await stub.stats(env.CORE_URL)).toMatchObject({ batches: 0, events: 0, settled: 1 });
  });
});
