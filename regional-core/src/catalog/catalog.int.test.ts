// The catalog conformance suite on real PostgreSQL (DATABASE_URL, see scripts/services.env).
// Each run creates a throwaway database, so it never touches the dev catalog; the second
// replica is a separate pool that learns changes through LISTEN/NOTIFY.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { catalogSuite } from './catalog-suite.ts';
import { openCatalogDb } from './db.ts';

const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:15432/edge_rtb';
const name = `catalog_test_${randomBytes(4).toString('hex')}`;
const url = (() => {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
})();

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

catalogSuite({
  name: 'PostgreSQL',
  open: async () => {
    await admin(`CREATE DATABASE ${name}`);
    return openCatalogDb({ kind: 'postgres', url });
  },
  openPeer: () => openCatalogDb({ kind: 'postgres', url }),
  peerPollMs: 600_000,
  cleanup: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
});
