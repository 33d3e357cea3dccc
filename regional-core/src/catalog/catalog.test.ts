// The catalog conformance suite on PGlite (in-memory; a second "replica" shares the same
// PGlite instance, since PGlite is single-process, and learns changes by polling).
import { catalogSuite } from './catalog-suite.ts';
import { openCatalogDb } from './db.ts';

catalogSuite({
  name: 'PGlite',
  open: () => openCatalogDb({ kind: 'pglite' }),
  openPeer: async (first) => first,
});
