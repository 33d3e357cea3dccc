import { describe, expect, it } from 'vitest';
import { bannerRequest, edge, tenant } from '../../test/helpers.ts';

describe('POST /openrtb2/auction (smoke)', () => {
  it('fans out to real DSPs and answers a BidResponse', async () => {
    const t = await tenant('smoke');
    const e = edge();
    const res = await e.auction(t.env, bannerRequest());
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      seatbid: Array<{ seat: string; bid: Array<Record<string, unknown>> }>;
    };
    expect(body.seatbid[0]!.bid[0]!.impid).toBe('1');
  });
});
