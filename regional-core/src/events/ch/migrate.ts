// Versioned SQL migrations (regional-core/clickhouse/NNN_name.sql) applied in order, each
// recorded in schema_migrations. Statements are idempotent (IF NOT EXISTS) so a migration
// cut short by a crash is simply applied again.
//
// Two cores starting at once must not both run the pending migrations (an ALTER ... ADD COLUMN
// would fail on the second, and schema_migrations would record a version twice). Neither
// ClickHouse 18.16 nor chDB has transactions, unique keys or a lock primitive, so the lock is
// "announce, then look": a migrator inserts a row naming itself, then reads who else holds an
// unexpired, unreleased row. If anyone else does, it withdraws (a release row) and retries
// later. Inserts are visible once acknowledged, so of two racing migrators at least the later
// one sees the earlier: at most one ever finds itself alone (both may withdraw; the random
// backoff then breaks the tie). Expiry uses the server's clock only, so a crashed holder frees
// the lock after LOCK_TTL_S without any client clocks being compared.
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChStore } from './store.ts';
import { sqlString } from './store.ts';

export const MIGRATIONS_DIR = new URL('../../../clickhouse/', import.meta.url).pathname;

/** How long a lock row holds without renewal: a crashed migrator blocks others this long at most. */
const LOCK_TTL_S = 60;
const RENEW_MS = 15_000;

export interface MigrateOptions {
  dir?: string;
  /** Give up waiting for another migrator after this long (default 5 minutes). */
  lockWaitMs?: number;
  /** Called once the lock is held, before anything is applied (tests observe overlap). */
  onLocked?: (owner: string) => Promise<void> | void;
}

/** Splits a file on `;` at the end of a line; `--` comment lines are dropped. */
export function splitStatements(sql: string): string[] {
  const lines = sql.split('\n').filter((l) => !l.trim().startsWith('--'));
  return lines
    .join('\n')
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function migrate(store: ChStore, o: MigrateOptions = {}): Promise<string[]> {
  const dir = o.dir ?? MIGRATIONS_DIR;
  await ensureTables(store);
  const lock = await acquireMigrationLock(store, o.lockWaitMs ?? 5 * 60_000);
  try {
    await o.onLocked?.(lock.owner);
    const done = new Set(
      (await store.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) =>
        Number(r.version),
      ),
    );
    const files = (await readdir(dir)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
    const applied: string[] = [];
    for (const file of files) {
      const version = Number(file.split('_')[0]);
      if (done.has(version)) continue;
      for (const stmt of splitStatements(await readFile(join(dir, file), 'utf8'))) await store.exec(stmt);
      const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
      await store.exec(
        `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${version}, ${sqlString(file)}, ${sqlString(now)})`,
      );
      applied.push(file);
    }
    return applied;
  } finally {
    await lock.release();
  }
}

async function ensureTables(store: ChStore): Promise<void> {
  // Two migrators may create these at the same moment; a lost race on 18.16 can still throw
  // "already exists" despite IF NOT EXISTS, so one retry covers it.
  for (let attempt = 0; ; attempt++) {
    try {
      await store.exec(
        `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime('UTC'))
         ENGINE = MergeTree ORDER BY version`,
      );
      await store.exec(
        `CREATE TABLE IF NOT EXISTS schema_migrations_lock (owner String, expires_at DateTime('UTC'), released UInt8)
         ENGINE = MergeTree ORDER BY owner`,
      );
      return;
    } catch (e) {
      if (attempt >= 3 || !/already exists/i.test(String(e))) throw e;
      await sleep(100 + Math.random() * 200);
    }
  }
}

export interface MigrationLock {
  owner: string;
  release(): Promise<void>;
}

/** Holders other than `owner` whose newest row is unreleased and unexpired (server clock). */
async function otherHolders(store: ChStore, owner: string): Promise<string[]> {
  const rows = await store.query<{ owner: string }>(
    `SELECT owner FROM schema_migrations_lock WHERE owner != ${sqlString(owner)}
     GROUP BY owner HAVING max(released) = 0 AND max(expires_at) > now()`,
  );
  return rows.map((r) => r.owner);
}

async function announce(store: ChStore, owner: string, released: 0 | 1): Promise<void> {
  await store.exec(
    `INSERT INTO schema_migrations_lock (owner, expires_at, released)
     SELECT ${sqlString(owner)}, now() + ${LOCK_TTL_S}, ${released}`,
  );
}

export async function acquireMigrationLock(store: ChStore, waitMs: number): Promise<MigrationLock> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    // A fresh name per attempt: a withdrawn attempt's rows never count for a later one.
    const owner = randomUUID();
    // Wait quietly while someone holds it; announcing then would only make both withdraw.
    const before = await otherHolders(store, owner);
    if (before.length === 0) {
      await announce(store, owner, 0);
      const others = await otherHolders(store, owner);
      if (others.length === 0) {
        const renew = setInterval(() => void announce(store, owner, 0).catch(() => {}), RENEW_MS);
        renew.unref();
        return {
          owner,
          async release() {
            clearInterval(renew);
            // If this fails the row expires after LOCK_TTL_S and the next start waits that long.
            await announce(store, owner, 1).catch(() => {});
          },
        };
      }
      await announce(store, owner, 1);
    }
    if (Date.now() > deadline)
      throw new Error(`clickhouse migrations: another migrator holds the lock (waited ${waitMs} ms)`);
    await sleep(Math.min(100 * 2 ** Math.min(attempt, 4), 1000) * (0.5 + Math.random()));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
