// The catalog conformance suite on real PostgreSQL (DATABASE_URL, see scripts/services.env).
// Each run creates a throwaway database, so it never touches the dev catalog; the second
// replica is a separate pool that learns changes through LISTEN/NOTIFY.
import { catalogSuite } from './catalog-suite.ts';
import { openCatalogDb } from './db.ts';
import { scratchDatabase } from './scratch-database.ts';

const db = scratchDatabase('catalog_test');
const { url } = db;

catalogSuite({
  name: 'PostgreSQL',
  open: async () => {
    await db.create();
    return openCatalogDb({ kind: 'postgres', url });
  },
  openPeer: () => openCatalogDb({ kind: 'postgres', url }),
  peerPollMs: 600_000,
  cleanup: () => db.drop(),
});
