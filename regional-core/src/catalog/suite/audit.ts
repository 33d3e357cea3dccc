// The audit log: who, what, before/after, versions, paging, no rows for refused or empty changes.

import { describe, expect, it } from 'vitest';
import type { SuiteState } from './state.ts';

export function auditCases(s: SuiteState): void {
  describe('audit log', () => {
    it('records who changed what, before and after, with the version it made', async () => {
      const created = await s.call('POST', '/v1/admin/dsps', {
        body: { id: 'audited', name: 'A', endpoint: 'http://127.0.0.1:9999/bid' },
      });
      expect(created.status).toBe(201);
      await s.call('PATCH', '/v1/admin/dsps/audited', { body: { timeoutMs: 80 } });
      await s.call('DELETE', '/v1/admin/dsps/audited');
      const log = await s.call('GET', '/v1/admin/audit?entity=dsp&entityId=audited');
      expect(log.status).toBe(200);
      const [del, upd, cre] = log.body.items;
      expect(cre).toMatchObject({
        action: 'create',
        actor: 'bootstrap',
        actorRole: 'admin',
        before: null,
        after: { timeoutMs: 120 },
      });
      expect(upd).toMatchObject({ action: 'update', before: { timeoutMs: 120 }, after: { timeoutMs: 80 } });
      expect(del).toMatchObject({ action: 'delete', before: { timeoutMs: 80 }, after: null });
      expect(del.catalogVersion).toBeGreaterThan(upd.catalogVersion);
      expect(upd.catalogVersion).toBeGreaterThan(cre.catalogVersion);
      expect(Date.parse(cre.at)).not.toBeNaN();
    });
    it('names the advertiser token that made a change and logs nothing for refused ones', async () => {
      await s.call('PATCH', '/v1/admin/campaigns/acme-1', { token: s.acmeToken, body: { name: 'renamed' } });
      await s.call('PATCH', '/v1/admin/campaigns/acme-1', {
        token: s.acmeToken,
        body: { totalBudgetMicros: -1 },
      });
      const log = await s.call('GET', '/v1/admin/audit?entity=campaign&entityId=acme-1');
      expect(log.body.items[0]).toMatchObject({ actorRole: 'advertiser', after: { name: 'renamed' } });
      expect(log.body.items[0].actor).toMatch(/^tok_/);
      expect(log.body.items).toHaveLength(2); // create, the allowed rename; nothing for -1
    });
    it('writes no row and no version for an empty patch', async () => {
      const before = await s.call('GET', '/v1/admin/audit?limit=1');
      const version = s.part.snapshots.knownVersion();
      expect((await s.call('PATCH', '/v1/admin/campaigns/acme-1', { body: {} })).status).toBe(200);
      expect((await s.call('GET', '/v1/admin/audit?limit=1')).body.items[0].id).toBe(before.body.items[0].id);
      expect(s.part.snapshots.knownVersion()).toBe(version);
    });
    it('refuses an oversized body with 413', async () => {
      const huge = { name: 'x'.repeat(1_100_000) };
      expect(await s.call('POST', '/v1/admin/advertisers', { body: huge })).toMatchObject({
        status: 413,
        body: { error: 'payload_too_large' },
      });
    });
    it('chains before/after exactly under concurrent writes to one object', async () => {
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          s.call('PATCH', '/v1/admin/campaigns/acme-1', { body: { name: `concurrent ${i}` } }),
        ),
      );
      const log = await s.call('GET', '/v1/admin/audit?entity=campaign&entityId=acme-1&limit=6');
      const rows = [...log.body.items].reverse();
      for (let i = 1; i < rows.length; i++) {
        expect(rows[i].before.name).toBe(rows[i - 1].after.name);
        expect(rows[i].catalogVersion).toBeGreaterThan(rows[i - 1].catalogVersion);
      }
    });
    it('pages with a cursor', async () => {
      const first = await s.call('GET', '/v1/admin/audit?limit=2');
      expect(first.body.items).toHaveLength(2);
      const second = await s.call('GET', `/v1/admin/audit?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items[0].id).toBeLessThan(first.body.items[1].id);
    });
  });
}
