// Fan-out against real HTTP test DSPs (test/servers/dsp-fleet.ts) from inside workerd: every
// DSP ends with one recorded outcome, slow-but-in-time bids count, late/erroring/malformed/
// invalid answers are dropped with a reason, and the breaker skips a failing DSP then probes it.
import { describe, expect, it } from 'vitest';
import { testDsp } from '../../test/fixtures/snapshot.ts';
import { bannerRequest, DSP, dspRecord, edge, tenant } from '../../test/helpers.ts';

type Outcome = { dspId: string; outcome: string; reason?: string; bids: number };
type Ev = {
  type: string;
  auctionId: string;
  dsps?: Outcome[];
  status?: string;
  bidderId?: string;
  reason?: string;
};

async function lastAuction(t: Awaited<ReturnType<typeof tenant>>) {
  const { events } = await t.recorded();
  const auction = events.filter((e) => e.type === 'auction').at(-1) as unknown as Ev;
  const mine = events.filter((e) => (e as unknown as Ev).auctionId === auction.auctionId) as unknown as Ev[];
  const byDsp = Object.fromEntries((auction.dsps ?? []).map((d) => [d.dspId, d]));
  return { auction, mine, byDsp };
}

describe('fan-out to real DSPs', () => {
  it('collects in-time bids and records timeout, error, malformed and invalid answers', async () => {
    const t = await tenant('fan-mixed', {
      dsps: [
        testDsp(DSP, 'mx-fast', 'price=2.5'),
        testDsp(DSP, 'mx-slow', 'price=3&delay=40'),
        testDsp(DSP, 'mx-hang', 'price=9&delay=3000'),
        testDsp(DSP, 'mx-error', 'mode=error'),
        testDsp(DSP, 'mx-malformed', 'mode=malformed'),
        testDsp(DSP, 'mx-invalid', 'mode=invalid'),
        testDsp(DSP, 'mx-nobid', 'mode=nobid'),
        { ...testDsp(DSP, 'mx-dead', ''), endpoint: 'http://127.0.0.1:1/bid' }, // nothing listens
      ],
    });
    const res = await edge().auction(t.env, bannerRequest({ tmax: 1000 }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { seatbid: Array<{ seat: string; bid: Array<{ price: number }> }> };
    expect(body.seatbid[0]!.seat).toBe('mx-slow');
    expect(body.seatbid[0]!.bid[0]!.price).toBe(2.7); // first price 3.00 less the 10% take
    const { byDsp, mine } = await lastAuction(t);
    expect(byDsp['mx-fast']).toMatchObject({ outcome: 'bid', bids: 1 });
    expect(byDsp['mx-slow']).toMatchObject({ outcome: 'bid', bids: 1 });
    expect(byDsp['mx-hang']).toMatchObject({ outcome: 'timeout', bids: 0 });
    expect(byDsp['mx-error']).toMatchObject({ outcome: 'error' });
    expect(byDsp['mx-malformed']).toMatchObject({ outcome: 'invalid' });
    expect(byDsp['mx-invalid']).toMatchObject({ outcome: 'invalid', bids: 0 });
    expect(byDsp['mx-nobid']).toMatchObject({ outcome: 'nobid' });
    expect(byDsp['mx-dead']).toMatchObject({ outcome: 'error' });
    expect(byDsp['mx-dead']!.reason).toMatch(/^transport/);
    const rejected = mine.filter(
      (e) => e.type === 'bid' && e.status === 'rejected' && e.bidderId === 'mx-invalid',
    );
    // price 0 -> 3 (invalid), unknown imp -> 3, no crid -> 8 (missing creative id)
    expect(rejected.map((e) => e.reason!.split(':')[0]).sort()).toEqual(['3', '3', '8']);
    expect(mine.some((e) => e.type === 'loss' && e.bidderId === 'mx-fast')).toBe(true);
  });

  it('refuses oversized answers however they are framed; a deep ext cannot break the auction', async () => {
    // Test DSP id -> its behaviour (test/servers/dsp-fleet.ts query).
    const behaviours: Record<string, string> = {
      'big-ok': 'price=1',
      'big-length': 'price=5&mode=huge&kb=200',
      'big-chunked': 'price=5&mode=hugechunked&kb=200',
      'big-gzip': 'price=5&mode=hugegzip&kb=2048',
      'big-small': 'price=2&mode=huge&kb=8',
      'big-deep': 'price=0.5&mode=dupdeep',
    };
    const t = await tenant('fan-big', {
      dsps: Object.entries(behaviours).map(([id, query]) => testDsp(DSP, id, query)),
    });
    const env = { ...t.env, MAX_DSP_ANSWER_BYTES: String(64 * 1024) };
    const res = await edge().auction(env, bannerRequest({ tmax: 1000 }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { seatbid: Array<{ seat: string }> };
    // The padded answer under the cap still bids and wins; the oversized ones never compete.
    expect(body.seatbid[0]!.seat).toBe('big-small');
    const { byDsp } = await lastAuction(t);
    for (const id of ['big-length', 'big-chunked', 'big-gzip']) {
      expect(byDsp[id]).toMatchObject({ outcome: 'invalid', bids: 0 });
      expect(byDsp[id]!.reason).toContain('over the 65536-byte cap');
    }
    expect(byDsp['big-ok']).toMatchObject({ outcome: 'bid', bids: 1 });
    expect(byDsp['big-small']).toMatchObject({ outcome: 'bid', bids: 1 });
    // Its deep ext travels with its bids through validation, auction and events without harm.
    expect(byDsp['big-deep']).toMatchObject({ outcome: 'bid' });
  });

  it('gzips for DSPs that accept it, speaks 2.5 to 2.5 partners, appends the schain node', async () => {
    const t = await tenant('fan-wire', {
      dsps: [
        testDsp(DSP, 'wire-gzip', 'price=1', { gzip: true }),
        testDsp(DSP, 'wire-25', 'price=1', { openrtbVersion: '2.5' }),
      ],
    });
    const req = bannerRequest({
      regs: { gdpr: 0 },
      source: { schain: { complete: 1, ver: '1.0', nodes: [{ asi: 'ssp.example', sid: 'p1', hp: 1 }] } },
    });
    expect((await edge().auction(t.env, req)).status).toBe(200);
    const gz = (await dspRecord('wire-gzip')).requests.at(-1)!;
    expect(gz.encoding).toBe('gzip');
    expect(gz.headers['x-openrtb-version']).toBe('2.6');
    expect(gz.headers['content-type']).toBe('application/json');
    expect(gz.headers['accept-encoding']).toBe('gzip');
    const nodes = (gz.body.source as { schain: { nodes: Array<{ asi: string; sid: string }> } }).schain.nodes;
    expect(nodes.map((n) => n.asi)).toEqual(['ssp.example', 'edge-rtb.example']);
    expect(nodes[1]!.sid).toBe('ssp-main');
    const old = (await dspRecord('wire-25')).requests.at(-1)!;
    expect(old.encoding).toBe('identity');
    expect(old.headers['accept-encoding']).toBe('gzip');
    expect(old.body.regs).toEqual({ ext: { gdpr: 0 } });
    expect((old.body.source as { ext: { schain: unknown } }).ext.schain).toBeDefined();
  });

  it('runs per-partner adapters: pulse gets one call per imp and both imps sell', async () => {
    const t = await tenant('fan-pulse', {
      dsps: [testDsp(DSP, 'pulse-a', 'mode=pulse&price=1.5', { adapter: 'pulse' })],
    });
    const req = bannerRequest({
      imp: [
        { id: 'i1', banner: { w: 300, h: 250 } },
        { id: 'i2', banner: { w: 728, h: 90 } },
      ],
    });
    const res = await edge().auction(t.env, req);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { seatbid: Array<{ bid: Array<{ impid: string; adm: string }> }> };
    expect(body.seatbid.flatMap((s) => s.bid.map((b) => b.impid)).sort()).toEqual(['i1', 'i2']);
    expect(body.seatbid[0]!.bid[0]!.adm).toMatch(/pulse 1\.5/); // ${AUCTION_PRICE} filled, first price
    expect((await dspRecord('pulse-a')).requests).toHaveLength(2);
  });

  it('asks only eligible DSPs: format, geo, status and the QPS cap', async () => {
    const t = await tenant('fan-eligible', {
      dsps: [
        testDsp(DSP, 'el-video', 'price=1', { formats: ['video'] }),
        testDsp(DSP, 'el-canada', 'price=1', { countries: ['CAN'] }),
        testDsp(DSP, 'el-paused', 'price=1', { status: 'paused' }),
        testDsp(DSP, 'el-capped', 'price=1', { qpsCap: 1 }),
      ],
    });
    const e = edge();
    expect((await e.auction(t.env, bannerRequest())).status).toBe(200);
    const first = await lastAuction(t);
    expect(first.byDsp['el-video']).toMatchObject({ outcome: 'filtered', reason: 'format' });
    expect(first.byDsp['el-canada']).toMatchObject({ outcome: 'filtered', reason: 'geo' });
    expect(first.byDsp['el-paused']).toBeUndefined();
    expect(first.byDsp['el-capped']).toMatchObject({ outcome: 'bid' });
    expect((await e.auction(t.env, bannerRequest())).status).toBe(204);
    const second = await lastAuction(t);
    expect(second.byDsp['el-capped']).toMatchObject({ outcome: 'filtered', reason: 'qps_cap' });
    expect((await dspRecord('el-video')).requests).toHaveLength(0);
  });

  it('opens the circuit on a failing DSP, skips it, then probes it back', async () => {
    const t = await tenant('fan-breaker', { dsps: [testDsp(DSP, 'flaky-1', 'mode=flaky&price=1')] });
    await fetch(`${DSP}/_control?dsp=flaky-1&fail=1`, { method: 'POST' });
    let clock = 0;
    const e = edge({ breaker: { minFailures: 2, openMs: 1_000, now: () => clock } });
    for (let i = 0; i < 2; i++) await e.auction(t.env, bannerRequest());
    expect((await lastAuction(t)).byDsp['flaky-1']).toMatchObject({ outcome: 'error' });
    expect((await e.auction(t.env, bannerRequest())).status).toBe(204);
    expect((await lastAuction(t)).byDsp['flaky-1']).toMatchObject({ outcome: 'circuit_open' });
    expect((await dspRecord('flaky-1')).requests).toHaveLength(2); // the skipped auction sent nothing
    await fetch(`${DSP}/_control?dsp=flaky-1&fail=0`, { method: 'POST' });
    clock = 1_000;
    expect((await e.auction(t.env, bannerRequest())).status).toBe(200); // the probe succeeds
    expect(e.state.breakers.state('flaky-1')).toBe('closed');
  });

  it('a DSP that is only late for tight auctions is not broken: its circuit stays closed', async () => {
    const t = await tenant('fan-late', {
      dsps: [testDsp(DSP, 'late-1', 'price=1&delay=150', { timeoutMs: 500 })],
    });
    const e = edge({ breaker: { minFailures: 2 } });
    for (let i = 0; i < 4; i++)
      expect((await e.auction(t.env, bannerRequest({ tmax: 100 }))).status).toBe(204);
    expect((await lastAuction(t)).byDsp['late-1']).toMatchObject({ outcome: 'timeout' });
    expect(e.state.breakers.state('late-1')).toBe('closed');
  });
});
