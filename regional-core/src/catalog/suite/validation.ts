// Validation and error statuses: 400 with the field, 413/415, 422 for impossible values, 409/404.

import { describe, expect, it } from 'vitest';
import { type Call, campaignBody } from '../testing.ts';
import type { SuiteState } from './state.ts';

export function validationCases(s: SuiteState): void {
  describe('validation', () => {
    const expectError = (res: Call, status: number, field?: string) => {
      expect(res.status).toBe(status);
      expect(typeof res.body.error).toBe('string');
      expect(typeof res.body.message).toBe('string');
      if (field) expect(res.body.field).toBe(field);
    };
    it('names the field of a bad body', async () => {
      expectError(
        await s.call('POST', '/v1/admin/campaigns', {
          body: campaignBody('acme', { totalBudgetMicros: 1.5 }),
        }),
        400,
        'totalBudgetMicros',
      );
      expectError(
        await s.call('POST', '/v1/admin/campaigns', {
          body: campaignBody('acme', { timeZone: 'Mars/Olympus' }),
        }),
        400,
        'timeZone',
      );
      expectError(
        await s.call('POST', '/v1/admin/campaigns', {
          body: campaignBody('acme', { bidStrategy: { kind: 'cpv' } }),
        }),
        400,
        'bidStrategy.kind',
      );
      expectError(
        await s.call('POST', '/v1/admin/campaigns', { body: campaignBody('acme', { surprise: 1 }) }),
        400,
        'surprise',
      );
      expectError(
        await s.call('POST', '/v1/admin/dsps', { body: { name: 'd', endpoint: 'ftp://x' } }),
        400,
        'endpoint',
      );
      expectError(await s.call('GET', '/v1/admin/dsps?limit=0'), 400, 'limit');
    });
    it('answers malformed JSON and wrong media types with 4xx, never 5xx', async () => {
      expectError(await s.call('POST', '/v1/admin/advertisers', { body: '{"name":' }), 400);
      const plain = await s.call('POST', '/v1/admin/advertisers', {
        body: '{"name":"x"}',
        headers: { 'content-type': 'text/plain' },
      });
      expect(plain.status).toBeGreaterThanOrEqual(400);
      expect(plain.status).toBeLessThan(500);
      expectError(await s.call('POST', '/v1/admin/advertisers', { body: [1, 2] }), 400);
    });
    it('uses 422 for well-formed but impossible values and missing references', async () => {
      expectError(
        await s.call('POST', '/v1/admin/campaigns', {
          body: campaignBody('acme', { endAt: '2025-01-01T00:00:00Z' }),
        }),
        422,
        'endAt',
      );
      expectError(
        await s.call('POST', '/v1/admin/campaigns', { body: campaignBody('nobody') }),
        422,
        'advertiserId',
      );
      expectError(
        await s.call('PATCH', '/v1/admin/campaigns/acme-1', { body: { dailyBudgetMicros: 2_000_000_000 } }),
        422,
        'dailyBudgetMicros',
      );
    });
    it('uses 409 for a taken id and for deleting what is still in use', async () => {
      expectError(
        await s.call('POST', '/v1/admin/advertisers', { body: { id: 'acme', name: 'again' } }),
        409,
      );
      expectError(await s.call('DELETE', '/v1/admin/advertisers/acme'), 409);
      expectError(await s.call('GET', '/v1/admin/campaigns/none-such'), 404);
      // Unknown paths fall through to the core's 404: a catch-all here would shadow other parts' routes.
      expect((await s.call('GET', '/v1/admin/no-such-thing')).status).toBe(404);
    });
  });
}
