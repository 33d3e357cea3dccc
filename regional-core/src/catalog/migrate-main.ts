// The migrate script: `node regional-core/src/catalog/migrate-main.ts` applies pending
// catalog migrations to DATABASE_URL (cluster) or to the PGlite data dir (single-node).
import { loadConfig } from '../config.ts';
import { openCatalogDb } from './db.ts';
import { migrateCatalog } from './migrate.ts';
import { catalogDbOptions } from './part.ts';

const config = loadConfig();
const opts = catalogDbOptions(config);
const handle = await openCatalogDb(opts);
try {
  await migrateCatalog(handle);
  console.log(JSON.stringify({ msg: 'catalog migrated', driver: opts.kind }));
} finally {
  await handle.close();
}
