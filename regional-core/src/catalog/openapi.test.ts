// The OpenAPI document and the app are generated from the same route definitions; this walks
// both so a route without a document entry (or the reverse) fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogDbHandle, openCatalogDb } from './db.ts';
import type { CatalogPart } from './part.ts';
import { caller, startPart } from './testing.ts';

describe('openapi.json', () => {
  let handle: CatalogDbHandle;
  let part: CatalogPart;
  beforeAll(async () => {
    handle = await openCatalogDb({ kind: 'pglite' });
    part = await startPart(handle);
  }, 60_000); // PGlite boots WASM Postgres
  afterAll(async () => {
    await part.close();
    await handle.close();
  });

  it('lists exactly the routes the app serves, with their methods', async () => {
    const res = await caller(part.routes!)('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(res.body.paths as Record<string, Record<string, unknown>>))
      for (const method of Object.keys(ops))
        documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);

    // Middleware is registered as ALL; the document serves itself.
    const served = new Set(
      part
        .routes!.routes.filter((r) => r.method !== 'ALL' && r.path !== '/openapi.json')
        .map((r) => `${r.method} ${r.path}`),
    );
    expect([...served].sort()).toEqual([...documented].sort());
    expect(served.size).toBeGreaterThan(35);
  });

  it('documents bodies, bearer security and the error shape', async () => {
    const doc = (await caller(part.routes!)('GET', '/openapi.json', { token: null })).body;
    const post = doc.paths['/v1/admin/campaigns'].post;
    expect(post.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/CampaignCreate',
    );
    expect(post.security).toEqual([{ bearer: [] }]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Error.required).toEqual(['error', 'message']);
    expect(doc.components.schemas.CampaignCreate.properties.totalBudgetMicros.type).toBe('integer');
  });
});
