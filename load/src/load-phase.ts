// One measured load phase against one target (the edge or the bare fan-out): open-loop SSP
// traffic, optional user simulation, CPU of the target's process tree over the phase.
import { cpuBetween, sampleTree } from './proc-cpu.ts';
import { endProgress, printProgress, progressLine } from './progress.ts';
import type { RateFn } from './schedule.ts';
import { type Answer, runSsp, type SspResult } from './ssp-simulator.ts';
import type { MixOptions } from './traffic-mix.ts';
import { DEFAULT_USER_MODEL } from './user-model.ts';
import { createUserSimulator, type UserSimStats } from './user-simulator.ts';

export interface PhaseOptions {
  label: string;
  url: string;
  /** The target's workerd instances' own origins: auctions alternate over these instead of url. */
  spreadOver?: string[];
  /** Auctions take turns over this many connection pools to url, as that many SSPs would. */
  sspConnections?: number;
  apiKey: string;
  seed: number;
  rate: RateFn;
  durationS: number;
  mix: MixOptions;
  users: boolean;
  /** Processes whose CPU is the target's (their whole trees are counted). */
  cpuRoots: number[];
  /** Other parts whose CPU is reported beside the target's (DSP fleet, core), by name. */
  otherRoots?: Record<string, number[]>;
  quiet?: boolean;
  /** Which winning seats are external DSPs (for the billing-notice check). */
  isDspSeat?: (seat: string) => boolean;
  /** Each answered request (id, latency, headers, body), for benchmarks that match answers to target-side timings. */
  onAnswer?: (a: Answer) => void;
}

export interface PhaseResult {
  ssp: SspResult;
  users: UserSimStats | undefined;
  cpuMs: number;
  cpuByComm: Record<string, number>;
  /** Time the target's threads were runnable but waited for a CPU over the phase, ms. */
  runQueueWaitMs: number;
  /** Requests the target answered with an auction outcome (200 or 204). */
  auctions: number;
  /** CPU ms of the other parts and of this load generator over the phase: who else used the 2 cores. */
  otherCpuMs: Record<string, number>;
}

export async function runPhase(o: PhaseOptions): Promise<PhaseResult> {
  const users = o.users
    ? createUserSimulator({
        seed: o.seed,
        model: { ...DEFAULT_USER_MODEL, seed: o.seed },
        renderMs: 150,
        clickMs: 1500,
        convertMs: 3000,
        maxDelayMs: 8000,
        maxPending: 50_000,
        ...(o.isDspSeat ? { isDspSeat: o.isDspSeat } : {}),
      })
    : undefined;
  let errors = 0;
  let sent = 0;
  const before = sampleTree(o.cpuRoots, { runQueueWait: true });
  const othersBefore = Object.entries(o.otherRoots ?? {}).map(([k, pids]) => [k, sampleTree(pids)] as const);
  const selfBefore = process.cpuUsage();
  const ssp = await runSsp({
    edgeUrl: o.url,
    spreadOver: o.spreadOver,
    sspConnections: o.sspConnections,
    path: '/openrtb2/auction',
    apiKey: o.apiKey,
    seed: o.seed,
    rate: o.rate,
    durationS: o.durationS,
    mix: o.mix,
    connections: 256,
    clientTimeoutMs: Math.max(1000, o.mix.tmaxMs * 5),
    maxInFlight: 4000,
    fireWinNotices: o.users,
    ...(users ? { onWin: (w) => users.onWin(w) } : {}),
    ...(o.onAnswer ? { onAnswer: o.onAnswer } : {}),
    onSecond: (s) => {
      sent += s.scheduled;
      errors += s.errors;
      if (!o.quiet) printProgress(progressLine(o.label, o.durationS, s, { sent, errors }));
    },
  });
  if (users) await users.drain(12_000);
  const after = sampleTree(o.cpuRoots, { runQueueWait: true });
  const self = process.cpuUsage(selfBefore);
  const otherCpuMs: Record<string, number> = { 'load generator': (self.user + self.system) / 1000 };
  for (const [k, b] of othersBefore)
    otherCpuMs[k] = cpuBetween(b, sampleTree(o.otherRoots?.[k] ?? [])).totalMs;
  if (!o.quiet) endProgress();
  const cpu = cpuBetween(before, after);
  const auctions = ['valid', 'bot'].reduce((n, k) => {
    const m = ssp.statuses[k as 'valid' | 'bot'];
    return n + (m[200] ?? 0) + (m[204] ?? 0);
  }, 0);
  return {
    ssp,
    users: users?.stats(),
    cpuMs: cpu.totalMs,
    cpuByComm: cpu.byComm,
    runQueueWaitMs: cpu.runQueueWaitMs,
    auctions,
    otherCpuMs,
  };
}
