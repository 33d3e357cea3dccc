// Opens the catalog database on one of two drivers running the SAME drizzle code:
// PGlite (single-node: Postgres compiled to WASM, in-process, persistent under dataDir) or
// node-postgres (cluster: a pool on DATABASE_URL). Callers only see CatalogDb.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import * as schema from './schema/index.ts';

export type CatalogSchema = typeof schema;
export type CatalogDb = PgDatabase<PgQueryResultHKT, CatalogSchema>;

export type CatalogDbHandle =
  | { kind: 'pglite'; db: CatalogDb; client: PGlite; close(): Promise<void> }
  | { kind: 'postgres'; db: CatalogDb; pool: pg.Pool; close(): Promise<void> };

export type CatalogDbOptions =
  /** dataDir undefined = in-memory (tests). */
  { kind: 'pglite'; dataDir?: string } | { kind: 'postgres'; url: string; max?: number };

export async function openCatalogDb(opts: CatalogDbOptions): Promise<CatalogDbHandle> {
  if (opts.kind === 'pglite') {
    // PGlite creates only the last path segment; make the parents (e.g. a fresh .data/core).
    if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
    const client = opts.dataDir ? new PGlite(opts.dataDir) : new PGlite();
    await client.waitReady;
    const db = drizzlePglite({ client, schema }) as unknown as CatalogDb;
    return { kind: 'pglite', db, client, close: () => client.close() };
  }
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.max ?? 5 });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => {});
  const db = drizzlePg({ client: pool, schema }) as unknown as CatalogDb;
  return { kind: 'postgres', db, pool, close: () => pool.end() };
}
