// Single-node mode keeps the catalog in a PGlite data directory: a restarted core must find
// its objects and the same version (the edge's ETag must not go backwards), and the part
// seeds the demo data once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCatalogPart } from './part.ts';
import { caller, EDGE, testContext } from './testing.ts';

describe('catalog on a PGlite data dir', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'catalog-pglite-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('survives a restart with the same version and seeds only once', async () => {
    const ctx = testContext();
    const first = await createCatalogPart(ctx, { db: { kind: 'pglite', dataDir }, seed: true });
    const snap1 = await caller(first.routes!)('GET', '/v1/snapshot', { token: EDGE });
    expect(snap1.body.dsps.map((d: { endpoint: string }) => d.endpoint)).toContain(
      'http://127.0.0.1:9105/openrtb2/bid',
    );
    expect(snap1.body.campaigns.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(snap1.body.currencyRates).sort()).toEqual(['EUR', 'GBP', 'USD']);
    expect(snap1.body.ivt.blockedUserAgents).toContain('googlebot');
    await first.close();

    const second = await createCatalogPart(ctx, { db: { kind: 'pglite', dataDir }, seed: true });
    const snap2 = await caller(second.routes!)('GET', '/v1/snapshot', { token: EDGE });
    expect(snap2.headers.get('etag')).toBe(snap1.headers.get('etag'));
    expect(snap2.body.campaigns).toEqual(snap1.body.campaigns);
    expect((await second.ready()).ok).toBe(true);
    const metrics = await ctx.metrics.metrics();
    expect(metrics).toContain(`edge_rtb_core_catalog_version ${snap2.body.version}`);
    expect(metrics).toMatch(/edge_rtb_core_snapshot_requests_total\{status="200"\} 2/);
    await second.close();
  }, 60_000); // two PGlite boots from disk
});
