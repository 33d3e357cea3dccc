// Pacing for one lease request, pure: turns a campaign's plan, the clock and its last known
// spend into the caps the ledger enforces atomically. No I/O here; lease-service.ts calls it.
import type { Micros } from '@edge-rtb/shared/money';
import { DEFAULT_GAINS, type PiGains, type PiState, piStep } from '@edge-rtb/shared/pacing/controller';
import { plannedRate, plannedSpend } from '@edge-rtb/shared/pacing/plan';
import { type LocalDay, localDay } from '@edge-rtb/shared/pacing/zoned-day';
import type { CampaignBudget } from './campaign-budget.ts';

export interface PacingDecision {
  day: LocalDay;
  /** Max spent + leased right now (null = ASAP, only the budget limits). */
  committedCapMicros: Micros | null;
  /** Max net grants today (null = no daily budget). */
  dailyCapMicros: Micros | null;
  /** The plan's rate now, micros/s: the lease size when the holder has no spend history yet. */
  plannedRatePerSec: number;
  pi: PiState;
}

/**
 * `lookaheadMs` (one lease lifetime) lets a lease granted now carry what the plan allows over
 * its life; without it an even plan would allow nothing at the start of a flight.
 */
export function pace(
  b: CampaignBudget,
  now: number,
  spent: Micros,
  pi: PiState,
  lookaheadMs: number,
  gains: PiGains = DEFAULT_GAINS,
): PacingDecision {
  const flight = { startMs: b.startAt, endMs: b.endAt };
  const day = localDay(now, b.timeZone);
  const dayWindow = { startMs: day.startMs, endMs: day.endMs };
  const planned = plannedSpend(b.pacing, b.totalBudgetMicros, flight, now);
  const step = piStep(pi, { nowMs: now, planned, actual: spent, budget: b.totalBudgetMicros }, gains);
  const ahead = now + lookaheadMs;
  const committedCapMicros =
    b.pacing === 'asap'
      ? null
      : clamp(
          plannedSpend(b.pacing, b.totalBudgetMicros, flight, ahead) + step.adjustMicros,
          b.totalBudgetMicros,
        );
  const dailyCapMicros =
    b.dailyBudgetMicros === null
      ? null
      : b.pacing === 'asap'
        ? b.dailyBudgetMicros
        : plannedSpend(b.pacing, b.dailyBudgetMicros, dayWindow, ahead);
  // Within a day the daily plan may be the tighter rate.
  let rate = plannedRate(b.pacing, b.totalBudgetMicros, flight, now);
  if (b.dailyBudgetMicros !== null)
    rate = Math.min(rate, plannedRate(b.pacing, b.dailyBudgetMicros, dayWindow, now));
  return { day, committedCapMicros, dailyCapMicros, plannedRatePerSec: rate, pi: step.state };
}

const clamp = (x: number, max: number) => Math.min(max, Math.max(0, Math.round(x)));
