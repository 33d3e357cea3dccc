// The exchange's notice URLs end to end in workerd: a winner's signed nurl/burl/lurl verify,
// count once (NoticeLedger Durable Object), become events (trackers through the EventOutbox) and
// are forwarded to the DSP's own URLs with ${AUCTION_PRICE} filled in; tampered, forged, expired
// and replayed ones are not.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { NOTICE_KEYS } from '../../test/fixtures/constants.ts';
import { ownCampaign, testDsp } from '../../test/fixtures/snapshot.ts';
import { bannerRequest, DSP, dspRecord, edge, tenant, testEnv } from '../../test/helpers.ts';
import { noticeLedgerName } from '../notices/ledger-name.ts';
import { createNoticeSigner } from '../notices/notice-token.ts';

type Bid = { nurl: string; burl: string; lurl: string; adm: string; price: number };

async function win(dspId: string, name: string, extra: Record<string, string> = {}) {
  const t = await tenant(name, { dsps: [testDsp(DSP, dspId, 'price=2')] });
  const e = edge();
  const env = { ...t.env, ...extra };
  const res = await e.auction(env, bannerRequest({ at: 1 }));
  const bid = ((await res.json()) as { seatbid: Array<{ bid: Bid[] }> }).seatbid[0]!.bid[0]!;
  const hit = (url: string) =>
    e.call(env, url.replace('${AUCTION_PRICE}', '1.5').replace('${AUCTION_LOSS}', '102'));
  return { t, e, env, bid, hit };
}

describe('notices', () => {
  it('a win notice verifies, forwards to the DSP nurl with the clearing price, and counts once', async () => {
    const { bid, hit } = await win('nt-win', 'notice-win');
    expect(bid.adm).toContain('data-price="2"'); // first price: the DSP pays its bid
    const first = await hit(bid.nurl);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: 'accepted' });
    const again = await hit(bid.nurl);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    const forwarded = (await dspRecord('nt-win')).notices.filter((n) => n.includes('kind=win'));
    expect(forwarded).toEqual([expect.stringContaining('price=2&imp=1')]);
  });

  it('billing becomes one impression event; loss forwards the loss code', async () => {
    const { t, bid, hit } = await win('nt-bill', 'notice-bill');
    await hit(bid.burl);
    await hit(bid.burl);
    await hit(bid.lurl);
    await t.drained(); // tracker events reach the core through the durable outbox
    const { events } = await t.recorded();
    const imps = events.filter((x) => x.type === 'impression');
    expect(imps).toHaveLength(1);
    expect(imps[0]).toMatchObject({ bidderId: 'nt-bill', amountMicros: 2_000 });
    expect(events.some((x) => x.type === 'loss' && x.reason === 'ssp_loss_102')).toBe(true);
    const notices = (await dspRecord('nt-bill')).notices;
    expect(notices.filter((n) => n.includes('kind=bill'))).toHaveLength(1);
    expect(notices.some((n) => n.includes('kind=loss') && n.includes('loss=102'))).toBe(true);
  });

  it('refuses tampered (403), forged (403), expired (410), malformed (400) and wrong-kind (400) tokens', async () => {
    const { bid, hit, e, env } = await win('nt-bad', 'notice-bad');
    const token = new URL(bid.nurl).searchParams.get('t')!;
    const [v, kid, payload, mac] = token.split('.') as [string, string, string, string];
    const flipped = payload.slice(0, 10) + (payload[10] === 'A' ? 'B' : 'A') + payload.slice(11);
    expect((await e.call(env, `/notice/win?t=${[v, kid, flipped, mac].join('.')}`)).status).toBe(403);
    const forged = await createNoticeSigner('k2:not-the-exchange-key-0000').sign({
      auctionId: 'a',
      impId: '1',
      bidId: 'b',
      bidderKind: 'dsp',
      bidderId: 'nt-bad',
      priceCpmMicros: 1,
      currency: 'USD',
      expiresAt: Date.now() + 60_000,
    });
    expect((await e.call(env, `/notice/win?t=${forged}`)).status).toBe(403);
    expect((await e.call(env, '/notice/win?t=garbage')).status).toBe(400);
    expect((await e.call(env, '/notice/win')).status).toBe(400);
    expect((await e.call(env, `/notice/conv?t=${token}`)).status).toBe(400); // no click came first
    expect((await e.call(env, `/notice/click?t=${token}`)).status).toBe(400); // no link to land on
    expect((await e.call(env, `/notice/nope?t=${token}`)).status).toBe(404);
    expect((await hit(bid.nurl)).status).toBe(200);

    const expired = await win('nt-exp', 'notice-exp', { NOTICE_TTL_S: '-1' });
    expect((await expired.hit(expired.bid.nurl)).status).toBe(410);
    expect((await dspRecord('nt-exp')).notices).toHaveLength(0);
  });

  it('keys rotate: a token signed with the previous key verifies while that key is listed', async () => {
    const { bid, env, e } = await win('nt-rot', 'notice-rot');
    const [newKey, oldKey] = NOTICE_KEYS.split(',') as [string, string];
    const oldToken = await createNoticeSigner(oldKey).sign({
      auctionId: 'rot-1',
      impId: '1',
      bidId: 'b',
      bidderKind: 'dsp',
      bidderId: 'nt-rot',
      priceCpmMicros: 1_000_000,
      currency: 'USD',
      expiresAt: Date.now() + 60_000,
    });
    expect((await e.call(env, `/notice/win?t=${oldToken}`)).status).toBe(200);
    expect((await e.call({ ...env, NOTICE_KEYS: newKey }, `/notice/win?t=${oldToken}`)).status).toBe(403);
    expect(new URL(bid.nurl).searchParams.get('t')!.startsWith('n1.k2.')).toBe(true);
  });

  it('own-campaign impression pixel answers a GIF and records the impression once', async () => {
    const t = await tenant('notice-own', { dsps: [], campaigns: [ownCampaign()] });
    const e = edge();
    await e.auction(t.env, bannerRequest());
    const res = await e.auction(t.env, bannerRequest());
    const adm = ((await res.json()) as { seatbid: Array<{ bid: Bid[] }> }).seatbid[0]!.bid[0]!.adm;
    const pixel = /src="([^"]+\/notice\/imp[^"]+)"/.exec(adm)![1]!;
    const r = await e.call(t.env, pixel);
    expect(r.headers.get('content-type')).toBe('image/gif');
    await e.call(t.env, pixel);
    await t.drained(); // tracker events reach the core through the durable outbox
    const { events } = await t.recorded();
    const imps = events.filter((x) => x.type === 'impression');
    expect(imps).toHaveLength(1);
    expect(imps[0]).toMatchObject({ bidderKind: 'campaign', amountMicros: 2_000 });
    expect(typeof imps[0]!.leaseId).toBe('string');

    // The creative's link is wrapped: the click is counted, then lands with a conversion pixel.
    const click = /href="([^"]+\/notice\/click[^"]+)"/.exec(adm)![1]!;
    const r2 = await e.call(t.env, click);
    expect(r2.status).toBe(302);
    const landing = new URL(r2.headers.get('location')!);
    expect(landing.origin).toBe('https://own-brand.example');
    const conv = landing.searchParams.get('edge_conv')!;
    expect(conv).toMatch(/\/notice\/conv\?t=n1\./);
    expect((await e.call(t.env, `${conv}&v=5000`)).headers.get('content-type')).toBe('image/gif');
    await e.call(t.env, `${conv}&v=5000`);
    await t.drained();
    const after = (await t.recorded()).events;
    expect(after.filter((x) => x.type === 'click')).toHaveLength(1);
    expect(after.filter((x) => x.type === 'conversion')).toEqual([
      expect.objectContaining({ amountMicros: 5000 }),
    ]);
  });

  it('replays count once through a ledger shard (named in the token) and through the per-auction ledger of older tokens', async () => {
    const { bid, hit, env, e } = await win('nt-shard', 'notice-shard');
    const token = new URL(bid.nurl).searchParams.get('t')!;
    const claims = await createNoticeSigner(NOTICE_KEYS).verify(token, Date.now());
    expect(claims.ok && claims.value.ledger).toBe(noticeLedgerName(claims.ok ? claims.value.auctionId : ''));
    expect(await (await hit(bid.burl)).json()).toEqual({ status: 'accepted' });
    expect(await (await hit(bid.burl)).json()).toEqual({ status: 'duplicate' });
    expect(await (await hit(bid.nurl)).json()).toEqual({ status: 'accepted' }); // another kind, counted apart

    // A token signed before the ledger was sharded carries no `ledger`: still deduped, per auction.
    const legacy = await createNoticeSigner(NOTICE_KEYS).sign({
      auctionId: 'legacy-1',
      impId: '1',
      bidId: 'b',
      bidderKind: 'dsp',
      bidderId: 'nt-shard',
      priceCpmMicros: 1_000_000,
      currency: 'USD',
      expiresAt: Date.now() + 60_000,
    });
    expect(await (await e.call(env, `/notice/win?t=${legacy}`)).json()).toEqual({ status: 'accepted' });
    expect(await (await e.call(env, `/notice/win?t=${legacy}`)).json()).toEqual({ status: 'duplicate' });
    const perAuction = await runInDurableObject(testEnv.NOTICE_LEDGER.getByName('legacy-1'), (_o, st) =>
      st.storage.kv.get('win:legacy-1:1:b'),
    );
    expect(typeof perAuction).toBe('number');
  });

  it("a ledger shard's alarm wipes expired keys only and keeps the live ones deduped", async () => {
    // A name no auction maps to, so no other test's keys or alarm are in this object.
    const stub = testEnv.NOTICE_LEDGER.getByName('notice-ledger:wipe-test');
    const now = Date.now();
    expect(await stub.claim('win:old', now - 3_600_000)).toBe(true);
    expect(await stub.claim('win:live', now + 3_600_000)).toBe(true);
    expect(await stub.claim('win:live', now + 3_600_000)).toBe(false);
    // The first key sets the wipe (a minute after its expiry: already due, so workerd holds it at now).
    expect(await runInDurableObject(stub, (_o, st) => st.storage.getAlarm())).toBeLessThanOrEqual(Date.now());
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const keys = await runInDurableObject(stub, (_o, st) =>
      st.storage.sql.exec<{ key: string }>('SELECT key FROM seen ORDER BY key').toArray(),
    );
    expect(keys.map((k) => k.key)).toEqual(['win:live']);
    expect(await stub.claim('win:live', now + 3_600_000)).toBe(false);
    // The next wipe is set for the earliest expiry left (or a minute on, if that is sooner).
    const next = await runInDurableObject(stub, (_o, st) => st.storage.getAlarm());
    expect(next).toBe(now + 3_600_000 + 60_000);
  });

  it('an inconsistent self-hosted instance ring refuses notices (503, what to fix) and counts nothing', async () => {
    const { bid, e, env } = await win('nt-ring', 'notice-ring');
    const path = new URL(bid.nurl);
    const broken = { ...env, EDGE_INSTANCE: '0', EDGE_PEER_KEY: 'k'.repeat(32) }; // EDGE_PEERS missing
    const refused = await e.call(broken, `${path.pathname}${path.search}`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      error: 'misconfigured',
      message: expect.stringContaining('EDGE_PEERS'),
    });
    // A one-instance ring (this instance owns every ledger object) counts it as usual, once.
    const one = {
      ...env,
      EDGE_INSTANCE: '0',
      EDGE_PEERS: 'http://127.0.0.1:1',
      EDGE_PEER_KEY: 'k'.repeat(32),
    };
    expect(await (await e.call(one, `${path.pathname}${path.search}`)).json()).toEqual({
      status: 'accepted',
    });
    expect(await (await e.call(env, `${path.pathname}${path.search}`)).json()).toEqual({
      status: 'duplicate',
    });
  });
});
