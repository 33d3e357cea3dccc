// How main.ts mounts the part: createCoreApp() plus app.route('/', part.routes). The catalog's
// error shape and auth must survive being mounted inside the core's app.
import { createLogger } from '@edge-rtb/shared/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreApp } from '../app.ts';
import { type CatalogDbHandle, openCatalogDb } from './db.ts';
import type { CatalogPart } from './part.ts';
import { caller, EDGE, startPart, testContext } from './testing.ts';

describe('catalog part mounted in the core app', () => {
  let handle: CatalogDbHandle;
  let part: CatalogPart;
  beforeAll(async () => {
    handle = await openCatalogDb({ kind: 'pglite' });
    part = await startPart(handle, { seed: true });
  }, 60_000); // PGlite boots WASM Postgres
  afterAll(async () => {
    await part.close();
    await handle.close();
  });

  it('serves admin, snapshot, openapi and the core routes side by side', async () => {
    const ctx = testContext();
    const app = createCoreApp({
      ...ctx,
      log: createLogger({}, 'error'),
      readiness: [async () => ({ name: 'catalog', ...(await part.ready()) })],
    });
    app.route('/', part.routes!);
    const call = caller(app);
    expect((await call('GET', '/readyz', { token: null })).status).toBe(200);
    expect((await call('GET', '/openapi.json', { token: null })).status).toBe(200);
    expect((await call('GET', '/v1/snapshot', { token: EDGE })).body.dsps).toHaveLength(5);
    expect(await call('GET', '/v1/admin/campaigns', { token: null })).toMatchObject({
      status: 401,
      body: { error: 'unauthorized' },
    });
    const bad = await call('POST', '/v1/admin/campaigns', { body: { name: 1 } });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect((await call('GET', '/v1/admin/campaigns')).body.items).toHaveLength(3);
  });
});
