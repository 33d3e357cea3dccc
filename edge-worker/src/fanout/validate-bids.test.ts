import { parseBidRequest } from '@edge-rtb/shared/openrtb/parse';
import { describe, expect, it } from 'vitest';
import { validateAdapterBids } from './validate-bids.ts';

const parsed = parseBidRequest(
  JSON.stringify({ id: 'r1', imp: [{ id: '1', banner: { w: 300, h: 250 } }], site: { domain: 'p.example' } }),
);
if (!parsed.ok) throw new Error('fixture request invalid');
const request = parsed.value.request;
const bid = (id: string) => ({ id, impid: '1', price: 1.5, crid: 'c1', adomain: ['a.example'] });

describe('validateAdapterBids', () => {
  it('keeps bids in allowed currencies and rejects each bid of a refused one, naming seat, bid and imp', () => {
    const { valid, rejected } = validateAdapterBids(
      [
        { bid: bid('ok'), seat: 's1', currency: 'USD' },
        { bid: bid('yen'), seat: 's2', currency: 'XYZ' },
        { bid: bid('yen2'), currency: 'XYZ' },
      ],
      request,
      ['USD'],
    );
    expect(valid.map((v) => v.bid.id)).toEqual(['ok']);
    expect(rejected).toHaveLength(2);
    expect(rejected[0]).toMatchObject({ seat: 's2', bidId: 'yen', impId: '1' });
    expect(rejected[1]).toMatchObject({ bidId: 'yen2', impId: '1' });
    expect(rejected[1]!.seat).toBeUndefined();
    for (const r of rejected) expect(r.field).toBe('cur');
  });
});
