// Events leave the edge in batches after the response (waitUntil), in the shared v1 schema,
// and survive a core outage in the durable outbox.
import { validateEvent } from '@edge-rtb/shared/events/validate';
import { describe, expect, it } from 'vitest';
import { testDsp } from '../../test/fixtures/snapshot.ts';
import { bannerRequest, DSP, edge, tenant } from '../../test/helpers.ts';

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
});
