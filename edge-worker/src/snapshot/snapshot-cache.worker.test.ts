// The per-PoP snapshot cache in workerd against the stub core: one blocking load per isolate,
// then memory; stale-while-revalidate with ETag/304; the Cache API feeds a fresh isolate
// without the core; a core outage never blocks or breaks auctions once a snapshot is held.
import { describe, expect, it } from 'vitest';
import { buildSnapshot, testDsp } from '../../test/fixtures/snapshot.ts';
import { bannerRequest, DSP, edge, tenant } from '../../test/helpers.ts';

const seat = async (res: Response) =>
  ((await res.json()) as { seatbid?: Array<{ seat: string }> }).seatbid?.[0]?.seat;

describe('snapshot cache', () => {
  it('loads once, then serves memory within the TTL', async () => {
    const t = await tenant('snap-ttl', { dsps: [testDsp(DSP, 'sn-a', 'price=1')] });
    const e = edge({ snapshotTtlMs: 60_000 });
    for (let i = 0; i < 3; i++) expect((await e.auction(t.env, bannerRequest())).status).toBe(200);
    expect((await t.recorded()).snapshotFetches).toBe(1);
  });

  it('past the TTL serves the stale snapshot and refreshes in the background (304, then a new version)', async () => {
    const t = await tenant('snap-swr', { dsps: [testDsp(DSP, 'sn-old', 'price=1')] });
    const e = edge({ snapshotTtlMs: 0, snapshotRetryMs: 0 });
    expect(await seat(await e.auction(t.env, bannerRequest()))).toBe('sn-old');
    expect(await seat(await e.auction(t.env, bannerRequest()))).toBe('sn-old'); // refresh answered 304
    expect((await t.recorded()).snapshotFetches).toBe(2);
    await t.update({
      snapshot: await buildSnapshot(DSP, { version: 'v2', dsps: [testDsp(DSP, 'sn-new', 'price=1')] }),
    });
    expect(await seat(await e.auction(t.env, bannerRequest()))).toBe('sn-old'); // stale while revalidating
    expect(await seat(await e.auction(t.env, bannerRequest()))).toBe('sn-new');
    expect(e.state.snapshots.peek()?.version).toBe('v2');
  });

  it('a fresh isolate starts from the PoP cache (Cache API) without asking the core', async () => {
    const t = await tenant('snap-pop', { dsps: [testDsp(DSP, 'sn-pop', 'price=1')] });
    await edge().auction(t.env, bannerRequest());
    expect((await t.recorded()).snapshotFetches).toBe(1);
    const fresh = edge({ snapshotTtlMs: 60_000 });
    expect(await seat(await fresh.auction(t.env, bannerRequest()))).toBe('sn-pop');
    expect((await t.recorded()).snapshotFetches).toBe(1);
  });

  it('keeps auctioning on a held snapshot while the core is down; with none at all it says 503', async () => {
    const t = await tenant('snap-down', { dsps: [testDsp(DSP, 'sn-down', 'price=1')] });
    const e = edge({ snapshotTtlMs: 0, snapshotRetryMs: 0 });
    expect((await e.auction(t.env, bannerRequest())).status).toBe(200);
    await t.update({ down: true });
    for (let i = 0; i < 2; i++) expect((await e.auction(t.env, bannerRequest())).status).toBe(200);

    const none = await tenant('snap-none', {}, { down: true });
    const res = await edge().auction(none.env, bannerRequest());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
  });
});
