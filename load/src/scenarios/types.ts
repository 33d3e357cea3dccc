// What a scenario declares: its traffic, its DSPs, the chaos it causes when, and the
// invariants that must hold. The harness (harness.ts) does the rest the same way for all.
import type { DspProfile } from '../dsp-behavior.ts';
import type { Invariant, RunFacts } from '../invariants.ts';
import type { RateFn } from '../schedule.ts';
import type { ServiceName } from '../services.ts';
import type { Stack } from '../stack.ts';
import type { MixOptions } from '../traffic-mix.ts';

export interface ScenarioContext {
  stack: Stack;
  /** Seconds since the load started. */
  elapsedS(): number;
  log(message: string): void;
  /** Scenario-specific facts (e.g. outage figures) merged into the run's facts. */
  facts: Partial<RunFacts>;
  notes: string[];
  /** Services this run started itself (safe to stop); others belong to someone else. */
  ownServices: readonly string[];
}

export interface ChaosStep {
  atS: number;
  label: string;
  run(ctx: ScenarioContext): Promise<void>;
}

export interface Scenario {
  name: string;
  description: string;
  durationS: number;
  /** Base arrival rate; `rate` may shape it over time. */
  qps: number;
  rate?: (qps: number, durationS: number) => RateFn;
  tmaxMs: number;
  mode: 'single-node' | 'cluster';
  services?: ServiceName[];
  dsps(): DspProfile[];
  mix?: Partial<MixOptions>;
  /** Simulate users (trackers, clicks, conversions); off for pure latency/CPU runs. */
  users: boolean;
  steps?: ChaosStep[];
  invariants: Invariant[];
  /** Also run the bare fan-out reference at the same rate to report its CPU per auction. */
  fanoutReference?: boolean;
  /** Seconds to wait after the load for events to reach the store before counting them. */
  settleS?: number;
}
