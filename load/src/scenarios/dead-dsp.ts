// One DSP's port closes mid-run (connection refused): the edge's circuit breaker should stop
// calling it, with no error reaching the SSP, and let it back when it returns.
import { STANDARD } from '../invariants.ts';
import { fleet } from './baseline.ts';
import type { Scenario } from './types.ts';

export const deadDsp: Scenario = {
  name: 'dead-dsp',
  description: 'dsp-3 refuses connections from t=10 s to t=45 s.',
  durationS: 60,
  qps: 150,
  tmaxMs: 200,
  mode: 'single-node',
  dsps: fleet,
  users: true,
  invariants: STANDARD,
  steps: [
    { atS: 10, label: 'dsp-3 dies', run: (ctx) => ctx.stack.fleet.configure('dsp-3', { dead: true }) },
    { atS: 45, label: 'dsp-3 comes back', run: (ctx) => ctx.stack.fleet.configure('dsp-3', { dead: false }) },
  ],
};
