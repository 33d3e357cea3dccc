// Nothing the edge accepted is lost while the core is away: a batch the core refuses (503) or
// cannot take (connection cut, or no answer in time) goes to the durable outbox (EventOutbox
// Durable Object), tracker events are written there before the tracker answers, and the outbox's
// alarm re-sends them once the core is back, with or without new traffic, until exactly the
// accepted set has arrived.
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { testDsp } from '../../test/fixtures/snapshot.ts';
import { bannerRequest, DSP, edge, type Tenant, tenant, testEnv } from '../../test/helpers.ts';
import type { EventOutbox, OutboxEnv } from './outbox.ts';
import { outboxShards } from './outbox-client.ts';

type Bid = { burl: string };

/** Ids of the events the outbox holds for `coreUrl`, read from its SQLite tables. */
async function heldIds(coreUrl: string): Promise<string[]> {
  const ids: string[] = [];
  for (const shard of outboxShards(testEnv)) {
    const stub = testEnv.EVENTS_OUTBOX!.getByName(shard);
    const rows = await runInDurableObject(stub, (_o, state) =>
      state.storage.sql
        .exec<{ events: string }>('SELECT events FROM batches WHERE core = ? ORDER BY seq', coreUrl)
        .toArray(),
    );
    for (const r of rows) ids.push(...(JSON.parse(r.events) as Array<{ id: string }>).map((e) => e.id));
  }
  return ids;
}

/** Auctions, each won, and its billing notice (an impression tracker) hit, all while `t` is out. */
async function sellDuringOutage(t: Tenant, e: ReturnType<typeof edge>, n: number) {
  for (let i = 0; i < n; i++) {
    const res = await e.auction(t.env, bannerRequest());
    expect(res.status).toBe(200);
    const bid = ((await res.json()) as { seatbid: Array<{ bid: Bid[] }> }).seatbid[0]!.bid[0]!;
    const bill = await e.call(t.env, bid.burl.replace('${AUCTION_PRICE}', '1.5'));
    expect(await bill.json()).toEqual({ status: 'accepted' });
  }
}

async function newIds(t: Tenant, before: Set<string>): Promise<string[]> {
  return (await t.recorded()).events.map((x) => x.id).filter((id) => !before.has(id));
}

describe('durable event outbox', () => {
  it('core answers 503: events go to the outbox; when it is back the alarm delivers exactly them', async () => {
    const t = await tenant('ob-503', { dsps: [testDsp(DSP, 'ob-a', 'price=2')] });
    const e = edge({ snapshotTtlMs: 60_000 });
    await e.auction(t.env, bannerRequest()); // the snapshot is cached while the core is up
    const before = new Set((await t.recorded()).events.map((x) => x.id));

    await t.update({ down: true });
    await sellDuringOutage(t, e, 4);
    // Nothing waits in isolate memory: the failed batches were handed to the outbox.
    expect(e.state.events.stats()).toMatchObject({ buffered: 0, dropped: 0 });
    expect(e.state.events.stats().spilled).toBeGreaterThan(0);
    const held = await heldIds(t.env.CORE_URL);
    const types = (await t.outbox()).events;
    expect(types).toBe(held.length);
    expect(held.filter((id) => id.includes(':auction'))).toHaveLength(4);
    expect(held.filter((id) => id.includes(':impression'))).toHaveLength(4);
    await new Promise((r) => setTimeout(r, 300)); // a few retries fail meanwhile
    expect(await newIds(t, before)).toEqual([]);

    await t.update({ down: false });
    await e.auction(t.env, bannerRequest()); // traffic goes on; its events go straight to the core
    await t.drained();
    const arrived = await newIds(t, before);
    expect(new Set(arrived).size).toBe(arrived.length); // each once
    for (const id of held) expect(arrived).toContain(id);
    expect(arrived.filter((id) => !held.includes(id)).every((id) => !id.includes(':impression'))).toBe(true);
    expect(await t.outbox()).toEqual({ batches: 0, events: 0 });
  });

  it('core unreachable, then back with no new traffic: the alarm alone delivers every accepted event', async () => {
    const t = await tenant('ob-cut', { dsps: [testDsp(DSP, 'ob-b', 'price=2')] });
    const e = edge({ snapshotTtlMs: 60_000 });
    await e.auction(t.env, bannerRequest());
    const before = new Set((await t.recorded()).events.map((x) => x.id));

    await t.update({ unreachable: true });
    await sellDuringOutage(t, e, 3);
    expect(e.state.events.stats()).toMatchObject({ buffered: 0, dropped: 0 });
    const held = await heldIds(t.env.CORE_URL);
    expect(held.filter((id) => id.includes(':auction'))).toHaveLength(3);
    expect(held.filter((id) => id.includes(':impression'))).toHaveLength(3);

    await t.update({ unreachable: false });
    await t.drained(); // no request reaches the edge from here on
    // One isolate writes to one shard, which re-sends in the order it stored.
    expect(await newIds(t, before)).toEqual(held);
    expect(await t.outbox()).toEqual({ batches: 0, events: 0 });
  });

  it('core hangs: timed-out POSTs go to the outbox, and are delivered once it answers again', async () => {
    const t = await tenant('ob-hang', { dsps: [testDsp(DSP, 'ob-d', 'price=2')] });
    const e = edge({ snapshotTtlMs: 60_000 });
    await e.auction(t.env, bannerRequest());
    const before = new Set((await t.recorded()).events.map((x) => x.id));
    await t.update({ hang: true });
    // Only this test's requests give up after 300 ms; the outbox's own re-sends hang until the
    // stub cuts them, then retry.
    await sellDuringOutage({ ...t, env: { ...t.env, EVENTS_POST_TIMEOUT_MS: '300' } }, e, 2);
    expect(e.state.events.stats()).toMatchObject({ buffered: 0, dropped: 0 });
    const held = await heldIds(t.env.CORE_URL);
    expect(held.filter((id) => id.includes(':auction'))).toHaveLength(2);
    await t.update({ hang: false });
    await t.drained();
    const arrived = await newIds(t, before);
    expect([...new Set(arrived)].sort()).toEqual([...held].sort());
    expect(await t.outbox()).toEqual({ batches: 0, events: 0 });
  });

  it('a tracker is stored durably before it answers, then delivered by the outbox', async () => {
    const t = await tenant('ob-track', { dsps: [testDsp(DSP, 'ob-c', 'price=2')] });
    const e = edge();
    const res = await e.auction(t.env, bannerRequest());
    const bid = ((await res.json()) as { seatbid: Array<{ bid: Bid[] }> }).seatbid[0]!.bid[0]!;
    await t.update({ down: true }); // hold it in the outbox so the test can see it there
    await e.call(t.env, bid.burl.replace('${AUCTION_PRICE}', '1.5'));
    expect((await heldIds(t.env.CORE_URL)).filter((id) => id.includes(':impression'))).toHaveLength(1);
    expect(e.state.events.stats().buffered).toBe(0);
    await t.update({ down: false });
    await t.drained();
    expect((await t.recorded()).events.filter((x) => x.type === 'impression')).toHaveLength(1);
  });

  it('takes events already JSON as they are, and refuses a text that is not an array of objects', async () => {
    const stub = testEnv.EVENTS_OUTBOX!.getByName('text-test');
    const ev = { v: 1, id: 'txt:impression:1', type: 'impression', ts: 1 };
    const out = await runInDurableObject(stub, async (o: EventOutbox, state) => {
      const json = `[${JSON.stringify(ev)}]`;
      const good = await o.enqueue('http://127.0.0.1:9/txt', { json, n: 1 }, 600_000);
      const bad = await o.enqueue(
        'http://127.0.0.1:9/txt',
        { json: `${json.slice(0, -1)},{"v":1`, n: 2 },
        600_000,
      );
      const stored = state.storage.sql
        .exec<{ events: string; n: number }>('SELECT events, n FROM batches')
        .toArray();
      const stats = await o.stats();
      await state.storage.deleteAlarm();
      await state.storage.deleteAll();
      return { good, bad, stored, stats };
    });
    expect(out.good.ok).toBe(true);
    expect(out.bad).toMatchObject({ ok: false, reason: 'invalid' });
    // Stored byte for byte as an array of what was handed in; the refused batch left no trace.
    expect(out.stored).toEqual([{ events: `[${JSON.stringify(ev)}]`, n: 1 }]);
    expect(out.stats.events).toBe(1);
  });

  it('bounded: loud near its cap, refuses past it (the caller keeps the batch), drops nothing it took', async () => {
    const stub = testEnv.EVENTS_OUTBOX!.getByName('cap-test');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const ev = (i: number) =>
      ({
        v: 1,
        id: `cap:impression:${i}`,
        type: 'impression',
        ts: 1,
        auctionId: 'cap',
        impId: String(i),
        bidId: 'b',
        bidderKind: 'dsp',
        bidderId: 'd',
        amountMicros: 2_000,
      }) as const;
    const results = await runInDurableObject(stub, async (o: EventOutbox, state) => {
      (o as unknown as { env: OutboxEnv }).env = { ...testEnv, EVENTS_OUTBOX_MAX_BYTES: '1000' };
      const out = [];
      // An address nothing answers, tried only in 10 minutes: this test looks at storage alone.
      for (let i = 0; i < 10; i++) out.push(await o.enqueue('http://127.0.0.1:9/cap', [ev(i)], 600_000));
      const stats = await o.stats();
      await state.storage.deleteAlarm();
      await state.storage.deleteAll();
      return { out, stats };
    });
    const taken = results.out.filter((r) => r.ok).length;
    expect(taken).toBeGreaterThan(0);
    expect(taken).toBeLessThan(10);
    expect(results.out.slice(taken).every((r) => !r.ok && r.reason === 'full')).toBe(true);
    expect(results.stats.events).toBe(taken);
    const logged = errors.mock.calls.map((c) => String(c[0]));
    errors.mockRestore();
    expect(logged.some((l) => l.includes('near its cap') && l.includes('edge_events_outbox_bytes'))).toBe(
      true,
    );
    expect(logged.some((l) => l.includes('batch refused'))).toBe(true);
  });
});
