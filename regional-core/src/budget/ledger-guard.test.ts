// The lost-ledger check on the embedded ledger: the catalog is PGlite (what single-node mode
// runs), and a wipe is the ledger's journal directory disappearing while the catalog stays.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { createLedgerRegistry } from '../catalog/budget-source.ts';
import { type CatalogDbHandle, openCatalogDb } from '../catalog/db.ts';
import { migrateCatalog } from '../catalog/migrate.ts';
import { loadConfig } from '../config.ts';
import { ledgerGuardScenario } from './ledger-guard.scenario.ts';

const root = mkdtempSync(join(tmpdir(), 'ledger-guard-'));
const handles: CatalogDbHandle[] = [];
afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
  rmSync(root, { recursive: true, force: true });
});

describe('budget ledger guard: embedded ledger, PGlite catalog', () => {
  ledgerGuardScenario(async () => {
    const handle = await openCatalogDb({ kind: 'pglite' });
    handles.push(handle);
    await migrateCatalog(handle);
    const dataDir = join(root, 'core');
    return {
      config: { ...loadConfig({}), dataDir },
      registry: createLedgerRegistry(handle.db),
      partOptions: { backend: 'embedded' },
      wipe: async () => rmSync(join(dataDir, 'budget'), { recursive: true, force: true }),
      wipesLive: false,
    };
  });
});
