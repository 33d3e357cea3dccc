// Admin API auth: missing/unknown tokens, roles, advertiser scoping, revocation.

import { describe, expect, it } from 'vitest';
import { campaignBody } from '../testing.ts';
import type { SuiteState } from './state.ts';

export function authCases(s: SuiteState): void {
  describe('auth', () => {
    it('refuses a missing or unknown token with 401', async () => {
      const none = await s.call('GET', '/v1/admin/campaigns', { token: null });
      expect(none).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
      expect((await s.call('GET', '/v1/admin/campaigns', { token: 'nope' })).status).toBe(401);
    });
    it('gives advertiser tokens 403 on admin-only resources', async () => {
      for (const path of [
        '/v1/admin/ssps',
        '/v1/admin/dsps',
        '/v1/admin/tokens',
        '/v1/admin/audit',
        '/v1/admin/deals',
      ]) {
        expect(await s.call('GET', path, { token: s.acmeToken })).toMatchObject({
          status: 403,
          body: { error: 'forbidden' },
        });
      }
      const create = await s.call('POST', '/v1/admin/advertisers', {
        token: s.acmeToken,
        body: { name: 'x' },
      });
      expect(create.status).toBe(403);
    });
    it("keeps an advertiser to its own campaigns: another's is 404, creating for another 403", async () => {
      const mine = await s.call('POST', '/v1/admin/campaigns', {
        token: s.acmeToken,
        body: campaignBody('acme', { id: 'acme-1' }),
      });
      expect(mine.status).toBe(201);
      const theirs = await s.call('POST', '/v1/admin/campaigns', {
        body: campaignBody('globex', { id: 'globex-1' }),
      });
      expect(theirs.status).toBe(201);

      expect((await s.call('GET', '/v1/admin/campaigns/globex-1', { token: s.acmeToken })).status).toBe(404);
      expect(
        (
          await s.call('PATCH', '/v1/admin/campaigns/globex-1', {
            token: s.acmeToken,
            body: { name: 'mine now' },
          })
        ).status,
      ).toBe(404);
      expect((await s.call('DELETE', '/v1/admin/campaigns/globex-1', { token: s.acmeToken })).status).toBe(
        404,
      );
      const forOther = await s.call('POST', '/v1/admin/campaigns', {
        token: s.acmeToken,
        body: campaignBody('globex'),
      });
      expect(forOther).toMatchObject({ status: 403, body: { field: 'advertiserId' } });

      const list = await s.call('GET', '/v1/admin/campaigns', { token: s.acmeToken });
      expect(list.body.items.map((c: { id: string }) => c.id)).toEqual(['acme-1']);
      expect((await s.call('GET', '/v1/admin/advertisers/acme', { token: s.acmeToken })).status).toBe(200);
      expect((await s.call('GET', '/v1/admin/advertisers/globex', { token: s.acmeToken })).status).toBe(404);
      // A creative cannot hang off another advertiser's campaign either.
      const crv = await s.call('POST', '/v1/admin/creatives', {
        token: s.globexToken,
        body: {
          advertiserId: 'globex',
          campaignId: 'acme-1',
          name: 'c',
          format: 'banner',
          sizes: [{ w: 300, h: 250 }],
          markup: '<b>x</b>',
        },
      });
      expect(crv).toMatchObject({ status: 422, body: { field: 'campaignId' } });
    });
    it('stops accepting a revoked token', async () => {
      const t = await s.call('POST', '/v1/admin/tokens', { body: { name: 'tmp', role: 'admin' } });
      expect(t.status).toBe(201);
      expect(t.body.token).toMatch(/^ert_/);
      expect((await s.call('GET', '/v1/admin/dsps', { token: t.body.token })).status).toBe(200);
      expect((await s.call('DELETE', `/v1/admin/tokens/${t.body.id}`)).status).toBe(204);
      expect((await s.call('GET', '/v1/admin/dsps', { token: t.body.token })).status).toBe(401);
      const listed = await s.call('GET', '/v1/admin/tokens');
      expect(JSON.stringify(listed.body)).not.toContain(t.body.token);
    });
  });
}
