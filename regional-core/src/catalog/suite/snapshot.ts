// The edge snapshot: edge token, ETag/304, contents, IVT rules.

import { describe, expect, it } from 'vitest';
import { EDGE } from '../testing.ts';
import type { SuiteState } from './state.ts';

export function snapshotCases(s: SuiteState): void {
  describe('snapshot', () => {
    const get = (etag?: string, token: string | null = EDGE) =>
      s.call('GET', '/v1/snapshot', { token, headers: etag ? { 'if-none-match': etag } : {} });
    it('needs the edge token', async () => {
      expect((await get(undefined, null)).status).toBe(401);
      expect((await get(undefined, 'test-admin-token')).status).toBe(401);
    });
    it('answers 304 for the current ETag and a new version after a change', async () => {
      const first = await get();
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      expect(etag).toBe(`"${first.body.version}"`);
      expect((await get(etag)).status).toBe(304);
      expect((await get(`W/${etag}, "other"`)).status).toBe(304);
      await s.call('PATCH', '/v1/admin/ssps/ssp-a', { body: { floorCpmMicros: 250_000 } });
      const second = await get(etag);
      expect(second.status).toBe(200);
      expect(Number(second.body.version)).toBeGreaterThan(Number(first.body.version));
      expect(second.body.ssps.find((s: { id: string }) => s.id === 'ssp-a').floorCpmMicros).toBe(250_000);
    });
    it('carries active campaigns with creatives, rates as numbers and no secrets', async () => {
      await s.call('POST', '/v1/admin/creatives', {
        token: s.acmeToken,
        body: {
          id: 'acme-crv',
          advertiserId: 'acme',
          campaignId: 'acme-1',
          name: 'b',
          format: 'banner',
          sizes: [
            { w: 300, h: 250 },
            { w: 728, h: 90 },
          ],
          markup: '<img src="https://x.example/a.png">',
          adomain: ['acme.example'],
        },
      });
      const snap = (await get()).body;
      const cmp = snap.campaigns.find((c: { id: string }) => c.id === 'acme-1');
      expect(cmp).toMatchObject({
        bidStrategy: { kind: 'fixed_cpm', cpmMicros: 2_000_000 },
        adomain: ['acme.example'],
      });
      expect(cmp.creatives).toHaveLength(2);
      // globex-1 is active but has no creative: nothing to bid with, so not in the snapshot.
      expect(snap.campaigns.some((c: { id: string }) => c.id === 'globex-1')).toBe(false);
      expect(snap.currencyRates.JPY).toBeCloseTo(0.0068);
      expect(JSON.stringify(snap)).not.toMatch(/ert_|ssp_[A-Za-z0-9_-]{20}/);
    });
    it('ships IVT rules from the catalog and validates their patterns', async () => {
      const bad = await s.call('POST', '/v1/admin/ivt-rules', {
        body: { kind: 'ip_range', pattern: '10.0.0.0/99' },
      });
      expect(bad).toMatchObject({ status: 400, body: { field: 'pattern' } });
      await s.call('POST', '/v1/admin/ivt-rules', { body: { kind: 'ip_range', pattern: '198.51.100.0/24' } });
      await s.call('POST', '/v1/admin/ivt-rules', { body: { kind: 'user_agent', pattern: 'evilbot' } });
      const { ivt } = (await get()).body;
      expect(ivt).toEqual({ blockedUserAgents: ['evilbot'], blockedIpRanges: ['198.51.100.0/24'] });
    });
  });
}
