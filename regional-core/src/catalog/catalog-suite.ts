// The catalog's conformance suite, run on PGlite (catalog.test.ts) and on real PostgreSQL
// (catalog.int.test.ts): the same admin API, audit, snapshot and budget-feed behaviour on
// both drivers. Each run gets a fresh, empty, migrated database.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignBudget } from '../budget/campaign-budget.ts';
import type { CatalogDbHandle } from './db.ts';
import type { CatalogPart } from './part.ts';
import { seedCatalog } from './seed.ts';
import { type Call, caller, campaignBody, EDGE, eventually, startPart } from './testing.ts';

// PGlite boots Postgres compiled to WASM: seconds on a busy 2-core machine.
const BOOT_MS = 60_000;

export interface SuiteDriver {
  name: string;
  /** A fresh empty database. */
  open(): Promise<CatalogDbHandle>;
  /** A second connection to the same database, as another core replica would have. */
  openPeer(first: CatalogDbHandle): Promise<CatalogDbHandle>;
  /** The peer's version poll; PostgreSQL sets it high so only NOTIFY can deliver in time. */
  peerPollMs?: number;
  cleanup?(): Promise<void>;
}

export function catalogSuite(driver: SuiteDriver): void {
  describe(`catalog on ${driver.name}`, { timeout: 30_000 }, () => {
    let handle: CatalogDbHandle;
    let part: CatalogPart;
    let call: ReturnType<typeof caller>;
    let acmeToken: string;
    let globexToken: string;

    beforeAll(async () => {
      handle = await driver.open();
      part = await startPart(handle);
      call = caller(part.routes!);
      for (const id of ['acme', 'globex']) {
        expect((await call('POST', '/v1/admin/advertisers', { body: { id, name: id } })).status).toBe(201);
      }
      const issue = async (advertiserId: string) =>
        (
          await call('POST', '/v1/admin/tokens', {
            body: { name: advertiserId, role: 'advertiser', advertiserId },
          })
        ).body.token;
      acmeToken = await issue('acme');
      globexToken = await issue('globex');
    }, BOOT_MS);
    afterAll(async () => {
      await part?.close();
      await handle?.close();
      await driver.cleanup?.();
    }, BOOT_MS);

    describe('auth', () => {
      it('refuses a missing or unknown token with 401', async () => {
        const none = await call('GET', '/v1/admin/campaigns', { token: null });
        expect(none).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
        expect((await call('GET', '/v1/admin/campaigns', { token: 'nope' })).status).toBe(401);
      });
      it('gives advertiser tokens 403 on admin-only resources', async () => {
        for (const path of [
          '/v1/admin/ssps',
          '/v1/admin/dsps',
          '/v1/admin/tokens',
          '/v1/admin/audit',
          '/v1/admin/deals',
        ]) {
          expect(await call('GET', path, { token: acmeToken })).toMatchObject({
            status: 403,
            body: { error: 'forbidden' },
          });
        }
        const create = await call('POST', '/v1/admin/advertisers', { token: acmeToken, body: { name: 'x' } });
        expect(create.status).toBe(403);
      });
      it("keeps an advertiser to its own campaigns: another's is 404, creating for another 403", async () => {
        const mine = await call('POST', '/v1/admin/campaigns', {
          token: acmeToken,
          body: campaignBody('acme', { id: 'acme-1' }),
        });
        expect(mine.status).toBe(201);
        const theirs = await call('POST', '/v1/admin/campaigns', {
          body: campaignBody('globex', { id: 'globex-1' }),
        });
        expect(theirs.status).toBe(201);

        expect((await call('GET', '/v1/admin/campaigns/globex-1', { token: acmeToken })).status).toBe(404);
        expect(
          (
            await call('PATCH', '/v1/admin/campaigns/globex-1', {
              token: acmeToken,
              body: { name: 'mine now' },
            })
          ).status,
        ).toBe(404);
        expect((await call('DELETE', '/v1/admin/campaigns/globex-1', { token: acmeToken })).status).toBe(404);
        const forOther = await call('POST', '/v1/admin/campaigns', {
          token: acmeToken,
          body: campaignBody('globex'),
        });
        expect(forOther).toMatchObject({ status: 403, body: { field: 'advertiserId' } });

        const list = await call('GET', '/v1/admin/campaigns', { token: acmeToken });
        expect(list.body.items.map((c: { id: string }) => c.id)).toEqual(['acme-1']);
        expect((await call('GET', '/v1/admin/advertisers/acme', { token: acmeToken })).status).toBe(200);
        expect((await call('GET', '/v1/admin/advertisers/globex', { token: acmeToken })).status).toBe(404);
        // A creative cannot hang off another advertiser's campaign either.
        const crv = await call('POST', '/v1/admin/creatives', {
          token: globexToken,
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
        const t = await call('POST', '/v1/admin/tokens', { body: { name: 'tmp', role: 'admin' } });
        expect(t.status).toBe(201);
        expect(t.body.token).toMatch(/^ert_/);
        expect((await call('GET', '/v1/admin/dsps', { token: t.body.token })).status).toBe(200);
        expect((await call('DELETE', `/v1/admin/tokens/${t.body.id}`)).status).toBe(204);
        expect((await call('GET', '/v1/admin/dsps', { token: t.body.token })).status).toBe(401);
        const listed = await call('GET', '/v1/admin/tokens');
        expect(JSON.stringify(listed.body)).not.toContain(t.body.token);
      });
    });

    describe('validation', () => {
      const expectError = (res: Call, status: number, field?: string) => {
        expect(res.status).toBe(status);
        expect(typeof res.body.error).toBe('string');
        expect(typeof res.body.message).toBe('string');
        if (field) expect(res.body.field).toBe(field);
      };
      it('names the field of a bad body', async () => {
        expectError(
          await call('POST', '/v1/admin/campaigns', {
            body: campaignBody('acme', { totalBudgetMicros: 1.5 }),
          }),
          400,
          'totalBudgetMicros',
        );
        expectError(
          await call('POST', '/v1/admin/campaigns', {
            body: campaignBody('acme', { timeZone: 'Mars/Olympus' }),
          }),
          400,
          'timeZone',
        );
        expectError(
          await call('POST', '/v1/admin/campaigns', {
            body: campaignBody('acme', { bidStrategy: { kind: 'cpv' } }),
          }),
          400,
          'bidStrategy.kind',
        );
        expectError(
          await call('POST', '/v1/admin/campaigns', { body: campaignBody('acme', { surprise: 1 }) }),
          400,
          'surprise',
        );
        expectError(
          await call('POST', '/v1/admin/dsps', { body: { name: 'd', endpoint: 'ftp://x' } }),
          400,
          'endpoint',
        );
        expectError(await call('GET', '/v1/admin/dsps?limit=0'), 400, 'limit');
      });
      it('answers malformed JSON and wrong media types with 4xx, never 5xx', async () => {
        expectError(await call('POST', '/v1/admin/advertisers', { body: '{"name":' }), 400);
        const plain = await call('POST', '/v1/admin/advertisers', {
          body: '{"name":"x"}',
          headers: { 'content-type': 'text/plain' },
        });
        expect(plain.status).toBeGreaterThanOrEqual(400);
        expect(plain.status).toBeLessThan(500);
        expectError(await call('POST', '/v1/admin/advertisers', { body: [1, 2] }), 400);
      });
      it('uses 422 for well-formed but impossible values and missing references', async () => {
        expectError(
          await call('POST', '/v1/admin/campaigns', {
            body: campaignBody('acme', { endAt: '2025-01-01T00:00:00Z' }),
          }),
          422,
          'endAt',
        );
        expectError(
          await call('POST', '/v1/admin/campaigns', { body: campaignBody('nobody') }),
          422,
          'advertiserId',
        );
        expectError(
          await call('PATCH', '/v1/admin/campaigns/acme-1', { body: { dailyBudgetMicros: 2_000_000_000 } }),
          422,
          'dailyBudgetMicros',
        );
      });
      it('uses 409 for a taken id and for deleting what is still in use', async () => {
        expectError(
          await call('POST', '/v1/admin/advertisers', { body: { id: 'acme', name: 'again' } }),
          409,
        );
        expectError(await call('DELETE', '/v1/admin/advertisers/acme'), 409);
        expectError(await call('GET', '/v1/admin/campaigns/none-such'), 404);
        // Unknown paths fall through to the core's 404: a catch-all here would shadow other parts' routes.
        expect((await call('GET', '/v1/admin/no-such-thing')).status).toBe(404);
      });
    });

    describe('audit log', () => {
      it('records who changed what, before and after, with the version it made', async () => {
        const created = await call('POST', '/v1/admin/dsps', {
          body: { id: 'audited', name: 'A', endpoint: 'http://127.0.0.1:9999/bid' },
        });
        expect(created.status).toBe(201);
        await call('PATCH', '/v1/admin/dsps/audited', { body: { timeoutMs: 80 } });
        await call('DELETE', '/v1/admin/dsps/audited');
        const log = await call('GET', '/v1/admin/audit?entity=dsp&entityId=audited');
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
        await call('PATCH', '/v1/admin/campaigns/acme-1', { token: acmeToken, body: { name: 'renamed' } });
        await call('PATCH', '/v1/admin/campaigns/acme-1', {
          token: acmeToken,
          body: { totalBudgetMicros: -1 },
        });
        const log = await call('GET', '/v1/admin/audit?entity=campaign&entityId=acme-1');
        expect(log.body.items[0]).toMatchObject({ actorRole: 'advertiser', after: { name: 'renamed' } });
        expect(log.body.items[0].actor).toMatch(/^tok_/);
        expect(log.body.items).toHaveLength(2); // create, the allowed rename; nothing for -1
      });
      it('writes no row and no version for an empty patch', async () => {
        const before = await call('GET', '/v1/admin/audit?limit=1');
        const version = part.snapshots.knownVersion();
        expect((await call('PATCH', '/v1/admin/campaigns/acme-1', { body: {} })).status).toBe(200);
        expect((await call('GET', '/v1/admin/audit?limit=1')).body.items[0].id).toBe(before.body.items[0].id);
        expect(part.snapshots.knownVersion()).toBe(version);
      });
      it('refuses an oversized body with 413', async () => {
        const huge = { name: 'x'.repeat(1_100_000) };
        expect(await call('POST', '/v1/admin/advertisers', { body: huge })).toMatchObject({
          status: 413,
          body: { error: 'payload_too_large' },
        });
      });
      it('chains before/after exactly under concurrent writes to one object', async () => {
        await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            call('PATCH', '/v1/admin/campaigns/acme-1', { body: { name: `concurrent ${i}` } }),
          ),
        );
        const log = await call('GET', '/v1/admin/audit?entity=campaign&entityId=acme-1&limit=6');
        const rows = [...log.body.items].reverse();
        for (let i = 1; i < rows.length; i++) {
          expect(rows[i].before.name).toBe(rows[i - 1].after.name);
          expect(rows[i].catalogVersion).toBeGreaterThan(rows[i - 1].catalogVersion);
        }
      });
      it('pages with a cursor', async () => {
        const first = await call('GET', '/v1/admin/audit?limit=2');
        expect(first.body.items).toHaveLength(2);
        const second = await call('GET', `/v1/admin/audit?limit=2&cursor=${first.body.nextCursor}`);
        expect(second.body.items[0].id).toBeLessThan(first.body.items[1].id);
      });
    });

    describe('CRUD and pagination', () => {
      it('pages a list by id with nextCursor', async () => {
        for (const id of ['p1', 'p2', 'p3'])
          await call('POST', '/v1/admin/deals', { body: { id, name: id, floorCpmMicros: 500_000 } });
        const a = await call('GET', '/v1/admin/deals?limit=2');
        expect(a.body.items.map((d: { id: string }) => d.id)).toEqual(['p1', 'p2']);
        const b = await call('GET', `/v1/admin/deals?limit=2&cursor=${a.body.nextCursor}`);
        expect(b.body).toEqual({ items: [expect.objectContaining({ id: 'p3' })], nextCursor: null });
      });
      it('issues SSP keys shown once and stores only their hash', async () => {
        await call('POST', '/v1/admin/ssps', { body: { id: 'ssp-a', name: 'SSP A', takeRateBps: 1200 } });
        const key = await call('POST', '/v1/admin/ssps/ssp-a/keys');
        expect(key.status).toBe(201);
        const ssp = await call('GET', '/v1/admin/ssps/ssp-a');
        expect(ssp.body.apiKeyHashes).toEqual([key.body.keyHash]);
        expect(JSON.stringify(ssp.body)).not.toContain(key.body.key);
        expect((await call('DELETE', `/v1/admin/ssps/ssp-a/keys/${key.body.keyHash}`)).status).toBe(204);
        expect((await call('GET', '/v1/admin/ssps/ssp-a')).body.apiKeyHashes).toEqual([]);
      });
      it('keeps currency rates in integer micros keyed by code', async () => {
        expect(
          (
            await call('POST', '/v1/admin/currency-rates', {
              body: { currency: 'JPY', usdMicrosPerUnit: 6_700 },
            })
          ).status,
        ).toBe(201);
        const patched = await call('PATCH', '/v1/admin/currency-rates/JPY', {
          body: { usdMicrosPerUnit: 6_800 },
        });
        expect(patched.body).toMatchObject({ currency: 'JPY', usdMicrosPerUnit: 6_800 });
      });
    });

    describe('snapshot', () => {
      const get = (etag?: string, token: string | null = EDGE) =>
        call('GET', '/v1/snapshot', { token, headers: etag ? { 'if-none-match': etag } : {} });
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
        await call('PATCH', '/v1/admin/ssps/ssp-a', { body: { floorCpmMicros: 250_000 } });
        const second = await get(etag);
        expect(second.status).toBe(200);
        expect(Number(second.body.version)).toBeGreaterThan(Number(first.body.version));
        expect(second.body.ssps.find((s: { id: string }) => s.id === 'ssp-a').floorCpmMicros).toBe(250_000);
      });
      it('carries active campaigns with creatives, rates as numbers and no secrets', async () => {
        await call('POST', '/v1/admin/creatives', {
          token: acmeToken,
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
        const bad = await call('POST', '/v1/admin/ivt-rules', {
          body: { kind: 'ip_range', pattern: '10.0.0.0/99' },
        });
        expect(bad).toMatchObject({ status: 400, body: { field: 'pattern' } });
        await call('POST', '/v1/admin/ivt-rules', { body: { kind: 'ip_range', pattern: '198.51.100.0/24' } });
        await call('POST', '/v1/admin/ivt-rules', { body: { kind: 'user_agent', pattern: 'evilbot' } });
        const { ivt } = (await get()).body;
        expect(ivt).toEqual({ blockedUserAgents: ['evilbot'], blockedIpRanges: ['198.51.100.0/24'] });
      });
    });

    describe('budget feed', () => {
      it('lists budgets and pushes a committed budget change', async () => {
        const seen: CampaignBudget[] = [];
        const off = part.budgets.onBudgetChange((b) => seen.push(b));
        const list = await part.budgets.listBudgets();
        expect(list.find((b) => b.campaignId === 'acme-1')).toMatchObject({
          totalBudgetMicros: 1_000_000_000,
          timeZone: 'America/New_York',
          pacing: 'even',
          startAt: Date.parse('2026-01-01T00:00:00Z'),
        });
        await call('PATCH', '/v1/admin/campaigns/acme-1', { body: { totalBudgetMicros: 2_000_000_000 } });
        await eventually(() =>
          seen.some((b) => b.campaignId === 'acme-1' && b.totalBudgetMicros === 2_000_000_000),
        );
        await call('PATCH', '/v1/admin/advertisers/globex', { body: { status: 'paused' } });
        await eventually(() => seen.some((b) => b.campaignId === 'globex-1' && b.status === 'paused'));
        off();
      });
    });

    describe('several replicas', () => {
      it('a second replica sees a change made through the first within seconds', async () => {
        const peerHandle = await driver.openPeer(handle);
        const peer = await startPart(peerHandle, { migrate: false, pollMs: driver.peerPollMs ?? 50 });
        try {
          const peerCall = caller(peer.routes!);
          const before = await peerCall('GET', '/v1/snapshot', { token: EDGE });
          await call('PATCH', '/v1/admin/ssps/ssp-a', { body: { takeRateBps: 1700 } });
          const budgetSeen: CampaignBudget[] = [];
          peer.budgets.onBudgetChange((b) => budgetSeen.push(b));
          await eventually(async () => {
            const r = await peerCall('GET', '/v1/snapshot', {
              token: EDGE,
              headers: { 'if-none-match': before.headers.get('etag')! },
            });
            return (
              r.status === 200 &&
              r.body.ssps.some(
                (s: { id: string; takeRateBps: number }) => s.id === 'ssp-a' && s.takeRateBps === 1700,
              )
            );
          });
          await call('PATCH', '/v1/admin/campaigns/acme-1', { body: { dailyBudgetMicros: 60_000_000 } });
          await eventually(() =>
            budgetSeen.some((b) => b.campaignId === 'acme-1' && b.dailyBudgetMicros === 60_000_000),
          );
        } finally {
          await peer.close();
          if (peerHandle !== handle) await peerHandle.close();
        }
      });
    });

    describe('seed', () => {
      it('is idempotent: a second run creates nothing and keeps the version', async () => {
        const first = await seedCatalog(part.store);
        expect(first.created).toBeGreaterThan(10);
        const second = await seedCatalog(part.store);
        expect(second).toEqual({ created: 0, version: first.version });
        const dsps = await call('GET', '/v1/admin/dsps?limit=500');
        expect(dsps.body.items.filter((d: { id: string }) => /^dsp-\d$/.test(d.id))).toHaveLength(5);
      });
    });
  });
}
