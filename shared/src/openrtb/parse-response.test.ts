import { describe, expect, it } from 'vitest';
import { LossReason } from './codes.ts';
import { parseBidRequest } from './parse.ts';
import { parseBidResponse, validateBidResponse } from './parse-response.ts';
import { exampleFiles, examplesPresent, type Json, minimalRequest } from './test-helpers.ts';

const request = (o: Json = minimalRequest()) => {
  const r = parseBidRequest(JSON.stringify(o));
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.request;
};
const good = (extra: Json = {}) => ({
  id: 'b1',
  impid: '1',
  price: 1.5,
  crid: 'c1',
  adomain: ['a.com'],
  ...extra,
});
const response = (bids: Json[], extra: Json = {}) => ({
  id: 'req-1',
  cur: 'USD',
  seatbid: [{ seat: 'S', bid: bids }],
  ...extra,
});

describe('validateBidResponse (4.2.1-4.2.3)', () => {
  it('accepts the IAB example response against a request with its imp id', () => {
    const ex = exampleFiles('bid-responses').find((f) => f.name === 'ad-served-on-win.json');
    if (!examplesPresent || !ex) return;
    const req = request({
      ...minimalRequest(),
      id: '1234567890',
      imp: [{ id: '102', banner: { w: 300, h: 250 } }],
    });
    const r = parseBidResponse(ex.text, req);
    expect(r.ok && r.value.errors).toEqual([]);
    expect(r.ok && r.value.bids[0]).toMatchObject({
      seat: '512',
      cur: 'USD',
      bid: { crid: 'creative112', price: 9.43 },
    });
  });

  it('keeps good bids and rejects bad ones with a loss reason each', () => {
    const r = validateBidResponse(
      response([
        good(),
        good({ id: 'b2', impid: '7' }),
        good({ id: 'b3', price: 0 }),
        good({ id: 'b4', price: undefined }),
        good({ id: 'b5', crid: undefined }),
        good({ id: 'b6', adomain: 'a.com' }),
        good({ id: 'b7', dealid: 'nope' }),
        good({ id: 'b8', cat: [1] }),
        good(),
      ]),
      request(),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.bids.map((b) => b.bid.id)).toEqual(['b1']);
    expect(r.value.errors.map((e) => [e.bidId, e.reason, e.field])).toEqual([
      ['b2', LossReason.InvalidBidResponse, 'seatbid[0].bid[1].impid'],
      ['b3', LossReason.InvalidBidResponse, 'seatbid[0].bid[2].price'],
      ['b4', LossReason.MissingBidPrice, 'seatbid[0].bid[3].price'],
      ['b5', LossReason.MissingCreativeId, 'seatbid[0].bid[4].crid'],
      ['b6', LossReason.InvalidAdvertiserDomain, 'seatbid[0].bid[5].adomain'],
      ['b7', LossReason.InvalidDealId, 'seatbid[0].bid[6].dealid'],
      ['b8', LossReason.InvalidBidResponse, 'seatbid[0].bid[7].cat[0]'],
      ['b1', LossReason.InvalidBidResponse, 'seatbid[0].bid[8]'],
    ]);
  });

  it('rejects the whole response on a wrong id or a currency not allowed', () => {
    expect(validateBidResponse(response([good()], { id: 'other' }), request())).toMatchObject({
      ok: false,
      error: [{ code: 'invalid_value', field: 'id' }],
    });
    expect(
      validateBidResponse(response([good()], { cur: 'GBP' }), request(), {
        allowedCurrencies: ['USD', 'EUR'],
      }),
    ).toMatchObject({
      ok: false,
      error: [{ field: 'cur' }],
    });
  });

  it('reads an empty body or a bare nbr as no bid', () => {
    expect(parseBidResponse('', request())).toMatchObject({ ok: true, value: { bids: [] } });
    expect(parseBidResponse('{"id":"req-1","nbr":2}', request())).toMatchObject({
      ok: true,
      value: { nbr: 2, bids: [] },
    });
  });

  it('accepts a deal bid only for a deal of its own imp', () => {
    const o = minimalRequest();
    o.imp.push({ id: '2', banner: { w: 1, h: 1 }, pmp: { deals: [{ id: 'D' }] } });
    const r = validateBidResponse(
      response([good({ dealid: 'D' }), good({ id: 'b2', impid: '2', dealid: 'D' })]),
      request(o),
    );
    expect(r.ok && r.value.bids.map((b) => b.bid.id)).toEqual(['b2']);
  });
});
