// CRUD paths beyond the basics: list paging, SSP keys, currency rates.

import { describe, expect, it } from 'vitest';
import type { SuiteState } from './state.ts';

export function crudCases(s: SuiteState): void {
  describe('CRUD and pagination', () => {
    it('pages a list by id with nextCursor', async () => {
      for (const id of ['p1', 'p2', 'p3'])
        await s.call('POST', '/v1/admin/deals', { body: { id, name: id, floorCpmMicros: 500_000 } });
      const a = await s.call('GET', '/v1/admin/deals?limit=2');
      expect(a.body.items.map((d: { id: string }) => d.id)).toEqual(['p1', 'p2']);
      const b = await s.call('GET', `/v1/admin/deals?limit=2&cursor=${a.body.nextCursor}`);
      expect(b.body).toEqual({ items: [expect.objectContaining({ id: 'p3' })], nextCursor: null });
    });
    it('refuses a deal naming an unknown DSP or campaign', async () => {
      const bad = await s.call('POST', '/v1/admin/deals', {
        body: { name: 'd', floorCpmMicros: 1, dspIds: ['nope'] },
      });
      expect(bad).toMatchObject({ status: 422, body: { error: 'unknown_reference', field: 'dspIds' } });
      const ok = await s.call('PATCH', '/v1/admin/deals/p1', { body: { campaignIds: ['acme-1'] } });
      expect(ok.status).toBe(200);
    });
    it('issues SSP keys shown once and stores only their hash', async () => {
      await s.call('POST', '/v1/admin/ssps', { body: { id: 'ssp-a', name: 'SSP A', takeRateBps: 1200 } });
      const key = await s.call('POST', '/v1/admin/ssps/ssp-a/keys');
      expect(key.status).toBe(201);
      const ssp = await s.call('GET', '/v1/admin/ssps/ssp-a');
      expect(ssp.body.apiKeyHashes).toEqual([key.body.keyHash]);
      expect(JSON.stringify(ssp.body)).not.toContain(key.body.key);
      expect((await s.call('DELETE', `/v1/admin/ssps/ssp-a/keys/${key.body.keyHash}`)).status).toBe(204);
      expect((await s.call('GET', '/v1/admin/ssps/ssp-a')).body.apiKeyHashes).toEqual([]);
    });
    it('keeps currency rates in integer micros keyed by code', async () => {
      expect(
        (
          await s.call('POST', '/v1/admin/currency-rates', {
            body: { currency: 'JPY', usdMicrosPerUnit: 6_700 },
          })
        ).status,
      ).toBe(201);
      const patched = await s.call('PATCH', '/v1/admin/currency-rates/JPY', {
        body: { usdMicrosPerUnit: 6_800 },
      });
      expect(patched.body).toMatchObject({ currency: 'JPY', usdMicrosPerUnit: 6_800 });
    });
  });
}
