// The core goes away for 30 s: the edge keeps serving DSP demand from its cached snapshot and
// lets its own campaigns spend only the leases it already holds. Events pile up at the edge
// or are retried, and must all land once the core is back.
import { budgets } from '../core-client.ts';
import { STANDARD, spendWithinHeldLeases } from '../invariants.ts';
import { fleet } from './baseline.ts';
import type { Scenario } from './types.ts';

let spentAtStop = 0;

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
  invariants: [...STANDARD, spendWithinHeldLeases],
  steps: [
    {
      atS: 15,
      label: 'core stops',
      run: async (ctx) => {
        const b = await budgets(ctx.stack.coreUrl);
        if (!b.view) throw new Error(`cannot read leases before the outage: ${b.why}`);
        spentAtStop = b.view.raw.reduce((n, s) => n + s.spentMicros + s.overrunMicros, 0);
        ctx.facts.outage = { heldMicros: b.view.leasedMicros, spentMicros: Number.NaN };
        await ctx.stack.stopCore();
      },
    },
    {
      atS: 45,
      label: 'core restarts',
      run: async (ctx) => {
        await ctx.stack.startCore();
        // What the edge spent while the core was away shows up as settles/expiries of the leases it
        // held; read after the restart, anything above the held amount is spending without a lease.
        await new Promise((r) => setTimeout(r, 8000));
        const b = await budgets(ctx.stack.coreUrl);
        if (!b.view || !ctx.facts.outage) throw new Error(`cannot read spend after the outage: ${b.why}`);
        const spentNow = b.view.raw.reduce((n, s) => n + s.spentMicros + s.overrunMicros, 0);
        ctx.facts.outage.spentMicros = spentNow - spentAtStop;
      },
    },
  ],
};
