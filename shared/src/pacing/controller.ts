// A PI controller on spend error. The plan says what should have been spent by now; actual
// spend lags when leases sit unspent on edges (stranded) or wins are scarce. The controller
// turns the accumulated shortfall into extra room on top of the plan (negative when ahead),
// so the campaign catches up smoothly instead of never, or all at once.
import type { Micros } from '../money.ts';

export interface PiGains {
  /** Room per unit of error (error is a share of the budget). */
  kp: number;
  /** Room per unit of error-second. */
  ki: number;
  /** |output| is capped at this share of the budget (and the integral with it: anti-windup). */
  maxShare: number;
}

export const DEFAULT_GAINS: PiGains = { kp: 0.5, ki: 1 / 1800, maxShare: 0.1 };

export interface PiState {
  integral: number;
  lastMs: number | null;
}

export const initialPi = (): PiState => ({ integral: 0, lastMs: null });

/** One controller step: returns the next state and the room adjustment in micros. */
export function piStep(
  state: PiState,
  input: { nowMs: number; planned: Micros; actual: Micros; budget: Micros },
  gains: PiGains = DEFAULT_GAINS,
): { state: PiState; adjustMicros: Micros } {
  if (input.budget <= 0) return { state, adjustMicros: 0 };
  const error = (input.planned - input.actual) / input.budget;
  const dt = state.lastMs === null ? 0 : Math.max(0, (input.nowMs - state.lastMs) / 1000);
  const limit = gains.ki > 0 ? gains.maxShare / gains.ki : 0;
  const integral = Math.min(limit, Math.max(-limit, state.integral + error * dt));
  const u = Math.min(gains.maxShare, Math.max(-gains.maxShare, gains.kp * error + gains.ki * integral));
  return { state: { integral, lastMs: input.nowMs }, adjustMicros: Math.round(u * input.budget) };
}
