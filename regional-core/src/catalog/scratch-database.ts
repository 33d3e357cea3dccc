// Throwaway PostgreSQL databases for integration tests, so no test touches the dev catalog and
// parallel runs never meet each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:15432/edge_rtb';

export interface ScratchDatabase {
  name: string;
  url: string;
  create(): Promise<void>;
  /** Drops it even while connections remain (a test that failed half way may leave some). */
  drop(): Promise<void>;
}

export function scratchDatabase(prefix: string): ScratchDatabase {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const u = new URL(BASE);
  u.pathname = `/${name}`;
  return {
    name,
    url: u.toString(),
    create: () => admin(`CREATE DATABASE ${name}`),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: BASE });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
