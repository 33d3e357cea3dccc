// The edge-overhead benchmark (issue 3's): 5 DSPs that always bid after a fixed delay, valid
// single-imp banner requests at rising rates; per step, end-to-end latency minus the slowest
// DSP's latency (P50/P99) and CPU per auction, for the edge and for the bare fan-out
// reference (served like the edge through Miniflare, and in raw workerd) in the same run.
// "The slowest DSP's latency" is, per request, the longest DSP call the target itself timed
// for that request: the edge's auction event (matched by the answer's bidid = auction id),
// the bare fan-out's x-slowest-dsp-ms header; both time a call the same way (Date.now() from
// before the fetch until its answer is parsed). On a busy box the DSPs answer well after their
// nominal 5 ms, and that wait is not the edge's.
import { Buffer } from 'node:buffer';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { panel, renderPage } from './chart.ts';
import type { CoreTap, TapEvents } from './core-tap.ts';
import { type DspProfile, instantProfile } from './dsp-behavior.ts';
import { startFleetProcess } from './dsp-fleet-process.ts';
import {
  type BareWork,
  type FanoutRuntime,
  parseBareWork,
  startFanoutReference,
} from './fanout-reference.ts';
import { type GcSummary, gcSummary, parseGcTrace } from './gc-trace.ts';
import { runPhase } from './load-phase.ts';
import { percentile, summarize } from './percentiles.ts';
import { type Managed, stopAll } from './processes.ts';
import { constantRate } from './schedule.ts';
import type { Answer } from './ssp-simulator.ts';
import { DEV_SSP_KEY, type Stack, startStack } from './stack.ts';
import type { AuctionTiming } from './tap-ledger.ts';
import { DEFAULT_MIX, type MixOptions } from './traffic-mix.ts';
import { instanceUrls, v8FlagsFromEnv, workerdInstancesFromEnv } from './workerd-config.ts';

export interface OverheadStep {
  /** The edge, or the bare fan-out served like the edge (Miniflare API) or in raw workerd (DESIGN's anchor). */
  target: 'edge (serve.ts)' | 'edge (raw workerd)' | 'bare-fanout (miniflare)' | 'bare-fanout (raw workerd)';
  qps: number;
  auctions: number;
  answeredPerS: number;
  /**
   * Per request: end-to-end latency (from the moment the load generator sent it to the moment it
   * read the answer) minus the slowest DSP call the target timed for it, ms.
   */
  overheadP50: number;
  overheadP99: number;
  /** Share (0-1) of those requests over the aim (5 ms): the P99 aim holds while it is under 1%. */
  overAimShare: number;
  /**
   * The same counted from the request's scheduled send time, so including how late the load
   * generator's timer sent it (P50 ~0.7 ms, P99 ~1.2 ms on an idle box): the headline figure up to
   * session 7, kept for continuity.
   */
  fromScheduleP50: number;
  fromScheduleP99: number;
  /** How late the load generator sent those requests, P50 / P99, ms (the gap between the two). */
  generatorLate: [number, number];
  /** Per request: the target's own handler time minus its slowest DSP call (edge-internal view), ms. */
  internalP50: number;
  internalP99: number;
  /** The old figure, kept for continuity: end-to-end latency minus the DSPs' nominal delay, ms. */
  nominalP50: number;
  nominalP99: number;
  /** The slowest DSP call per request as the target timed it, ms. */
  slowestDspP50: number;
  slowestDspP99: number;
  /**
   * Answered requests left out of the overhead columns: no auction id in the answer (an edge
   * no-bid answer carries no bidid) / its auction event not delivered in time.
   */
  unmatched: { noId: number; notFound: number };
  /** Where the slowest 1% spent their overhead (medians, ms). */
  tail?: TailBreakdown;
  e2eP99: number;
  timeouts: number;
  errors: number;
  cpuMsPerAuction: number;
  /**
   * How long the target's threads were runnable but waited for a core, per auction, ms
   * (/proc schedstat): the share of its latency that is the machine's, not its own work.
   */
  runQueueWaitMsPerAuction?: number;
  /**
   * Raw workerd targets: the isolate's GC pauses over the step (V8's --trace-gc in its log), and
   * the share of the step a pause had more than 5 ms still to run, a floor under the share of
   * requests over the P99 aim that no handler code can lift (gc-trace.ts).
   */
  gc?: GcSummary;
  /**
   * CPU ms of the DSP fleet, the load generator and (edge rows) the regional core over the step:
   * who else used the cores, and what the core spent on the edge's events and loss notices.
   */
  otherCpuMs: Record<string, number>;
  /** Edge only: DSP call outcomes from its auction events over the step (bid, timeout, circuit_open...). */
  dspOutcomes?: Record<string, number>;
  /** Paired mode: which pair of the rate this step belongs to (1-based). */
  pair?: number;
  /**
   * Paired mode: this step ran at the same time as the other target's, on the same machine state
   * (the CPU comparison); its latencies are under both targets' load, so not for the P99 aim.
   */
  together?: boolean;
}

export const DSP_DELAY_MS = 5;

/** Seconds of warm-up per target: past the first full GC at 200 req/s (~20 s), see steps(). */
export const DEFAULT_WARMUP_S = 25;

/**
 * The warm-up's rate: the top step's, and at least 200 req/s, since the first full GC comes after
 * a fixed amount of garbage (~32 MB, ~8 KB per auction): at 50 req/s it would take ~80 s.
 */
export const warmupRate = (rates: readonly number[]): number => Math.max(200, ...rates);

/** What the target timed itself for one request, ms. */
export interface TargetTiming {
  slowestDspMs: number;
  handlerMs: number;
  /** When the target's handler started, by its own clock (Date.now(), ms); absent or NaN when unknown. */
  startedAtMs?: number;
}

/** One answered request: its end-to-end latency and how to find the target's timing for it. */
export interface TimedAnswer {
  latencyMs: number;
  /** Load generator's side: how late it sent, and when it sent and read the answer (wall clock, ms). */
  sendLagMs?: number;
  sentAtMs?: number;
  answeredAtMs?: number;
  /** Timing the answer carried itself (bare fan-out headers). */
  timing?: TargetTiming;
  /** Otherwise the auction id to look up in the target's events (edge). */
  auctionId?: string;
}

const BIDID = /"bidid"\s*:\s*"([^"]+)"/;

/** The bare fan-out's per-request timing headers; undefined when absent or not numbers. */
export function timingFromHeaders(h: Answer['headers']): TargetTiming | undefined {
  const slowest = Number(h['x-slowest-dsp-ms']);
  const handler = Number(h['x-handler-ms']);
  if (h['x-slowest-dsp-ms'] === undefined || h['x-handler-ms'] === undefined) return undefined;
  const started = Number(h['x-handler-start'] ?? Number.NaN);
  return Number.isFinite(slowest) && Number.isFinite(handler)
    ? {
        slowestDspMs: slowest,
        handlerMs: handler,
        ...(Number.isFinite(started) ? { startedAtMs: started } : {}),
      }
    : undefined;
}

/** Reads an answer for the overhead columns: its timing headers, or the edge's auction id (bidid). */
export function timedAnswer(
  a: Pick<Answer, 'latencyMs' | 'headers' | 'body'> &
    Partial<Pick<Answer, 'sendLagMs' | 'sentAtMs' | 'answeredAtMs'>>,
): TimedAnswer {
  const base: TimedAnswer = {
    latencyMs: a.latencyMs,
    ...(a.sendLagMs === undefined ? {} : { sendLagMs: a.sendLagMs }),
    ...(a.sentAtMs === undefined ? {} : { sentAtMs: a.sentAtMs }),
    ...(a.answeredAtMs === undefined ? {} : { answeredAtMs: a.answeredAtMs }),
  };
  const timing = timingFromHeaders(a.headers);
  if (timing) return { ...base, timing };
  const id = BIDID.exec(a.body)?.[1];
  return id ? { ...base, auctionId: id } : base;
}

/**
 * Where the slowest 1% of requests (by overhead) spent the time that is not the DSPs', medians in
 * ms: the load generator sending late, the wait between its send and the target's handler starting
 * (connection, the runtime's queue, a busy or collecting isolate), the handler's own work outside the
 * slowest DSP call, and the wait between the handler's end and the answer read at the load
 * generator. The two clocks are the same machine's; the target's reads whole ms.
 */
export interface TailBreakdown {
  requests: number;
  sendLagMs: number;
  toHandlerMs: number;
  inHandlerMs: number;
  afterHandlerMs: number;
}

export interface OverheadFigures {
  overheadP50: number;
  overheadP99: number;
  /**
   * Share (0-1) of matched requests whose overhead exceeded the aim (AIM.overheadP99Ms). The P99
   * aim holds while it stays under 1%; unlike a P99 it says by how much, and it sums: a step's
   * runtime GC pauses alone account for at least gc.stoppedOverShare of it.
   */
  overAimShare: number;
  fromScheduleP50: number;
  fromScheduleP99: number;
  generatorLate: [number, number];
  internalP50: number;
  internalP99: number;
  slowestDspP50: number;
  slowestDspP99: number;
  matched: number;
  unmatched: { noId: number; notFound: number };
  tail?: TailBreakdown;
}

/**
 * Per request, end-to-end minus that request's slowest DSP call and handler time minus it, then
 * nearest-rank P50/P99 of those differences (not the difference of two percentiles: the slow
 * requests of one are not the slow requests of the other).
 * End-to-end starts when the request is sent, not when it was due: the load generator's timer
 * (setTimeout, whole ms) sends 0-2 ms late whatever the target, and an open-loop generator is
 * never held back by the target's answers, so that wait is neither the target's nor the DSPs'.
 * The figure counted from the schedule is kept beside it.
 */
export function overheadFigures(
  answers: readonly TimedAnswer[],
  lookup: (auctionId: string) => TargetTiming | undefined,
): OverheadFigures {
  const e2e: number[] = [];
  const fromSchedule: number[] = [];
  const late: number[] = [];
  const internal: number[] = [];
  const slowest: number[] = [];
  const unmatched = { noId: 0, notFound: 0 };
  const timed: Timed[] = [];
  for (const a of answers) {
    if (!a.timing && a.auctionId === undefined) {
      unmatched.noId++;
      continue;
    }
    const t = a.timing ?? lookup(a.auctionId as string);
    if (!t) {
      unmatched.notFound++;
      continue;
    }
    const overhead = a.latencyMs - (a.sendLagMs ?? 0) - t.slowestDspMs;
    e2e.push(overhead);
    late.push(a.sendLagMs ?? 0);
    fromSchedule.push(a.latencyMs - t.slowestDspMs);
    internal.push(t.handlerMs - t.slowestDspMs);
    slowest.push(t.slowestDspMs);
    timed.push({ a, t, overhead });
  }
  const tail = tailBreakdown(timed);
  let overAim = 0;
  for (const x of e2e) if (x > AIM.overheadP99Ms) overAim++;
  const asc = (x: number[]) => x.sort((p, q) => p - q);
  asc(e2e);
  asc(fromSchedule);
  asc(late);
  asc(internal);
  asc(slowest);
  return {
    overheadP50: percentile(e2e, 50),
    overheadP99: percentile(e2e, 99),
    overAimShare: e2e.length ? overAim / e2e.length : Number.NaN,
    fromScheduleP50: percentile(fromSchedule, 50),
    fromScheduleP99: percentile(fromSchedule, 99),
    generatorLate: [percentile(late, 50), percentile(late, 99)],
    internalP50: percentile(internal, 50),
    internalP99: percentile(internal, 99),
    slowestDspP50: percentile(slowest, 50),
    slowestDspP99: percentile(slowest, 99),
    matched: e2e.length,
    unmatched,
    ...(tail ? { tail } : {}),
  };
}

interface Timed {
  a: TimedAnswer;
  t: TargetTiming;
  overhead: number;
}

function tailBreakdown(timed: Timed[]): TailBreakdown | undefined {
  const worst = [...timed]
    .sort((p, q) => q.overhead - p.overhead)
    .slice(0, Math.max(1, Math.ceil(timed.length / 100)))
    .filter(
      (x) =>
        x.a.sentAtMs !== undefined &&
        x.a.answeredAtMs !== undefined &&
        Number.isFinite(x.t.startedAtMs ?? Number.NaN),
    );
  if (worst.length === 0) return undefined;
  const median = (xs: number[]) =>
    percentile(
      xs.sort((p, q) => p - q),
      50,
    );
  return {
    requests: worst.length,
    sendLagMs: median(worst.map((x) => x.a.sendLagMs ?? 0)),
    toHandlerMs: median(worst.map((x) => (x.t.startedAtMs as number) - (x.a.sentAtMs as number))),
    inHandlerMs: median(worst.map((x) => x.t.handlerMs - x.t.slowestDspMs)),
    afterHandlerMs: median(
      worst.map((x) => (x.a.answeredAtMs as number) - ((x.t.startedAtMs as number) + x.t.handlerMs)),
    ),
  };
}

/** The overhead bench's traffic: single-imp banner requests, no bots, malformed requests or deals. */
export const OVERHEAD_MIX: MixOptions = {
  ...DEFAULT_MIX,
  tmaxMs: 300,
  botShare: 0,
  malformedShare: 0,
  deals: [],
  formats: { banner: 1, video: 0, native: 0, multi: 0 },
};

/** One target under test: where it answers, which processes are its CPU, what else to watch. */
interface Target {
  name: OverheadStep['target'];
  url: string;
  /** Its workerd instances' own URLs, which auctions alternate over (WORKERD_INSTANCES > 1, raw targets). */
  spreadOver?: string[];
  /** Or the shared port, over this many SSP connections (OVERHEAD_SSP_CONNECTIONS). */
  sspConnections?: number;
  roots: number[];
  fleetPid: number;
  tap?: CoreTap;
  corePid?: number;
  /** The target's workerd log, when V8 traces its GCs there. */
  gcLog?: string;
}

/** The overhead bench traces GCs in both raw workerd targets unless OVERHEAD_GC_TRACE=off. */
const traceGc = () => process.env.OVERHEAD_GC_TRACE !== 'off';

/** A log's size in bytes now (0 before it exists): where a step's lines will start. */
export const logSize = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/** What a log gained from byte `from` on (the step's GC lines: workerd writes them line-buffered). */
export function appendedSince(path: string, from: number): string {
  const to = logSize(path);
  if (to <= from) return '';
  const buf = Buffer.alloc(to - from);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, buf.length, from);
  } finally {
    closeSync(fd);
  }
  return buf.toString('utf8');
}

// Warm-up at the top rate, so the steps see the isolate in its steady state: snapshot loaded,
// JIT done, and past the runtime's first full GC. workerd runs V8 without incremental or
// concurrent marking, and every request and fetch leaves ~1-1.5 KB of runtime wrappers that only
// a full mark-compact frees; the first one in a fresh isolate waits for ~32 MB of them (130-170 ms
// stopped, at ~20 s of 200 req/s), the later ones for 10-20 MB (40-70 ms). Without the warm-up,
// whether that first one fell inside a step decided the step's P99 (docs/benchmarks.md).
async function warmUp(t: Target, rates: number[], seed: number, warmupS: number): Promise<void> {
  await runPhase({
    label: 'warm-up',
    url: t.url,
    spreadOver: t.spreadOver,
    sspConnections: t.sspConnections,
    apiKey: DEV_SSP_KEY,
    seed: seed + 1,
    rate: constantRate(warmupRate(rates)),
    durationS: warmupS,
    mix: OVERHEAD_MIX,
    users: false,
    cpuRoots: t.roots,
    quiet: true,
  });
}

async function measureStep(t: Target, qps: number, stepS: number, seed: number): Promise<OverheadStep> {
  const tapBefore = await t.tap?.counts();
  const answers: TimedAnswer[] = [];
  const gcFrom = t.gcLog ? logSize(t.gcLog) : 0;
  const p = await runPhase({
    label: `${t.name} @${qps}/s`,
    url: t.url,
    spreadOver: t.spreadOver,
    sspConnections: t.sspConnections,
    apiKey: DEV_SSP_KEY,
    seed,
    rate: constantRate(qps),
    durationS: stepS,
    mix: OVERHEAD_MIX,
    users: false,
    cpuRoots: t.roots,
    otherRoots: { 'DSP fleet': [t.fleetPid], ...(t.corePid ? { core: [t.corePid] } : {}) },
    onAnswer: (a) => {
      if (a.kind === 'valid' && a.status === 200) answers.push(timedAnswer(a));
    },
  });
  const gcText = t.gcLog ? appendedSince(t.gcLog, gcFrom) : undefined;
  const v = summarize(p.ssp.validLatencies);
  // Auction events arrive in batches after the answers (flushed about once a second, slower on a
  // busy edge, and the slow answers' events are the likeliest late): wait until every answered
  // auction's event is in, or none arrived for 3 s (at most 20 s), before matching.
  const tap = t.tap;
  const timings = tap ? await eventsIn(answers, () => tap.auctionTimings()) : undefined;
  const o = overheadFigures(answers, (id) => {
    const x = timings?.get(id);
    return x
      ? { slowestDspMs: x.slowestDspMs, handlerMs: x.durationMs, startedAtMs: x.startedAtMs }
      : undefined;
  });
  const step: OverheadStep = {
    target: t.name,
    qps,
    auctions: p.auctions,
    answeredPerS: p.ssp.allLatencies.length / stepS,
    overheadP50: o.overheadP50,
    overheadP99: o.overheadP99,
    overAimShare: o.overAimShare,
    fromScheduleP50: o.fromScheduleP50,
    fromScheduleP99: o.fromScheduleP99,
    generatorLate: o.generatorLate,
    internalP50: o.internalP50,
    internalP99: o.internalP99,
    nominalP50: v.p50 - DSP_DELAY_MS,
    nominalP99: v.p99 - DSP_DELAY_MS,
    slowestDspP50: o.slowestDspP50,
    slowestDspP99: o.slowestDspP99,
    unmatched: o.unmatched,
    ...(o.tail ? { tail: o.tail } : {}),
    e2eP99: v.p99,
    timeouts: p.ssp.statuses.valid[-1] ?? 0,
    errors: p.ssp.timeline.reduce((n, x) => n + x.errors, 0),
    cpuMsPerAuction: p.auctions ? p.cpuMs / p.auctions : Number.NaN,
    runQueueWaitMsPerAuction: p.auctions ? p.runQueueWaitMs / p.auctions : Number.NaN,
    otherCpuMs: p.otherCpuMs,
    ...(gcText !== undefined ? { gc: gcSummary(parseGcTrace(gcText), stepS * 1000, AIM.overheadP99Ms) } : {}),
  };
  if (tap && tapBefore) {
    const after = (await tap.counts()).dspOutcomes;
    step.dspOutcomes = Object.fromEntries(
      Object.entries(after).map(([k, n]) => [k, n - (tapBefore.dspOutcomes[k] ?? 0)]),
    );
  }
  return step;
}

async function steps(t: Target, rates: number[], stepS: number, seed: number, warmupS: number) {
  await warmUp(t, rates, seed, warmupS);
  const out: OverheadStep[] = [];
  for (const qps of rates) out.push(await measureStep(t, qps, stepS, seed));
  return out;
}

/**
 * Paired mode: the edge and the bare fan-out (both raw workerd) up side by side on one DSP fleet,
 * and per rate `pairs` back-to-back pairs of steps, the order alternating (edge first, then bare
 * first) so a drift of the machine does not always favour one side. Runs minutes apart differed by
 * up to 0.5 ms of CPU per auction (docs/benchmarks.md); the two steps of a pair are a step apart.
 * Each pair then runs both targets at once, each on its own load generator and CPU account: the
 * CPU difference of that step is taken on one machine state, so a slow spell moves both sides
 * (alternating steps still differed by up to ~0.6 ms within a pair, docs/benchmarks.md "Session 9").
 * The latency aim is read from the alternating steps only: at once, each target has the other's
 * load on the cores too.
 */
export function pairOrder(pair: number): ['edge', 'bare'] | ['bare', 'edge'] {
  return pair % 2 === 0 ? ['edge', 'bare'] : ['bare', 'edge'];
}

async function eventsIn(
  answers: readonly TimedAnswer[],
  read: () => Promise<ReadonlyMap<string, AuctionTiming>>,
): Promise<ReadonlyMap<string, AuctionTiming>> {
  const missing = (t: ReadonlyMap<string, unknown>) =>
    answers.filter((a) => a.auctionId !== undefined && !t.has(a.auctionId)).length;
  await new Promise((r) => setTimeout(r, 1500));
  let timings = await read();
  let left = missing(timings);
  let quietSince = Date.now();
  const until = Date.now() + 20_000;
  while (left > 0 && Date.now() < until && Date.now() - quietSince < 3000) {
    await new Promise((r) => setTimeout(r, 250));
    timings = await read();
    const now = missing(timings);
    if (now < left) quietSince = Date.now();
    left = now;
  }
  return timings;
}

export async function runOverhead(opts: {
  seed: number;
  rates: number[];
  stepS: number;
  withEdge: boolean;
  /** Seconds of warm-up per target at the top rate (default DEFAULT_WARMUP_S). */
  warmupS?: number;
  /** Paired mode (edge only): this many alternating edge/bare pairs of steps per rate. */
  pairs?: number;
  runDir: string;
  log: (m: string) => void;
}): Promise<{ rows: OverheadStep[]; notes: string[] }> {
  const dsps = [0, 1, 2, 3, 4].map((i) => instantProfile(i, DSP_DELAY_MS));
  const runDir = opts.runDir;
  const warmupS = opts.warmupS ?? DEFAULT_WARMUP_S;
  // The regional core runs elsewhere in production; on this box it would take CPU from the edge
  // in bursts (the bare fan-out has no core at all). OVERHEAD_CORE_NICE=0 keeps it at par.
  const coreNice = Number(process.env.OVERHEAD_CORE_NICE ?? 19);
  // And the core does not ingest the edge's events here (OVERHEAD_CORE_EVENTS=absorb, the
  // default): the tap reads them for the timings and answers 202 itself. Ingesting them and
  // calling the losers' lurls (the DSP fleet then answering those) took CPU from the edge on the
  // same two cores even at nice 19 (docs/benchmarks.md, "Session 7"). =forward keeps the old way.
  const tapEvents = process.env.OVERHEAD_CORE_EVENTS === 'forward' ? 'forward' : 'absorb';
  const rows: OverheadStep[] = [];
  // For A/B work: OVERHEAD_TARGETS=raw,bare-raw runs only those targets (default all four), and
  // OVERHEAD_EDGE_ENV='{"LOSS_NOTICES":"off"}' adds bindings to the edge.
  const wanted = new Set(
    (process.env.OVERHEAD_TARGETS ?? 'serve,raw,bare-miniflare,bare-raw').split(',').map((t) => t.trim()),
  );
  const edgeEnv = process.env.OVERHEAD_EDGE_ENV
    ? (JSON.parse(process.env.OVERHEAD_EDGE_ENV) as Record<string, string>)
    : undefined;
  const paired = opts.withEdge && (opts.pairs ?? 0) > 0;
  const bareWork = bareWorkFromEnv();
  // WORKERD_INSTANCES: each raw target as N workerd processes, auctions spread over their own
  // ports request by request (as an L7 balancer would), or with OVERHEAD_SSP_CONNECTIONS=K sent
  // to the shared port over K connections (as K SSPs would; the kernel spreads connections).
  const instances = workerdInstancesFromEnv();
  const sspConnections = sspConnectionsFromEnv();
  const spreadOf = (url: string): Pick<Target, 'spreadOver' | 'sspConnections'> =>
    instances === 1 ? {} : sspConnections ? { sspConnections } : { spreadOver: instanceUrls(url, instances) };
  // Both raw workerd targets read it when they start (workerd-config.ts): one line per GC.
  if (traceGc() && !v8FlagsFromEnv().includes('--trace-gc'))
    process.env.WORKERD_V8_FLAGS = [...v8FlagsFromEnv(), '--trace-gc'].join(' ');
  const notes: string[] = [
    ...(paired
      ? [
          `paired: edge and bare fan-out (raw workerd) side by side on one DSP fleet, ${opts.pairs} pairs per rate, order alternating; each pair then runs both at the same time (the CPU comparison on one machine state)`,
        ]
      : process.env.OVERHEAD_TARGETS
        ? [`targets: ${process.env.OVERHEAD_TARGETS}`]
        : []),
    ...(edgeEnv ? [`extra edge bindings: ${JSON.stringify(edgeEnv)}`] : []),
    ...(instances > 1
      ? [
          `raw workerd targets run as ${instances} workerd instances each (WORKERD_INSTANCES), ${
            sspConnections
              ? `auctions sent to the shared port over ${sspConnections} connections taken in turn (OVERHEAD_SSP_CONNECTIONS), each given to an instance by the kernel`
              : 'auctions alternating over their own ports'
          }; GC columns merge the instances' pauses as if one isolate's`,
        ]
      : []),
    ...(bareWork
      ? [`the bare fan-out adds work to each auction (OVERHEAD_BARE_WORK): ${JSON.stringify(bareWork)}`]
      : []),
    `warm-up ${warmupS} s per target at ${warmupRate(opts.rates)} req/s before the steps`,
    `regional core at CPU priority nice ${coreNice} (OVERHEAD_CORE_NICE)`,
    traceGc()
      ? 'raw workerd targets run with V8 --trace-gc: each step reports its GC pauses (OVERHEAD_GC_TRACE=off to leave it out)'
      : 'GC pauses not traced (OVERHEAD_GC_TRACE=off)',
    tapEvents === 'absorb'
      ? 'edge events taken by the core tap, not ingested by the core (OVERHEAD_CORE_EVENTS=absorb): no loss notices are called'
      : "edge events forwarded to the core, which ingests them and calls the losers' lurls (OVERHEAD_CORE_EVENTS=forward)",
    `machine load average (1 min) at start ${(loadavg()[0] ?? 0).toFixed(1)} on ${availableParallelism()} cores`,
  ];
  const startEdge = (edgeRuntime: 'serve' | 'raw') =>
    startStack({
      runDir: join(runDir, edgeRuntime),
      mode: 'single-node',
      dsps,
      seed: opts.seed,
      edgeRuntime,
      ...(edgeEnv ? { edgeEnv } : {}),
      coreNice,
      tapEvents,
    });
  const edgeTarget = (stack: Stack, edgeRuntime: 'serve' | 'raw'): Target => ({
    name: edgeRuntime === 'serve' ? 'edge (serve.ts)' : 'edge (raw workerd)',
    url: stack.edgeUrl,
    roots: [stack.edge.pid],
    fleetPid: stack.fleet.pid,
    tap: stack.tap,
    ...(stack.core?.pid ? { corePid: stack.core.pid } : {}),
    ...(edgeRuntime === 'raw' && traceGc() ? { gcLog: stack.edge.logPath } : {}),
    ...(edgeRuntime === 'raw' ? spreadOf(stack.edgeUrl) : {}),
  });
  const startBare = async (runtime: FanoutRuntime, fleetPid: number) => {
    opts.log(`starting the bare fan-out reference (${runtime})`);
    const { ref, url } = await startBareFanout(dsps, runDir, runtime);
    const target: Target = {
      name: runtime === 'miniflare' ? 'bare-fanout (miniflare)' : 'bare-fanout (raw workerd)',
      url,
      roots: [ref.pid],
      fleetPid,
      ...(runtime === 'workerd' && traceGc() ? { gcLog: ref.logPath } : {}),
      ...(runtime === 'workerd' ? spreadOf(url) : {}),
    };
    return { ref, target };
  };
  try {
    if (paired) {
      opts.log('starting core, edge (raw workerd), the bare fan-out and 5 fixed-delay DSPs');
      const stack = await startEdge('raw');
      try {
        const edge = edgeTarget(stack, 'raw');
        const { ref, target: bare } = await startBare('workerd', stack.fleet.pid);
        const byName = { edge, bare };
        await warmUp(edge, opts.rates, opts.seed, warmupS);
        await warmUp(bare, opts.rates, opts.seed, warmupS);
        for (const qps of opts.rates)
          for (let pair = 0; pair < (opts.pairs as number); pair++) {
            for (const side of pairOrder(pair))
              rows.push({ ...(await measureStep(byName[side], qps, opts.stepS, opts.seed)), pair: pair + 1 });
            const both = await Promise.all([
              measureStep(edge, qps, opts.stepS, opts.seed),
              measureStep(bare, qps, opts.stepS, opts.seed),
            ]);
            for (const r of both) rows.push({ ...r, pair: pair + 1, together: true });
          }
        await ref.stop();
        notes.push(
          ...(await lossNoticeNotes(stack, 'edge and bare fan-out (one fleet)', edgeEnv, tapEvents)),
        );
      } finally {
        await stack.stop();
      }
      return { rows, notes };
    }
    if (opts.withEdge) {
      for (const edgeRuntime of ['serve', 'raw'] as const) {
        if (!wanted.has(edgeRuntime)) continue;
        opts.log(`starting core, edge (${edgeRuntime}) and 5 fixed-delay DSPs`);
        const stack = await startEdge(edgeRuntime);
        const t = edgeTarget(stack, edgeRuntime);
        try {
          rows.push(...(await steps(t, opts.rates, opts.stepS, opts.seed, warmupS)));
          notes.push(...(await lossNoticeNotes(stack, t.name, edgeEnv, tapEvents)));
        } finally {
          await stack.stop();
        }
      }
    }
    const fleet = await startFleetProcess(dsps, opts.seed);
    try {
      for (const runtime of ['miniflare', 'workerd'] as const) {
        if (!wanted.has(runtime === 'miniflare' ? 'bare-miniflare' : 'bare-raw')) continue;
        const { ref, target } = await startBare(runtime, fleet.pid);
        rows.push(...(await steps(target, opts.rates, opts.stepS, opts.seed, warmupS)));
        await ref.stop();
      }
    } finally {
      await fleet.close();
    }
  } finally {
    await stopAll();
    notes.push(`machine load average (1 min) at end ${(loadavg()[0] ?? 0).toFixed(1)}`);
  }
  return { rows, notes };
}

/** OVERHEAD_SSP_CONNECTIONS=K: see spreadOf in runOverhead. Unset: request by request over the instances' own ports. */
function sspConnectionsFromEnv(): number | undefined {
  const raw = process.env.OVERHEAD_SSP_CONNECTIONS;
  if (raw === undefined || raw === '') return undefined;
  const k = Number(raw);
  if (!Number.isInteger(k) || k < 1 || k > 256)
    throw new Error(`OVERHEAD_SSP_CONNECTIONS must be an integer from 1 to 256, not ${raw}`);
  return k;
}

// Not 8788-8795: the edge's own instance ports (WORKERD_INSTANCES, workerd-config.ts).
const BARE_PORT = 8800;

/** OVERHEAD_BARE_WORK: work of a known size the bare fan-out adds per auction (calibration runs). */
export function bareWorkFromEnv(): BareWork | undefined {
  const work = parseBareWork(process.env.OVERHEAD_BARE_WORK);
  if (work && 'error' in work) throw new Error(work.error);
  return work;
}

/**
 * The bare fan-out reference as this bench runs it: calling `dsps`, with the overhead traffic's
 * tmax less 20 ms as its deadline. Shared with edge-profile --bare so both measure the same thing.
 */
export async function startBareFanout(
  dsps: readonly DspProfile[],
  workDir: string,
  runtime: FanoutRuntime,
  inspector?: string,
): Promise<{ ref: Managed; url: string }> {
  const work = bareWorkFromEnv();
  const ref = await startFanoutReference({
    port: BARE_PORT,
    dspUrls: dsps.map((d) => `http://127.0.0.1:${d.port}/openrtb2/bid`),
    deadlineMs: OVERHEAD_MIX.tmaxMs - 20,
    workDir,
    runtime,
    ...(inspector ? { inspector } : {}),
    ...(work ? { work } : {}),
  });
  return { ref, url: `http://127.0.0.1:${BARE_PORT}` };
}

/** Whether every loss notice owed reached its DSP (all bids carry an lurl here). */
async function lossNoticeNotes(
  stack: Stack,
  target: string,
  edgeEnv: Record<string, string> | undefined,
  tapEvents: TapEvents,
): Promise<string[]> {
  // With the core sending them they land about one event flush after the auction: wait a moment.
  await new Promise((r) => setTimeout(r, 2500));
  const dspStats = await stack.fleet.stats();
  const byType = (await stack.tap.counts()).eventsByType;
  const lossNotices = dspStats.reduce((n, d) => n + d.notices.loss, 0);
  return [
    `${target}: DSP requests received: ${dspStats.map((d) => `${d.id} ${d.received}`).join(', ')}`,
    `${target}: loss notices the DSPs received ${lossNotices}; DSP loss events delivered to the core ${byType['loss(dsp)'] ?? 0}, of them carrying an lurl for the core to call ${byType['loss(lurl)'] ?? 0} (LOSS_NOTICES=${edgeEnv?.LOSS_NOTICES ?? 'core'}${tapEvents === 'absorb' ? '; the tap took the events, so the core called none' : ''})`,
  ];
}

const COLORS = ['#06c', '#c60', '#393', '#909'];

/** CPU per auction and overhead P50/P99 against the step index, one line per target. */
export function overheadChart(rows: OverheadStep[]): string {
  const line = (r: OverheadStep) => `${r.target}${sameTime(r)}`;
  const targets = [...new Set(rows.map(line))];
  const rates = [...new Set(rows.map((r) => r.qps))];
  const series = (pick: (r: OverheadStep) => number) =>
    targets.map((t, i) => ({
      label: t,
      color: COLORS[i % COLORS.length] as string,
      pts: rows.filter((r) => line(r) === t).map((r) => [x(r), pick(r)] as [number, number]),
    }));
  // Paired runs have several steps per rate: spread them over the rate's slot, in order.
  const pairs = Math.max(1, ...rows.map((r) => r.pair ?? 1));
  const x = (r: OverheadStep) => rates.indexOf(r.qps) + (((r.pair ?? 1) - 1) / pairs) * 0.8;
  const xMax = rates.length - 1 + (pairs > 1 ? 0.8 : 0);
  const axis = `steps: ${rates.join(', ')} req/s`;
  return renderPage(`Edge overhead vs bare fan-out (${axis})`, [
    panel(
      `CPU per auction (ms), ${axis}`,
      series((r) => r.cpuMsPerAuction),
      xMax,
    ),
    panel(
      `Overhead P50 (ms, e2e − slowest DSP), ${axis}`,
      series((r) => r.overheadP50),
      xMax,
    ),
    panel(
      `Overhead P99 (ms, e2e − slowest DSP), ${axis}`,
      series((r) => r.overheadP99),
      xMax,
      { y: 5, label: 'aim 5 ms' },
    ),
    // Only for traced runs: a target without a trace gets no points here rather than zeros.
    ...(rows.some((r) => r.gc)
      ? [
          panel(
            `Share of the step a GC pause had > 5 ms left (%), ${axis}: at 1% the runtime alone puts P99 over 5 ms`,
            series((r) => (r.gc ? r.gc.stoppedOverShare * 100 : Number.NaN)),
            xMax,
            { y: 1, label: '1%' },
          ),
        ]
      : []),
  ]);
}

/** Same-time steps of a paired run are told apart in every table and chart: their latencies carry both loads. */
const sameTime = (r: OverheadStep) => (r.together ? ' (same time)' : '');

/** The step's target, and in paired runs which pair it was. */
const stepLabel = (r: OverheadStep) => `${r.target}${r.pair ? ` #${r.pair}` : ''}${sameTime(r)}`;

export function overheadTable(rows: OverheadStep[], stepS: number): string {
  const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const outcomes = rows
    .filter((r) => r.dspOutcomes)
    .map((r) => `- ${stepLabel(r)} @${r.qps}/s DSP calls: ${JSON.stringify(r.dspOutcomes)}`);
  return [
    `| target | rate (req/s) | answered/s | overhead P50 / P99 (ms): e2e − slowest DSP | over ${AIM.overheadP99Ms} ms (% of requests) | from schedule P50 / P99 (ms): incl. the load generator sending late | load generator late P50 / P99 (ms) | in-handler P50 / P99 (ms): handler − slowest DSP | old P50 / P99 (ms): e2e − 5 ms | slowest DSP P50 / P99 (ms) | e2e P99 (ms) | unmatched: no id / no event | timeouts | errors | CPU/auction (ms) | run-queue wait/auction (ms) | DSP fleet / load gen CPU (% of a core) | core CPU/auction (ms) | GC pauses: young n (ms) / full n (ms), longest (ms) | step stopped > ${AIM.overheadP99Ms} ms by GC (%) |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${stepLabel(r)} | ${r.qps} | ${f(r.answeredPerS, 0)} | ${f(r.overheadP50)} / ${f(r.overheadP99)} | ${f(r.overAimShare * 100)} | ${f(r.fromScheduleP50)} / ${f(r.fromScheduleP99)} | ${f(r.generatorLate[0])} / ${f(r.generatorLate[1])} | ${f(r.internalP50)} / ${f(r.internalP99)} | ${f(r.nominalP50)} / ${f(r.nominalP99)} | ${f(r.slowestDspP50)} / ${f(r.slowestDspP99)} | ${f(r.e2eP99)} | ${r.unmatched.noId} / ${r.unmatched.notFound} | ${r.timeouts} | ${r.errors} | ${f(r.cpuMsPerAuction, 3)} | ${f(r.runQueueWaitMsPerAuction ?? Number.NaN, 3)} | ${f((r.otherCpuMs['DSP fleet'] ?? 0) / stepS / 10, 0)} / ${f((r.otherCpuMs['load generator'] ?? 0) / stepS / 10, 0)} | ${r.otherCpuMs.core === undefined ? '-' : f(r.otherCpuMs.core / r.auctions, 3)} | ${r.gc ? `${r.gc.young} (${f(r.gc.youngMs, 0)}) / ${r.gc.full} (${f(r.gc.fullMs, 0)}), ${f(r.gc.longestMs, 0)}` : '-'} | ${r.gc ? f(r.gc.stoppedOverShare * 100) : '-'} |`,
    ),
    ...(outcomes.length ? ['', ...outcomes] : []),
    ...tails(rows),
  ].join('\n');
}

/** Per rate, over the pairs of a paired run: the figures issue 3 aims at, as median [min-max]. */
export interface PairedRate {
  qps: number;
  pairs: number;
  edgeP99: Spread;
  bareP99: Spread;
  /** The edge's P99 counted from the scheduled send (the figure up to session 7). */
  edgeP99FromSchedule: Spread;
  edgeP50: Spread;
  bareP50: Spread;
  /** Share of requests over the aim (%) in the alternating steps: under 1% is a P99 under it. */
  edgeOverAim: Spread;
  bareOverAim: Spread;
  /** Edge minus bare CPU per auction, each pair's two alternating steps taken together. */
  cpuDelta: Spread;
  /** The same from each pair's step with both targets at once, when the run had them. */
  cpuDeltaTogether?: Spread;
  /** Pairs where the edge met the aims: overhead P99 < 5 ms, CPU over the bare fan-out < 0.5 ms. */
  p99UnderAim: number;
  cpuUnderAim: number;
  /** Pairs whose same-time step had the edge under the CPU aim (of those that had one). */
  cpuTogetherUnderAim?: number;
  togetherPairs?: number;
  /**
   * Share of each alternating step (%) that a GC pause had more than 5 ms still to run, when traced:
   * at 1% or more the runtime alone puts that step's P99 over the aim.
   */
  edgeGcStop?: Spread;
  bareGcStop?: Spread;
  /** Pairs where the bare fan-out's own GC pauses alone ruled out a P99 under the aim (of those traced). */
  bareGcRulesOut?: number;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export const AIM = { overheadP99Ms: 5, cpuOverBareMs: 0.5 };

const spread = (xs: number[]): Spread => {
  const s = [...xs].sort((p, q) => p - q);
  const mid = s.length / 2;
  const median =
    s.length % 2 ? (s[Math.floor(mid)] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number };
};

export function pairedSummary(rows: readonly OverheadStep[]): PairedRate[] {
  const out: PairedRate[] = [];
  for (const qps of [...new Set(rows.filter((r) => r.pair).map((r) => r.qps))]) {
    const pairs: Array<{ edge: OverheadStep; bare: OverheadStep }> = [];
    const together: typeof pairs = [];
    for (const pair of [...new Set(rows.filter((r) => r.qps === qps && r.pair).map((r) => r.pair))]) {
      const of = (t: string, at: boolean) =>
        rows.find((r) => r.qps === qps && r.pair === pair && !!r.together === at && r.target.startsWith(t));
      const edge = of('edge', false);
      const bare = of('bare', false);
      if (edge && bare) pairs.push({ edge, bare });
      const edgeAt = of('edge', true);
      const bareAt = of('bare', true);
      if (edgeAt && bareAt) together.push({ edge: edgeAt, bare: bareAt });
    }
    if (pairs.length === 0) continue;
    const cpuOver = (p: { edge: OverheadStep; bare: OverheadStep }) =>
      p.edge.cpuMsPerAuction - p.bare.cpuMsPerAuction;
    const delta = pairs.map(cpuOver);
    const deltaAt = together.map(cpuOver);
    const traced = pairs.filter((p) => p.edge.gc && p.bare.gc);
    const stopPct = (r: OverheadStep) => (r.gc as GcSummary).stoppedOverShare * 100;
    out.push({
      qps,
      pairs: pairs.length,
      edgeP99: spread(pairs.map((p) => p.edge.overheadP99)),
      bareP99: spread(pairs.map((p) => p.bare.overheadP99)),
      edgeP99FromSchedule: spread(pairs.map((p) => p.edge.fromScheduleP99)),
      edgeP50: spread(pairs.map((p) => p.edge.overheadP50)),
      bareP50: spread(pairs.map((p) => p.bare.overheadP50)),
      edgeOverAim: spread(pairs.map((p) => p.edge.overAimShare * 100)),
      bareOverAim: spread(pairs.map((p) => p.bare.overAimShare * 100)),
      cpuDelta: spread(delta),
      p99UnderAim: pairs.filter((p) => p.edge.overheadP99 < AIM.overheadP99Ms).length,
      cpuUnderAim: delta.filter((d) => d < AIM.cpuOverBareMs).length,
      ...(together.length > 0
        ? {
            cpuDeltaTogether: spread(deltaAt),
            cpuTogetherUnderAim: deltaAt.filter((d) => d < AIM.cpuOverBareMs).length,
            togetherPairs: together.length,
          }
        : {}),
      ...(traced.length === pairs.length
        ? {
            edgeGcStop: spread(traced.map((p) => stopPct(p.edge))),
            bareGcStop: spread(traced.map((p) => stopPct(p.bare))),
            bareGcRulesOut: traced.filter((p) => stopPct(p.bare) >= 1).length,
          }
        : {}),
    });
  }
  return out;
}

export function pairedTable(summary: readonly PairedRate[]): string {
  if (summary.length === 0) return '';
  const f = (x: Spread, d = 2) => `${x.median.toFixed(d)} [${x.min.toFixed(d)}-${x.max.toFixed(d)}]`;
  return [
    `| rate (req/s) | pairs | edge overhead P99 (ms), median [min-max] | bare P99 (ms) | edge P99 from schedule (ms) | edge P50 | bare P50 | requests over ${AIM.overheadP99Ms} ms (%): edge / bare | CPU edge − bare per auction (ms), same time | the same, alternating steps | pairs with edge P99 < ${AIM.overheadP99Ms} ms | pairs with CPU over bare < ${AIM.cpuOverBareMs} ms: same time / alternating | step stopped > ${AIM.overheadP99Ms} ms by GC (%): edge / bare | pairs where the bare fan-out's GC alone rules out P99 < ${AIM.overheadP99Ms} ms |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...summary.map(
      (r) =>
        `| ${r.qps} | ${r.pairs} | ${f(r.edgeP99)} | ${f(r.bareP99)} | ${f(r.edgeP99FromSchedule)} | ${f(r.edgeP50)} | ${f(r.bareP50)} | ${f(r.edgeOverAim)} / ${f(r.bareOverAim)} | ${r.cpuDeltaTogether ? f(r.cpuDeltaTogether, 3) : '-'} | ${f(r.cpuDelta, 3)} | ${r.p99UnderAim} of ${r.pairs} | ${r.togetherPairs ? `${r.cpuTogetherUnderAim} of ${r.togetherPairs}` : '-'} / ${r.cpuUnderAim} of ${r.pairs} | ${r.edgeGcStop && r.bareGcStop ? `${f(r.edgeGcStop)} / ${f(r.bareGcStop)}` : '-'} | ${r.bareGcRulesOut === undefined ? '-' : `${r.bareGcRulesOut} of ${r.pairs}`} |`,
    ),
  ].join('\n');
}

function tails(rows: OverheadStep[]): string[] {
  const f = (x: number) => x.toFixed(1);
  const lines = rows
    .filter((r) => r.tail)
    .map((r) => {
      const t = r.tail as TailBreakdown;
      return `- ${stepLabel(r)} @${r.qps}/s, slowest 1% (${t.requests} requests), medians: load generator late ${f(t.sendLagMs)} ms, sent to handler start ${f(t.toHandlerMs)} ms, in handler beside the slowest DSP ${f(t.inHandlerMs)} ms, handler end to answer read ${f(t.afterHandlerMs)} ms`;
    });
  return lines.length ? ['', ...lines] : [];
}
