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
}
