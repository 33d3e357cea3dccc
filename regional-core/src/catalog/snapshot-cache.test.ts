// The snapshot cache: one build per version however many polls arrive at once, and the
// ETag rules the edge relies on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogDbHandle, openCatalogDb } from './db.ts';
import { migrateCatalog } from './migrate.ts';
import { defaultSnapshotSettings } from './snapshot.ts';
import { createSnapshotCache } from './snapshot-cache.ts';
import { etagMatches } from './snapshot-route.ts';
import { createStore } from './store.ts';

describe('snapshot cache', () => {
  let handle: CatalogDbHandle;
  beforeAll(async () => {
    handle = await openCatalogDb({ kind: 'pglite' });
    await migrateCatalog(handle);
  }, 60_000); // PGlite boots WASM Postgres
  afterAll(() => handle.close());

  it('builds once per version for concurrent polls and again after a commit', async () => {
    let builds = 0;
    const cache = createSnapshotCache(handle.db, defaultSnapshotSettings, () => builds++);
    const store = createStore(handle);
    store.onCommit((v) => cache.noteVersion(v));
    const first = await Promise.all(Array.from({ length: 20 }, () => cache.get()));
    expect(builds).toBe(1);
    expect(new Set(first.map((s) => s.etag)).size).toBe(1);

    await store.change({ id: 't', role: 'admin' }, async (tx) => {
      await tx.execute('select 1');
      return {
        value: null,
        audit: [{ action: 'create', entity: 'x', entityId: 'x', before: null, after: {} }],
      };
    });
    const second = await cache.get();
    expect(builds).toBe(2);
    expect(second.version).toBe(first[0]!.version + 1);
    expect(second.etag).toBe(`"${second.version}"`);
  });

  it('trusts the database when a noted version never appears', async () => {
    let builds = 0;
    const cache = createSnapshotCache(handle.db, defaultSnapshotSettings, () => builds++);
    const now = await cache.get();
    cache.noteVersion(now.version + 100);
    expect((await cache.get()).version).toBe(now.version);
    const after = builds;
    await cache.get();
    expect(builds).toBe(after);
  });
});

describe('etagMatches', () => {
  it('accepts exact, weak, listed and * tags only', () => {
    expect(etagMatches('"7"', '"7"')).toBe(true);
    expect(etagMatches('W/"7"', '"7"')).toBe(true);
    expect(etagMatches('"6", "7"', '"7"')).toBe(true);
    expect(etagMatches('*', '"7"')).toBe(true);
    expect(etagMatches('"6"', '"7"')).toBe(false);
    expect(etagMatches('7', '"7"')).toBe(false);
    expect(etagMatches(undefined, '"7"')).toBe(false);
  });
});
