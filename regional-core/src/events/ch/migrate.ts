// Versioned SQL migrations (regional-core/clickhouse/NNN_name.sql) applied in order, each
// recorded in schema_migrations. Statements are idempotent (IF NOT EXISTS) so a migration
// cut short by a crash is simply applied again.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChStore } from './store.ts';
import { sqlString } from './store.ts';

export const MIGRATIONS_DIR = new URL('../../../clickhouse/', import.meta.url).pathname;

/** Splits a file on `;` at the end of a line; `--` comment lines are dropped. */
export function splitStatements(sql: string): string[] {
  const lines = sql.split('\n').filter((l) => !l.trim().startsWith('--'));
  return lines
    .join('\n')
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function migrate(store: ChStore, dir = MIGRATIONS_DIR): Promise<string[]> {
  await store.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime('UTC'))
     ENGINE = MergeTree ORDER BY version`,
  );
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
}
