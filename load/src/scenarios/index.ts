// Every scenario by name, for bench.ts and docs/load.md.
import { baseline } from './baseline.ts';
import { budgetEnd, budgetEndCluster } from './budget-end.ts';
import { coreDown } from './core-down.ts';
import { deadDsp } from './dead-dsp.ts';
import { serviceDown } from './service-down.ts';
import { slowDsp } from './slow-dsp.ts';
import { spike } from './spike.ts';
import type { Scenario } from './types.ts';

export const SCENARIOS: Record<string, Scenario> = Object.fromEntries(
  [
    baseline,
    spike,
    slowDsp,
    deadDsp,
    coreDown,
    serviceDown('redis'),
    serviceDown('kafka'),
    serviceDown('clickhouse'),
    budgetEnd,
    budgetEndCluster,
  ].map((s) => [s.name, s]),
);
