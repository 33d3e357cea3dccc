// Steady realistic traffic: the reference every chaos scenario is compared with.
import { defaultProfile } from '../dsp-behavior.ts';
import { STANDARD } from '../invariants.ts';
import type { Scenario } from './types.ts';

export const fleet = () => [0, 1, 2, 3, 4].map((i) => defaultProfile(i));

export const baseline: Scenario = {
  name: 'baseline',
  description:
    'Steady open-loop traffic at 150 req/s: the full request mix, 5 DSPs with lognormal latency and a few faults, simulated users.',
  durationS: 60,
  qps: 150,
  tmaxMs: 200,
  mode: 'single-node',
  dsps: fleet,
  users: true,
  invariants: STANDARD,
  fanoutReference: true,
};
