// The seed script: `node regional-core/src/catalog/seed-main.ts` migrates, then inserts the
// demo/benchmark catalog where missing (see seed.ts) into DATABASE_URL (cluster) or the
// PGlite data dir (single-node; stop the core first, PGlite is one process per data dir).
// Refused under NODE_ENV=production: the seeded SSP key is public.
import { loadConfig } from '../config.ts';
import { openCatalogDb } from './db.ts';
import { migrateCatalog } from './migrate.ts';
import { catalogDbOptions } from './part.ts';
import { seedCatalog } from './seed.ts';
import { createStore } from './store.ts';

if (process.env.NODE_ENV === 'production') {
  console.error('refusing to seed with NODE_ENV=production: the seed holds a known SSP key');
  process.exit(2);
}
const opts = catalogDbOptions(loadConfig());
const handle = await openCatalogDb(opts);
try {
  await migrateCatalog(handle);
  const { created, version } = await seedCatalog(createStore(handle));
  console.log(JSON.stringify({ msg: 'catalog seeded', driver: opts.kind, created, version }));
} finally {
  await handle.close();
}
