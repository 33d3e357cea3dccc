// The catalog as the budget part's CampaignBudgetSource. On every new catalog version (local
// commit, NOTIFY or poll) it reloads the budget fields and tells listeners about campaigns
// whose budget view changed, so this works the same whichever replica made the change.
// Subscribe first, then listBudgets(): a change in between is then delivered (again);
// deliveries are whole states, so a repeat is harmless.

import { asc, eq, sql } from 'drizzle-orm';
import type {
  CampaignBudget,
  CampaignBudgetSource,
  LedgerRecord,
  LedgerRegistry,
} from '../budget/campaign-budget.ts';
import type { CatalogDb } from './db.ts';
import { advertisers, budgetLedgers, campaigns } from './schema/index.ts';

export async function loadBudgets(db: CatalogDb): Promise<CampaignBudget[]> {
  const rows = await db
    .select({ c: campaigns, advertiserStatus: advertisers.status })
    .from(campaigns)
    .innerJoin(advertisers, eq(advertisers.id, campaigns.advertiserId))
    .orderBy(asc(campaigns.id));
  return rows.map(({ c, advertiserStatus }) => ({
    campaignId: c.id,
    // A paused advertiser pauses its campaigns for spending purposes.
    status: advertiserStatus === 'active' ? c.status : 'paused',
    totalBudgetMicros: c.totalBudgetMicros,
    dailyBudgetMicros: c.dailyBudgetMicros,
    startAt: c.startAt.getTime(),
    endAt: c.endAt.getTime(),
    timeZone: c.timeZone,
    pacing: c.pacing,
  }));
}

export interface CatalogBudgetSource extends CampaignBudgetSource {
  /** Reload and emit changes; called by the part on each new version. Serialized. */
  refresh(): Promise<void>;
}

export function createBudgetSource(db: CatalogDb, onError: (e: unknown) => void): CatalogBudgetSource {
  const listeners = new Set<(b: CampaignBudget) => void>();
  let last: Map<string, string> | undefined;
  let lastBudgets = new Map<string, CampaignBudget>();
  let chain: Promise<void> = Promise.resolve();

  const diff = async () => {
    const budgets = await loadBudgets(db);
    const next = new Map(budgets.map((b) => [b.campaignId, JSON.stringify(b)]));
    if (last) {
      for (const b of budgets) if (last.get(b.campaignId) !== next.get(b.campaignId)) emit(b);
      // A deleted campaign must stop spending: deliver it once more as paused.
      for (const [id, b] of lastBudgets) if (!next.has(id)) emit({ ...b, status: 'paused' });
    }
    last = next;
    lastBudgets = new Map(budgets.map((b) => [b.campaignId, b]));
  };
  const emit = (b: CampaignBudget) => {
    for (const l of listeners) {
      try {
        l(b);
      } catch (e) {
        onError(e);
      }
    }
  };

  return {
    listBudgets: () => loadBudgets(db),
    ledgers: createLedgerRegistry(db),
    onBudgetChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refresh() {
      chain = chain.then(diff).catch(onError);
      return chain;
    },
  };
}

export function createLedgerRegistry(db: CatalogDb): LedgerRegistry {
  const get = async (name: string): Promise<LedgerRecord | null> => {
    const [row] = await db
      .select({ ledgerId: budgetLedgers.ledgerId, pendingLedgerId: budgetLedgers.pendingLedgerId })
      .from(budgetLedgers)
      .where(eq(budgetLedgers.name, name));
    return row ?? null;
  };
  const must = (name: string, updated: number) => {
    if (!updated) throw new Error(`no budget ledger record '${name}' in the catalog`);
  };
  return {
    get,
    async create(name, ledgerId) {
      await db.insert(budgetLedgers).values({ name, ledgerId }).onConflictDoNothing();
      return (await get(name))!;
    },
    async setPending(name, pendingLedgerId) {
      const r = await db
        .update(budgetLedgers)
        .set({ pendingLedgerId, updatedAt: sql`now()` })
        .where(eq(budgetLedgers.name, name))
        .returning({ name: budgetLedgers.name });
      must(name, r.length);
    },
    async completeReseed(name, ledgerId, reseed) {
      const r = await db
        .update(budgetLedgers)
        .set({ ledgerId, pendingLedgerId: null, reseed, updatedAt: sql`now()` })
        .where(eq(budgetLedgers.name, name))
        .returning({ name: budgetLedgers.name });
      must(name, r.length);
    },
  };
}
