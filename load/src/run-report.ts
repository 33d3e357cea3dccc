// The record of one scenario run: what bench.ts fills in and report.ts writes out.
import type { DspStats } from './dsp-fleet.ts';
import type { CampaignSpend, Verdict } from './invariants.ts';
import type { LatencySummary } from './percentiles.ts';
import type { UserSimStats } from './user-simulator.ts';

export interface TimelinePoint {
  t: number;
  scheduled: number;
  answered: number;
  errors: number;
  p50: number;
  p99: number;
}

export interface RunReport {
  scenario: string;
  description: string;
  command: string;
  startedAt: string;
  seed: number;
  durationS: number;
  tmaxMs: number;
  /** How the edge ran: 'serve' (edge-worker/scripts/serve.ts, Miniflare API) or 'raw' (plain workerd config). */
  edgeRuntime?: 'serve' | 'raw';
  throughput: {
    scheduled: number;
    sent: number;
    answered: number;
    answeredPerS: number;
    bidsReceived: number;
  };
  latency: { valid: LatencySummary; all: LatencySummary };
  statuses: Record<string, Record<string, number>>;
  timeouts: number;
  errorRate: number;
  fillRate: number;
  cpu: {
    edgeMsPerAuction: number | undefined;
    edgeTotalMs: number | undefined;
    byComm: Record<string, number>;
    /** CPU ms of the other parts (DSP fleet, core, load generator) over the same phase. */
    others?: Record<string, number>;
    /** The bare Hono fan-out's CPU per auction at the same rate, when the scenario ran it. */
    fanoutMsPerAuction?: number | undefined;
    note?: string;
  };
  core: { roundTripsPer1000: number | undefined; byRoute: Record<string, number>; note?: string };
  spend: CampaignSpend[] | undefined;
  events: { sent: Record<string, number>; landed: Record<string, number> | undefined };
  dsps: DspStats[];
  users: UserSimStats | undefined;
  sendLagP99Ms: number;
  verdicts: Verdict[];
  timeline: TimelinePoint[];
  samples: Array<{ kind: string; status: number; body: string }>;
  notes: string[];
  /** Extra tables a scenario adds (e.g. the overhead benchmark's steps). */
  extra?: Record<string, unknown>;
}
