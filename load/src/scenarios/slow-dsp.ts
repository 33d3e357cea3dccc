// One DSP turns slow mid-run (answers after 300 ms, past the deadline): the edge must cut it
// off at tmax minus its margin and still answer in time with the other DSPs' bids.
import { STANDARD } from '../invariants.ts';
import { fleet } from './baseline.ts';
import type { Scenario } from './types.ts';

export const slowDsp: Scenario = {
  name: 'slow-dsp',
  description: 'dsp-2 adds 300 ms to every answer from t=10 s to t=50 s.',
  durationS: 60,
  qps: 150,
  tmaxMs: 200,
  mode: 'single-node',
  dsps: fleet,
  users: true,
  invariants: STANDARD,
  steps: [
    {
      atS: 10,
      label: 'dsp-2 slows to +300 ms',
      run: (ctx) => ctx.stack.fleet.configure('dsp-2', { extraDelayMs: 300 }),
    },
    {
      atS: 50,
      label: 'dsp-2 recovers',
      run: (ctx) => ctx.stack.fleet.configure('dsp-2', { extraDelayMs: 0 }),
    },
  ],
};
