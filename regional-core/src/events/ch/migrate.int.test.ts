// The migration lock on the real ClickHouse server (18.16 here): migrators started at the same
// moment, as two cores booting together would, apply each migration exactly once, and a holder
// that died without releasing only delays the next one until its row expires.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from './migrate.ts';
import type { ChStore } from './store.ts';
import { createServerStore } from './store.ts';

const url = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123';
const db = `migrate_lock_${process.pid}_${Date.now().toString(36)}`;
const admin = createServerStore(url);
const stores: ChStore[] = [];
const open = () => {
  const s = createServerStore(url, db);
  stores.push(s);
  return s;
};

// Not idempotent on purpose: run twice, each of these fails ("table already exists").
const dir = mkdtempSync(join(tmpdir(), 'ch-migrations-'));
writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE a (x UInt8) ENGINE = Memory;\n');
writeFileSync(
  join(dir, '002_b.sql'),
  'CREATE TABLE b (x UInt8) ENGINE = Memory;\nINSERT INTO b VALUES (1);\n',
);

beforeAll(async () => {
  await admin.exec(`CREATE DATABASE ${db}`);
});
afterAll(async () => {
  await admin.exec(`DROP DATABASE IF EXISTS ${db}`);
  for (const s of [...stores, admin]) await s.close();
});

describe('clickhouse migrations under a lock', () => {
  it('three migrators started at once apply each migration once, one at a time', async () => {
    let holding = 0;
    let maxHolding = 0;
    const onLocked = async () => {
      holding++;
      maxHolding = Math.max(maxHolding, holding);
      await new Promise((r) => setTimeout(r, 300)); // long enough for an unlocked rival to overlap
      holding--;
    };
    const results = await Promise.all([0, 1, 2].map(() => migrate(open(), { dir, onLocked })));
    expect(maxHolding).toBe(1);
    expect(results.flat().sort()).toEqual(['001_a.sql', '002_b.sql']);
    const recorded = await admin.query<{ version: number; n: string }>(
      `SELECT version, count() AS n FROM ${db}.schema_migrations GROUP BY version ORDER BY version`,
    );
    expect(recorded.map((r) => [Number(r.version), Number(r.n)])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    const [b] = await admin.query<{ n: string }>(`SELECT count() AS n FROM ${db}.b`);
    expect(Number(b?.n)).toBe(1);
  });

  it('waits for a crashed holder only until its row expires', async () => {
    await admin.exec(
      `INSERT INTO ${db}.schema_migrations_lock (owner, expires_at, released) SELECT 'crashed', now() + 2, 0`,
    );
    const started = Date.now();
    expect(await migrate(open(), { dir })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('gives up with a clear error while a live holder keeps it', async () => {
    await admin.exec(
      `INSERT INTO ${db}.schema_migrations_lock (owner, expires_at, released) SELECT 'alive', now() + 30, 0`,
    );
    await expect(migrate(open(), { dir, lockWaitMs: 500 })).rejects.toThrow(
      /another migrator holds the lock/,
    );
    await admin.exec(
      `INSERT INTO ${db}.schema_migrations_lock (owner, expires_at, released) SELECT 'alive', now(), 1`,
    );
    expect(await migrate(open(), { dir })).toEqual([]);
  });
});
