import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { bigint, pgSchema, serial, text, timestamp } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runId, serviceEnv } from './env.ts';

// The catalog's path: drizzle-orm over node-postgres, schema changes as committed SQL
// migrations. Everything lives in schema `smoke`, with its own migrations table, so it
// never touches the catalog's tables or its migration history.
const smoke = pgSchema('smoke');
const notes = smoke.table('notes', {
  id: serial('id').primaryKey(),
  runId: text('run_id').notNull(),
  amountMicros: bigint('amount_micros', { mode: 'bigint' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

// Two test runs on one database would drop each other's schema: serialize them.
const SMOKE_LOCK = 7_201_337;

describe('PostgreSQL through drizzle-orm (node-postgres)', () => {
  const pool = new pg.Pool({ connectionString: serviceEnv('DATABASE_URL'), max: 2 });
  const db = drizzle(pool);
  const migrations = {
    migrationsFolder: `${import.meta.dirname}/drizzle`,
    migrationsSchema: 'smoke',
    migrationsTable: '__smoke_migrations',
  };
  let lock: pg.PoolClient | undefined;

  afterAll(async () => {
    await lock?.query('select pg_advisory_unlock($1)', [SMOKE_LOCK]);
    lock?.release();
    await pool.end();
  });

  it('applies the committed migration to an empty schema, once', async () => {
    lock = await pool.connect();
    await lock.query('select pg_advisory_lock($1)', [SMOKE_LOCK]);
    await db.execute(sql`drop schema if exists smoke cascade`);

    await migrate(db, migrations);
    await migrate(db, migrations);

    const applied = await db.execute(sql`select count(*)::int as n from smoke.__smoke_migrations`);
    expect(applied.rows[0]).toEqual({ n: 1 });
    const columns = await db.execute(
      sql`select column_name from information_schema.columns
          where table_schema = 'smoke' and table_name = 'notes' order by ordinal_position`,
    );
    expect(columns.rows.map((r) => r.column_name)).toEqual(['id', 'run_id', 'amount_micros', 'created_at']);
  });

  it('inserts and selects typed rows, 64-bit money intact', async () => {
    const big = 9_007_199_254_740_993n; // past 2^53: a JS number would round it
    const inserted = await db
      .insert(notes)
      .values([
        { runId, amountMicros: 1_500_000n },
        { runId, amountMicros: big },
      ])
      .returning({ id: notes.id });
    expect(inserted).toHaveLength(2);

    const rows = await db
      .select({ amountMicros: notes.amountMicros, createdAt: notes.createdAt })
      .from(notes)
      .where(eq(notes.runId, runId))
      .orderBy(notes.id);
    expect(rows.map((r) => r.amountMicros)).toEqual([1_500_000n, big]);
    expect(rows[0]!.createdAt).toBeInstanceOf(Date);
  });
});
