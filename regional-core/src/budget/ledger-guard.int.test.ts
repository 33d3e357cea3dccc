// The lost-ledger check on real Redis and real PostgreSQL (cluster mode): a wipe deletes every
// key of the run's prefix, as a Redis restarted without its AOF or a flush would.
import { afterAll, describe } from 'vitest';
import { createLedgerRegistry } from '../catalog/budget-source.ts';
import { type CatalogDbHandle, openCatalogDb } from '../catalog/db.ts';
import { migrateCatalog } from '../catalog/migrate.ts';
import { scratchDatabase } from '../catalog/scratch-database.ts';
import { loadConfig } from '../config.ts';
import { ledgerGuardScenario } from './ledger-guard.scenario.ts';
import { deleteKeysWithPrefix } from './testing/redis-cleanup.ts';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:16379';
const db = scratchDatabase('ledger_guard');
const prefix = `t${Date.now().toString(36)}g:`;
const handles: CatalogDbHandle[] = [];

const dropPrefix = () => deleteKeysWithPrefix(redisUrl, prefix);

afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
  await db.drop();
  await dropPrefix();
});

describe('budget ledger guard: Redis ledger, PostgreSQL catalog', () => {
  ledgerGuardScenario(async () => {
    await db.create();
    const handle = await openCatalogDb({ kind: 'postgres', url: db.url });
    handles.push(handle);
    await migrateCatalog(handle);
    return {
      config: { ...loadConfig({ REDIS_URL: redisUrl }), redisUrl },
      registry: createLedgerRegistry(handle.db),
      partOptions: { backend: 'redis', redisPrefix: prefix },
      wipe: dropPrefix,
      wipesLive: true,
    };
  });
});
