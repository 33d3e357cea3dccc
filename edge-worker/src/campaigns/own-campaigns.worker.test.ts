// Own campaigns in workerd against the stub core's real lease endpoints: no lease -> sit out
// and fetch one in the background; hold on bid, spend on win, release on loss; prefetch the
// next lease before the current runs dry; settle a lease once it ended and holds are gone.
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_IDS } from '../../test/fixtures/constants.ts';
import { ownCampaign, testDsp } from '../../test/fixtures/snapshot.ts';
import { bannerRequest, DSP, edge, tenant } from '../../test/helpers.ts';

type Resp = { seatbid?: Array<{ seat: string; bid: Array<{ price: number; adm?: string }> }> };
const winnerSeat = async (res: Response) => ((await res.json()) as Resp).seatbid?.[0]?.seat;

describe('own campaigns spend only leased money', () => {
  it('sits out without a lease, then bids, wins, prefetches, rotates and settles', async () => {
    const t = await tenant(
      'own-flow',
      { dsps: [testDsp(DSP, 'own-rival', 'price=1')], campaigns: [ownCampaign()] },
      { leaseGrantMicros: 5_000 },
    );
    const e = edge();
    const wallet = () => e.state.wallet(t.env).inspect(CAMPAIGN_IDS.funded);

    // 1: no lease yet -> the DSP wins; a lease request went out after the response.
    expect(await winnerSeat(await e.auction(t.env, bannerRequest()))).toBe('own-rival');
    let rec = await t.recorded();
    expect(rec.leaseRequests).toHaveLength(1);
    expect(rec.leaseRequests[0]!.holder).toMatch(/^local:/);
    const satOut = rec.events.find((x) => x.type === 'bid' && x.bidderId === CAMPAIGN_IDS.funded);
    expect(satOut).toMatchObject({ status: 'rejected', reason: 'lease_empty' });

    // 2: lease held -> the campaign bids 2.00 and wins at first price; 2.00 CPM = 2_000 micros spent.
    const res = await e.auction(t.env, bannerRequest());
    const body = (await res.json()) as Resp;
    expect(body.seatbid![0]!.seat).toBe('adv-1');
    expect(body.seatbid![0]!.bid[0]!.price).toBe(1.8); // 2.00 less the 10% take
    expect(body.seatbid![0]!.bid[0]!.adm).toMatch(/own-brand\.example.*\/notice\/imp\?t=n1\./s);
    expect(wallet()).toMatchObject({ held: 0, spent: 2_000, available: 3_000 });

    // 3: second win leaves 1_000 < 30% of 5_000 -> the next lease is prefetched.
    expect(await winnerSeat(await e.auction(t.env, bannerRequest()))).toBe('adv-1');
    expect(wallet().nextLeaseId).toBeDefined();
    rec = await t.recorded();
    expect(rec.leaseRequests).toHaveLength(2);
    expect(rec.settles).toHaveLength(0);

    // 4: 2_000 does not fit the 1_000 left -> switch to the next lease, settle the old one.
    const firstLease = wallet().leaseId;
    expect(await winnerSeat(await e.auction(t.env, bannerRequest()))).toBe('adv-1');
    rec = await t.recorded();
    expect(rec.settles).toEqual([expect.objectContaining({ leaseId: firstLease, spentMicros: 4_000 })]);
    expect(wallet().leaseId).not.toBe(firstLease);
    const wins = rec.events.filter((x) => x.type === 'win' && x.bidderId === CAMPAIGN_IDS.funded);
    expect(wins).toHaveLength(3);
    expect(wins.every((w) => typeof w.leaseId === 'string')).toBe(true);
  });

  it('releases the hold when the campaign loses', async () => {
    const t = await tenant('own-loss', {
      dsps: [testDsp(DSP, 'own-rich', 'price=3')],
      campaigns: [ownCampaign()],
    });
    const e = edge();
    await e.auction(t.env, bannerRequest());
    expect(await winnerSeat(await e.auction(t.env, bannerRequest()))).toBe('own-rich');
    expect(e.state.wallet(t.env).inspect(CAMPAIGN_IDS.funded)).toMatchObject({
      held: 0,
      spent: 0,
      available: 20_000,
    });
    const { events } = await t.recorded();
    expect(events.some((x) => x.type === 'loss' && x.bidderId === CAMPAIGN_IDS.funded)).toBe(true);
  });

  it('a campaign the core denies keeps sitting out, without asking again before retryAfter', async () => {
    const t = await tenant('own-denied', {
      dsps: [testDsp(DSP, 'own-other', 'price=1')],
      campaigns: [ownCampaign({ id: CAMPAIGN_IDS.denied })],
    });
    const e = edge();
    for (let i = 0; i < 3; i++)
      expect(await winnerSeat(await e.auction(t.env, bannerRequest()))).toBe('own-other');
    const rec = await t.recorded();
    expect(rec.leaseRequests).toHaveLength(1);
    const reasons = rec.events
      .filter((x) => x.type === 'bid' && x.bidderId === CAMPAIGN_IDS.denied)
      .map((x) => x.reason);
    expect(reasons).toEqual(['lease_empty', 'lease_denied', 'lease_denied']);
  });

  it('never spends from a lease at its expiry: it is settled as ended and a new one fetched', async () => {
    // Lease TTL inside the wallet's clock-skew margin: usable for no time at all.
    const t = await tenant('own-expiry', { dsps: [], campaigns: [ownCampaign()] }, { leaseTtlMs: 500 });
    const e = edge();
    await e.auction(t.env, bannerRequest());
    expect((await e.auction(t.env, bannerRequest())).status).toBe(204);
    const rec = await t.recorded();
    expect(rec.settles).toEqual([expect.objectContaining({ spentMicros: 0 })]);
    expect(rec.leaseRequests.length).toBe(2);
  });
});
