// The core goes away for 30 s: the edge keeps serving DSP demand from its cached snapshot and
// lets its own campaigns spend only the leases it already holds (checked per lease for the
// whole run by the standard invariants). Events pile up at the edge or are retried, and must
// all land once the core is back.
import { STANDARD } from '../invariants.ts';
import { fleet } from './baseline.ts';
import type { Scenario } from './types.ts';

export const coreDown: Scenario = {
  name: 'core-down',
  description: 'The regional core is stopped at t=15 s and restarted at t=45 s (same data directory).',
  durationS: 70,
  qps: 100,
  tmaxMs: 200,
  mode: 'single-node',
  dsps: fleet,
  users: true,
  settleS: 15,
  invariants: STANDARD,
  steps: [
    { atS: 15, label: 'core stops', run: (ctx) => ctx.stack.stopCore() },
    { atS: 45, label: 'core restarts', run: (ctx) => ctx.stack.startCore() },
  ],
};
