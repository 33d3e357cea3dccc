// The auction as the SSP sees it, in workerd with real DSPs: a valid BidResponse, first and
// second price with the exchange's take, multi-imp, floors and the no-bid answers.
import { describe, expect, it } from 'vitest';
import { testDsp } from '../../test/fixtures/snapshot.ts';
import { bannerRequest, DSP, dspRecord, edge, tenant } from '../../test/helpers.ts';

type Resp = {
  id: string;
  bidid: string;
  cur: string;
  nbr?: number;
  seatbid: Array<{
    seat: string;
    bid: Array<{ id: string; impid: string; price: number; adm: string; nurl: string; crid: string }>;
  }>;
};

describe('POST /openrtb2/auction', async () => {
  const t = await tenant('auction', {
    dsps: [testDsp(DSP, 'au-low', 'price=2.5'), testDsp(DSP, 'au-high', 'price=3&delay=20')],
  });
  const e = edge();
  // This edge's first auction also loads the snapshot from the core and opens the DSP
  // connections, all within its tmax (the clock starts at arrival): on a busy CI box that once
  // left the DSPs no time and the answer was an honest 204. The tests below are about pricing and
  // notices, so they run on a warm edge; cold loads have their own tests (snapshot-cache).
  await e.auction(t.env, bannerRequest());

  it('first price: the highest bid wins at its price; the SSP sees it less the take rate', async () => {
    const req = bannerRequest({ at: 1 });
    const res = await e.auction(t.env, req);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as Resp;
    expect(body.id).toBe(req.id);
    expect(body.cur).toBe('USD');
    expect(body.bidid).toMatch(/^[0-9a-f-]{36}$/);
    const bid = body.seatbid[0]!.bid[0]!;
    expect(body.seatbid[0]!.seat).toBe('au-high');
    expect(bid).toMatchObject({ impid: '1', price: 2.7, crid: 'au-high-cr0' });
    expect(bid.adm).toContain('data-price="3"');
    expect(bid.nurl).toMatch(/^http:\/\/edge\.test\/notice\/win\?t=n1\.k2\./);
  });

  it('second price: the winner pays the runner-up plus the increment', async () => {
    const body = (await (await e.auction(t.env, bannerRequest({ at: 2 }))).json()) as Resp;
    const bid = body.seatbid[0]!.bid[0]!;
    expect(bid.adm).toContain('data-price="2.51"'); // 2.50 + 0.01 increment, what au-high pays
    expect(bid.price).toBe(2.259); // 2.51 less 10%
  });

  it('hands the losing DSP its loss notice (loss 102) on the loss event for the core to call; LOSS_NOTICES=edge calls it from the edge, off from nobody', async () => {
    const losses = async () =>
      (await dspRecord('au-low')).notices.filter((n) => n.includes('kind=loss') && n.includes('loss=102'));
    const lossEvents = async () => (await t.recorded()).events.filter((ev) => ev.type === 'loss');
    const before = (await losses()).length;
    const eventsBefore = (await lossEvents()).length;
    await e.auction(t.env, bannerRequest({ at: 1 }));
    // Default: the edge makes no lurl call; the loss event carries the expanded URL.
    expect((await losses()).length).toBe(before);
    const fresh = (await lossEvents()).slice(eventsBefore);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toMatchObject({ bidderId: 'au-low', bidId: 'au-low-b0' });
    expect(fresh[0]!.lurl).toMatch(/^http.*kind=loss.*&imp=1&loss=102$/);
    await e.auction({ ...t.env, LOSS_NOTICES: 'edge' }, bannerRequest({ at: 1 }));
    expect((await losses()).length).toBe(before + 1);
    expect((await dspRecord('au-high')).notices.some((n) => n.includes('kind=loss'))).toBe(false);
    await e.auction({ ...t.env, LOSS_NOTICES: 'off' }, bannerRequest({ at: 1 }));
    expect((await losses()).length).toBe(before + 1);
  });

  it('answers each imp of a multi-imp request', async () => {
    const req = bannerRequest({
      imp: [
        { id: 'a', banner: { w: 300, h: 250 } },
        { id: 'b', banner: { w: 728, h: 90 }, bidfloor: 10 },
        { id: 'c', banner: { w: 320, h: 50 } },
      ],
    });
    const body = (await (await e.auction(t.env, req)).json()) as Resp;
    const impids = body.seatbid.flatMap((s) => s.bid.map((b) => b.impid)).sort();
    expect(impids).toEqual(['a', 'c']); // b's floor of 10.00 is above every bid
    const ids = body.seatbid.flatMap((s) => s.bid.map((b) => b.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('floors above every bid answer nbr 501; no DSP at all answers 204', async () => {
    const res = await e.auction(
      t.env,
      bannerRequest({ imp: [{ id: '1', banner: { w: 1, h: 1 }, bidfloor: 50 }] }),
    );
    expect(await res.json()).toMatchObject({ nbr: 501 });
    const empty = await tenant('auction-empty', { dsps: [] });
    expect((await e.auction(empty.env, bannerRequest())).status).toBe(204);
  });
});

describe('deals and currencies', async () => {
  const t = await tenant('auction-deals', {
    dsps: [
      testDsp(DSP, 'dl-open', 'price=4'),
      testDsp(DSP, 'dl-agency1', 'price=3&deal=AB-Agency1-0001&seat=Agency1'),
      testDsp(DSP, 'dl-agency9', 'price=5&deal=AB-Agency1-0001&seat=Agency9'),
      testDsp(DSP, 'dl-euro', 'price=2&cur=EUR'),
    ],
  });
  const e = edge();
  const pmp = (privateAuction: 0 | 1) => ({
    imp: [
      {
        id: '1',
        bidfloor: 0.03,
        banner: { w: 300, h: 250 },
        pmp: {
          private_auction: privateAuction,
          deals: [{ id: 'AB-Agency1-0001', at: 1, bidfloor: 2.5, wseat: ['Agency1'] }],
        },
      },
    ],
  });

  it('a private auction sells only to the deal, to the seat it names', async () => {
    const body = (await (await e.auction(t.env, bannerRequest({ at: 1, ...pmp(1) }))).json()) as Resp;
    expect(body.seatbid[0]!.seat).toBe('Agency1');
    expect(body.seatbid[0]!.bid[0]).toMatchObject({ dealid: 'AB-Agency1-0001', price: 2.7 });
    const { events } = await t.recorded();
    const losses = events.filter((x) => x.type === 'loss') as unknown as Array<{
      bidderId: string;
      reason: string;
    }>;
    expect(losses.find((l) => l.bidderId === 'dl-agency9')?.reason).toMatch(/^213:/); // seat not in wseat
  });

  it('an open auction with a deal offered still lets the best open bid win', async () => {
    const body = (await (await e.auction(t.env, bannerRequest({ at: 1, ...pmp(0) }))).json()) as Resp;
    expect(body.seatbid[0]!.seat).toBe('dl-open');
  });

  it('bids in other currencies compete after conversion; the buyer sees its own currency', async () => {
    const t2 = await tenant('auction-cur', {
      dsps: [testDsp(DSP, 'cu-usd', 'price=2.1'), testDsp(DSP, 'cu-eur', 'price=2&cur=EUR')],
    });
    const body = (await (await e.auction(t2.env, bannerRequest({ at: 1 }))).json()) as Resp;
    expect(body.seatbid[0]!.seat).toBe('cu-eur'); // 2.00 EUR = 2.20 USD > 2.10 USD
    expect(body.cur).toBe('USD');
    expect(body.seatbid[0]!.bid[0]!.price).toBe(1.98); // 2.20 less 10%
    expect(body.seatbid[0]!.bid[0]!.adm).toContain('data-price="2"'); // what it pays, in EUR
  });
});
