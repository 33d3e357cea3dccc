// The lost-ledger check on the embedded ledger: the catalog is PGlite (what single-node mode
// runs), and a wipe is the ledger's journal directory disappearing while the catalog stays.
// Then the guard alone: a ledger that is someone else's, and a re-seed interrupted half way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@edge-rtb/shared/log';
import { afterAll, describe, expect, it } from 'vitest';
import { createLedgerRegistry } from '../catalog/budget-source.ts';
import { type CatalogDbHandle, openCatalogDb } from '../catalog/db.ts';
import { migrateCatalog } from '../catalog/migrate.ts';
import { loadConfig } from '../config.ts';
import type { CampaignBudget } from './campaign-budget.ts';
import { openEmbeddedLedger } from './ledger-embedded.ts';
import { ledgerGuardScenario } from './ledger-guard.scenario.ts';
import { createLedgerGuard, LedgerNotVerifiedError } from './ledger-guard.ts';

const root = mkdtempSync(join(tmpdir(), 'ledger-guard-'));
const handles: CatalogDbHandle[] = [];
afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
  rmSync(root, { recursive: true, force: true });
});

/** The catalog's ledger records in a fresh, migrated PGlite (closed after the file). */
async function catalogRegistry() {
  const handle = await openCatalogDb({ kind: 'pglite' });
  handles.push(handle);
  await migrateCatalog(handle);
  return createLedgerRegistry(handle.db);
}

describe('budget ledger guard: embedded ledger, PGlite catalog', () => {
  ledgerGuardScenario(async () => {
    const registry = await catalogRegistry();
    const dataDir = join(root, 'core');
    return {
      config: { ...loadConfig({}), dataDir },
      registry,
      partOptions: { backend: 'embedded' },
      wipe: async () => rmSync(join(dataDir, 'budget'), { recursive: true, force: true }),
      wipesLive: false,
    };
  });
});

describe('budget ledger guard: replaced ledgers and an interrupted re-seed', () => {
  const quiet = createLogger({}, 'error', () => undefined);
  const camp = (campaignId: string, totalBudgetMicros: number): CampaignBudget => ({
    campaignId,
    status: 'active',
    totalBudgetMicros,
    dailyBudgetMicros: null,
    startAt: 0,
    endAt: Date.UTC(2040, 0, 1),
    timeZone: 'UTC',
    pacing: 'asap',
  });

  it('refuses a ledger carrying another ledger id, and will not re-seed over its books', async () => {
    const registry = await catalogRegistry();
    await registry.create('embedded', 'the-catalogs-ledger');
    const ledger = await openEmbeddedLedger({ dir: join(root, 'other') });
    await ledger.writeMarker('some-other-ledger', 'if_absent');
    await ledger.fund('c1', 1_000);
    const guard = createLedgerGuard({ ledger, registry, name: 'embedded', log: quiet });
    expect(await guard.check()).toBe('replaced');
    await expect(guard.assertFundable()).rejects.toBeInstanceOf(LedgerNotVerifiedError);
    const r = await guard.reseed(
      {
        expectLedgerId: 'the-catalogs-ledger',
        spentMicros: { c1: 0 },
        unlistedAreUnspent: false,
        reason: 'x',
      },
      [camp('c1', 1_000)],
    );
    expect(r).toMatchObject({ ok: false, error: { error: 'ledger_not_empty' } });
    expect(await ledger.marker()).toBe('some-other-ledger');
    expect((await registry.get('embedded'))?.ledgerId).toBe('the-catalogs-ledger');
    await ledger.close();
  }, 30_000);

  it('resumes a re-seed that stopped half way, booking each spend once', async () => {
    const registry = await catalogRegistry();
    await registry.create('embedded', 'old');
    const dir = join(root, 'resume');
    const budgets = [camp('c1', 100_000), camp('c2', 50_000)];
    const input = {
      expectLedgerId: 'old',
      spentMicros: { c1: 30_000, c2: 60_000 },
      unlistedAreUnspent: false,
      reason: 'x',
    };
    // The crash: pending id recorded, marker written, c1 funded and its spend granted, not settled.
    await registry.setPending('embedded', 'new');
    let ledger = await openEmbeddedLedger({ dir });
    await ledger.writeMarker('new', 'replace');
    await ledger.fund('c1', 100_000);
    await ledger.grant({
      campaignId: 'c1',
      leaseId: 'reseed-new',
      holder: 'reseed',
      requestedMicros: 30_000,
      now: 1,
      expiresAt: 2,
      day: 'reseed',
      dailyCapMicros: null,
      committedCapMicros: null,
    });
    await ledger.close();

    ledger = await openEmbeddedLedger({ dir });
    const guard = createLedgerGuard({ ledger, registry, name: 'embedded', log: quiet });
    expect(await guard.check()).toBe('reseed_incomplete');
    const r = await guard.reseed(input, budgets);
    // c2's known spend is beyond its budget: the budget is spent, the rest is overrun.
    expect(r).toEqual({
      ok: true,
      value: { ledgerId: 'new', campaigns: 2, bookedSpentMicros: 80_000, bookedOverrunMicros: 10_000 },
    });
    expect(guard.state()).toBe('ok');
    expect(await ledger.balances('c1')).toMatchObject({
      available: 70_000,
      leased: 0,
      spent: 30_000,
      target: 100_000,
    });
    expect(await ledger.balances('c2')).toMatchObject({ available: 0, spent: 50_000, overrun: 10_000 });
    expect(await registry.get('embedded')).toEqual({ ledgerId: 'new', pendingLedgerId: null });
    // Done is done: the same request again changes nothing.
    expect(await guard.reseed(input, budgets)).toMatchObject({ ok: false, error: { error: 'not_needed' } });
    expect(await ledger.balances('c1')).toMatchObject({ spent: 30_000 });
    await ledger.close();
  }, 30_000);
});
