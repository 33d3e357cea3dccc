// Events leave the edge in batches after the response (waitUntil), in the shared v1 schema,
// one POST per flush window with the trackers the outbox holds riding along, and survive a core
// outage in the durable outbox.
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import type { RtbEvent } from '@edge-rtb/shared/events';
import { validateEvent } from '@edge-rtb/shared/events/validate';
import { describe, expect, it } from 'vitest';
import { testDsp } from '../../test/fixtures/snapshot.ts';
import { bannerRequest, DSP, edge, tenant, testEnv } from '../../test/helpers.ts';
import { sinkOf } from '../routes/notices.ts';
import { createEventBatcher, eventJson, eventsBody } from './event-batcher.ts';
import { outboxShards, storedGraceMs } from './outbox-client.ts';

type Bid = { burl: string };

const lossEvent = (i: number): RtbEvent => ({
  v: 1,
  id: `hand:loss:${i}`,
  type: 'loss',
  ts: 1,
  auctionId: 'hand',
  impId: '1',
  bidId: `b${i}`,
  bidderKind: 'dsp',
  bidderId: 'd',
  reason: 'lost',
});

describe('event batches', () => {
  it('many auctions, few POSTs, every event valid against the shared schema', async () => {
    const t = await tenant('ev-batch', {
      dsps: [testDsp(DSP, 'ev-a', 'price=2'), testDsp(DSP, 'ev-b', 'mode=nobid')],
    });
    const e = edge();
    const env = { ...t.env, EVENTS_FLUSH_MS: '100' };
    await Promise.all(Array.from({ length: 6 }, () => e.auction(env, bannerRequest())));
    const rec = await t.recorded();
    const auctions = rec.events.filter((x) => x.type === 'auction');
    expect(auctions).toHaveLength(6);
    expect(rec.eventPosts).toBeLessThan(6);
    for (const ev of rec.events) expect(validateEvent(ev), JSON.stringify(ev)).toEqual([]);
    const types = new Set(rec.events.map((x) => x.type));
    expect([...types].sort()).toEqual(['auction', 'bid', 'loss', 'win'].filter((x) => types.has(x)));
    expect(types.has('win')).toBe(true);
    const a = auctions[0] as unknown as {
      sspId: string;
      dsps: Array<{ dspId: string; outcome: string }>;
      impCount: number;
    };
    expect(a.sspId).toBe('ssp-main');
    expect(a.impCount).toBe(1);
    expect(a.dsps.map((d) => `${d.dspId}:${d.outcome}`).sort()).toEqual(['ev-a:bid', 'ev-b:nobid']);
  });

  it('records the reason when nothing sold, and keeps events through a core outage', async () => {
    const t = await tenant('ev-down', { dsps: [testDsp(DSP, 'ev-c', 'price=2')] });
    const e = edge({ snapshotTtlMs: 60_000 });
    await e.auction(t.env, bannerRequest({ device: { ua: 'HeadlessChrome/120' } }));
    const refused = (await t.recorded()).events.find((x) => x.type === 'auction');
    expect(refused).toMatchObject({ noBidReason: 'known_bot:3' });
    await t.update({ down: true });
    await e.auction(t.env, bannerRequest());
    // The failed batch went to the durable outbox (outbox.worker.test.ts), not isolate memory.
    expect(e.state.events.stats().buffered).toBe(0);
    expect(e.state.events.stats().spilled).toBeGreaterThan(0);
    await t.update({ down: false });
    await e.auction(t.env, bannerRequest());
    await t.drained();
    const rec = await t.recorded();
    expect(rec.events.filter((x) => x.type === 'auction')).toHaveLength(3);
    expect(e.state.events.stats()).toMatchObject({ buffered: 0, dropped: 0 });
  });

  it('trackers and auction events leave in one POST; the outbox then forgets the trackers', async () => {
    const t = await tenant('ev-one', { dsps: [testDsp(DSP, 'ev-d', 'price=2')] });
    const e = edge();
    // A window long enough that a tracker and the next auction surely share it, and an outbox
    // that would send the tracker itself only ~6 s later.
    const env = { ...t.env, EVENTS_FLUSH_MS: '300' };
    const res = await e.auction(env, bannerRequest());
    const bid = ((await res.json()) as { seatbid: Array<{ bid: Bid[] }> }).seatbid[0]!.bid[0]!;
    const posts = (await t.recorded()).eventPosts;
    const [bill] = await Promise.all([
      e.call(env, bid.burl.replace('${AUCTION_PRICE}', '1.5')),
      e.auction(env, bannerRequest()),
    ]);
    expect(await bill.json()).toEqual({ status: 'accepted' });
    const rec = await t.recorded();
    expect(rec.eventPosts - posts).toBe(1);
    expect(rec.events.filter((x) => x.type === 'impression')).toHaveLength(1);
    expect(rec.events.filter((x) => x.type === 'auction')).toHaveLength(2);
    // Delivered by the batcher and settled: nothing left for the outbox to send.
    expect(await t.outbox()).toEqual({ batches: 0, events: 0 });
    expect(e.state.events.stats()).toMatchObject({ buffered: 0, held: 0, failedPosts: 0 });
  });

  it('auctions in a steady stream make one POST per window, not one per round trip', async () => {
    const t = await tenant('ev-window', { dsps: [testDsp(DSP, 'ev-e', 'price=2')] });
    const e = edge();
    const env = { ...t.env, EVENTS_FLUSH_MS: '250' };
    await e.auction(env, bannerRequest());
    const posts = (await t.recorded()).eventPosts;
    const started = Date.now();
    // ~1 s of auctions, one after another: the window, not the core's answer, paces the POSTs.
    const runs: Promise<Response>[] = [];
    while (Date.now() - started < 1_000) {
      runs.push(e.auction(env, bannerRequest()));
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(runs);
    const rec = await t.recorded();
    expect(rec.events.filter((x) => x.type === 'auction')).toHaveLength(runs.length + 1);
    // 1 s / 250 ms windows: 4, plus one for the last partial window and one for timer slack.
    expect(rec.eventPosts - posts).toBeLessThanOrEqual(6);
    expect(runs.length).toBeGreaterThan(20);
  });

  it('a run that hands over stores what it holds in the outbox, which delivers it with no later traffic', async () => {
    const t = await tenant('ev-hand', {});
    const b = createEventBatcher({ flushMs: 10, maxBatch: 2, handoffMs: 0 });
    // The outbox waits 200 ms for a next run to take the stored events along; none comes.
    const sink = { ...sinkOf(t.env), graceMs: 200 };
    const ctx = createExecutionContext();
    // One add per auction: an auction's events are one piece, never split between POSTs.
    for (const i of [0, 1, 2, 3, 4]) b.add([lossEvent(i)], sink, (p) => ctx.waitUntil(p));
    await waitOnExecutionContext(ctx);
    // One POST of maxBatch, then the run ended: the other three are durable, not only in memory.
    expect(b.stats()).toMatchObject({ posts: 1, sent: 2, buffered: 0, held: 3 });
    expect(await t.outbox()).toEqual({ batches: 2, events: 3 });
    await t.drained();
    const ids = (await t.recorded()).events.map((x) => x.id).sort();
    expect(ids).toEqual([0, 1, 2, 3, 4].map((i) => `hand:loss:${i}`));
  });

  it('an auction hands in a builder: built after the handler, one bad builder loses only its own events', async () => {
    const t = await tenant('ev-later', {});
    const b = createEventBatcher({ flushMs: 250 });
    const sink = sinkOf(t.env);
    const ctx = createExecutionContext();
    const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p);
    const built: number[] = [];
    for (const i of [0, 1, 2, 3]) {
      b.addLater(
        (n: number, later) => {
          built.push(n);
          expect(typeof later).toBe('function');
          if (n === 2) throw new Error('bad facts');
          return [{ ...lossEvent(n), id: `later:loss:${n}`, auctionId: 'later' }];
        },
        i,
        sink,
        waitUntil,
      );
    }
    // Nothing is built while the handlers that handed them in are still running.
    expect(built).toEqual([]);
    expect(b.stats().buffered).toBe(4);
    // Built on the run's first tick, long before the window closes.
    await new Promise((r) => setTimeout(r, 150));
    expect(built).toEqual([0, 1, 2, 3]);
    expect(b.stats()).toMatchObject({ buffered: 3, posts: 0 });
    await waitOnExecutionContext(ctx);
    const rec = await t.recorded();
    expect(rec.eventPosts).toBe(1);
    expect(rec.events.map((e) => e.id)).toEqual([0, 1, 3].map((i) => `later:loss:${i}`));
    expect(b.stats()).toMatchObject({ posts: 1, sent: 3, buffered: 0, dropped: 0 });
  });

  it('events are JSON once, when handed in: the core gets each of them, once, as it was', async () => {
    const t = await tenant('ev-text', {});
    const b = createEventBatcher({ flushMs: 10 });
    const sink = sinkOf(t.env);
    // Text that JSON must escape, and an optional field left out, so a hand-built body would show.
    const events: RtbEvent[] = [0, 1, 2].map((i) => ({
      ...lossEvent(i),
      id: `text:loss:${i}`,
      auctionId: 'text',
      bidderId: `d "quoted" \\ ü ${'\u2028'}`,
    }));
    const ctx = createExecutionContext();
    b.add(events.slice(0, 2), sink, (p) => ctx.waitUntil(p));
    b.add(events.slice(2), sink, (p) => ctx.waitUntil(p));
    await waitOnExecutionContext(ctx);
    const rec = await t.recorded();
    expect(rec.eventPosts).toBe(1);
    expect(rec.events).toEqual(events);
    expect(b.stats()).toMatchObject({ posts: 1, sent: 3, buffered: 0, held: 0, failedPosts: 0 }); // The body is byte for byte what stringifying the batch at flush gave (the core's format).
    expect(await (await eventsBody([eventJson(events)])).text()).toBe(JSON.stringify({ events }));
    // Also from many auctions of 1 to 7 events (each part carries its separator).
    const many = Array.from({ length: 601 }, (_, i) => lossEvent(i));
    const parts = [];
    for (let i = 0; i < many.length; i += 1 + (i % 7)) parts.push(eventJson(many.slice(i, i + 1 + (i % 7))));
    expect(await (await eventsBody(parts)).text()).toBe(JSON.stringify({ events: many }));
  });

  it('a failed POST stores the ready texts in the outbox, which delivers the same events once', async () => {
    const t = await tenant('ev-text-down', {});
    await t.update({ down: true });
    const b = createEventBatcher({ flushMs: 10 });
    const events: RtbEvent[] = [0, 1, 2, 3].map((i) => ({
      ...lossEvent(i),
      id: `tdown:loss:${i}`,
      auctionId: 'tdown',
      bidderId: `d "${i}" ü`,
    }));
    const ctx = createExecutionContext();
    b.add(events, sinkOf(t.env), (p) => ctx.waitUntil(p));
    await waitOnExecutionContext(ctx);
    expect(b.stats()).toMatchObject({ failedPosts: 1, spilled: 4, buffered: 0, dropped: 0 });
    expect(await t.outbox()).toEqual({ batches: 1, events: 4 });
    await t.update({ down: false });
    await t.drained();
    expect((await t.recorded()).events).toEqual(events);
  });

  it('a failed POST leaves the trackers it carried to the outbox at once, not after the grace', async () => {
    const t = await tenant('ev-fail', { dsps: [testDsp(DSP, 'ev-f', 'price=2')] });
    const e = edge({ snapshotTtlMs: 60_000 });
    const res = await e.auction(t.env, bannerRequest());
    const bid = ((await res.json()) as { seatbid: Array<{ bid: Bid[] }> }).seatbid[0]!.bid[0]!;
    await t.update({ down: true });
    const stored = Date.now();
    await e.call(t.env, bid.burl.replace('${AUCTION_PRICE}', '1.5'));
    expect(e.state.events.stats()).toMatchObject({ failedPosts: 1, held: 0 });
    // The tracker's row was due a grace after it was stored; the failed POST made it due now.
    const due: number[] = [];
    for (const shard of outboxShards(testEnv)) {
      const rows = await runInDurableObject(testEnv.EVENTS_OUTBOX!.getByName(shard), (_o, state) =>
        state.storage.sql
          .exec<{ t: number }>('SELECT send_after AS t FROM batches WHERE core = ?', t.env.CORE_URL)
          .toArray(),
      );
      due.push(...rows.map((r) => r.t));
    }
    expect(due).toHaveLength(1);
    expect(due[0]!).toBeLessThan(stored + storedGraceMs(t.env) / 2);
    await t.update({ down: false });
    await t.drained();
    const imps = (await t.recorded()).events.filter((x) => x.type === 'impression');
    expect(imps).toHaveLength(1);
  });
});
