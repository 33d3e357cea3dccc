// A 10x burst for 30 s: the edge must shed nothing with a 5xx and recover its latency after.
import { STANDARD } from '../invariants.ts';
import { spikeRate } from '../schedule.ts';
import { fleet } from './baseline.ts';
import type { Scenario } from './types.ts';

export const spike: Scenario = {
  name: 'spike',
  description: 'Base 50 req/s with a 10x spike (500 req/s) for 30 s from t=20 s.',
  durationS: 80,
  qps: 50,
  rate: (qps) => spikeRate(qps, 10, 20, 30),
  tmaxMs: 200,
  mode: 'single-node',
  dsps: fleet,
  users: true,
  invariants: STANDARD,
};
