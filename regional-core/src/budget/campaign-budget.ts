// What the budget part needs to know about a campaign; the catalog is its source of truth
// and pushes changes (create, budget edit, pause) to the budget part.
import type { Micros } from '@edge-rtb/shared/money';

export type PacingMode = 'even' | 'asap' | 'front_loaded';

export interface CampaignBudget {
  campaignId: string;
  status: 'active' | 'paused';
  totalBudgetMicros: Micros;
  /** null = no daily cap. Rolls over at midnight in `timeZone`. */
  dailyBudgetMicros: Micros | null;
  /** Flight, epoch ms. */
  startAt: number;
  endAt: number;
  /** IANA zone, e.g. America/New_York. */
  timeZone: string;
  pacing: PacingMode;
}

/** The catalog implements this; the budget part subscribes. */
export interface CampaignBudgetSource {
  listBudgets(): Promise<CampaignBudget[]>;
  /** Called after a committed change; returns an unsubscribe function. */
  onBudgetChange(listener: (budget: CampaignBudget) => void): () => void;
  /** Without it (tests with an in-memory source) the ledger cannot be checked against the catalog. */
  ledgers?: LedgerRegistry;
}

/** What the catalog remembers of a budget ledger (ledger-guard.ts). */
export interface LedgerRecord {
  ledgerId: string;
  pendingLedgerId: string | null;
}

/** The catalog's record of which ledger it funded: outlives a wiped Redis or a lost journal. */
export interface LedgerRegistry {
  get(name: string): Promise<LedgerRecord | null>;
  /** Insert when absent; returns the record now stored (another replica may have won the insert). */
  create(name: string, ledgerId: string): Promise<LedgerRecord>;
  /** Re-seed step 1: remember the new ledger id before writing it to the ledger. */
  setPending(name: string, pendingLedgerId: string): Promise<void>;
  /** Re-seed done: the pending id becomes the ledger id; `reseed` is kept as the audit record. */
  completeReseed(name: string, ledgerId: string, reseed: unknown): Promise<void>;
}
