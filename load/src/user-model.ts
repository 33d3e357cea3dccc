// Hidden ground truth for simulated users: each (user, creative) pair has a click and a
// conversion probability the exchange never sees, so the core's CTR/CVR models can be judged
// against the truth. Deterministic from the seed: a user keeps their tastes across runs.
import { hash32 } from './prng.ts';

export interface GroundTruth {
  pClick: number;
  /** Probability of converting after a click. */
  pConvert: number;
}

export interface UserModelOptions {
  seed: number;
  /** Average click-through rate over all pairs. */
  baseCtr: number;
  baseCvr: number;
}

export const DEFAULT_USER_MODEL: UserModelOptions = { seed: 1, baseCtr: 0.02, baseCvr: 0.08 };

/** Uniform in [0, 1) from a hash, without a generator: the same inputs give the same number. */
function unit(seed: number, text: string): number {
  return hash32(`${seed}|${text}`) / 4294967296;
}

/**
 * Multiplicative affinity: the user's general clickiness x the creative's appeal x a
 * pair-specific match, each spread around 1 so the average stays near the base rate.
 */
export function groundTruth(
  userId: string,
  creativeId: string,
  o: UserModelOptions = DEFAULT_USER_MODEL,
): GroundTruth {
  const user = 0.25 + 1.5 * unit(o.seed, `u:${userId}`);
  const creative = 0.5 + unit(o.seed, `c:${creativeId}`);
  const match = 0.5 + unit(o.seed, `m:${userId}:${creativeId}`);
  const pClick = Math.min(0.5, o.baseCtr * user * creative * match);
  const pConvert = Math.min(0.9, o.baseCvr * (0.5 + unit(o.seed, `cv:${creativeId}`)) * user);
  return { pClick, pConvert };
}
