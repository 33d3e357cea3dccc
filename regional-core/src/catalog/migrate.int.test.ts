// Two cores starting at once against one fresh PostgreSQL catalog: both start, and every
// migration is applied once (without the advisory lock one of them fails on "already exists").
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openCatalogDb } from './db.ts';
import { migrateCatalog, migrationsFolder } from './migrate.ts';
import { scratchDatabase } from './scratch-database.ts';

const db = scratchDatabase('catalog_migrate');
const { url } = db;

beforeAll(() => db.create());
afterAll(() => db.drop());

it('two migrators started at once both succeed and apply each migration once', async () => {
  const handles = await Promise.all([0, 1].map(() => openCatalogDb({ kind: 'postgres', url, max: 1 })));
  try {
    await Promise.all(handles.map((h) => migrateCatalog(h)));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
      const files = readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql'));
      expect(rows[0]).toEqual({ n: files.length });
    } finally {
      await client.end();
    }
  } finally {
    for (const h of handles) await h.close();
  }
});
