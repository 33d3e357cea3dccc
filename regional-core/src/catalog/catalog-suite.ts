// The catalog's conformance suite, run on PGlite (catalog.test.ts) and on real PostgreSQL
// (catalog.int.test.ts): the same admin API, audit, snapshot and budget-feed behaviour on
// both drivers. Each run gets a fresh, empty, migrated database; the groups of cases live
// in suite/ and run in order against it.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { auditCases } from './suite/audit.ts';
import { authCases } from './suite/auth.ts';
import { crudCases } from './suite/crud.ts';
import { feedCases } from './suite/feed.ts';
import { snapshotCases } from './suite/snapshot.ts';
import type { SuiteDriver, SuiteState } from './suite/state.ts';
import { validationCases } from './suite/validation.ts';
import { caller, startPart } from './testing.ts';

export type { SuiteDriver } from './suite/state.ts';

// PGlite boots Postgres compiled to WASM: seconds on a busy 2-core machine.
const BOOT_MS = 60_000;

export function catalogSuite(driver: SuiteDriver): void {
  describe(`catalog on ${driver.name}`, { timeout: 30_000 }, () => {
    const s = { driver } as SuiteState;

    beforeAll(async () => {
      s.handle = await driver.open();
      s.part = await startPart(s.handle);
      s.call = caller(s.part.routes!);
      for (const id of ['acme', 'globex']) {
        expect((await s.call('POST', '/v1/admin/advertisers', { body: { id, name: id } })).status).toBe(201);
      }
      const issue = async (advertiserId: string) =>
        (
          await s.call('POST', '/v1/admin/tokens', {
            body: { name: advertiserId, role: 'advertiser', advertiserId },
          })
        ).body.token;
      s.acmeToken = await issue('acme');
      s.globexToken = await issue('globex');
    }, BOOT_MS);
    afterAll(async () => {
      await s.part?.close();
      await s.handle?.close();
      await driver.cleanup?.();
    }, BOOT_MS);

    authCases(s);
    validationCases(s);
    auditCases(s);
    crudCases(s);
    snapshotCases(s);
    feedCases(s);
  });
}
