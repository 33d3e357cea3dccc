// Runs one scenario end to end against the real edge and core: brings the stack up, drives
// the load, applies the scenario's chaos on schedule, gathers the facts, judges the
// invariants, writes the report and tears everything down. Returns the exit code.
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { type ClusterData, prepareClusterData } from './cluster-data.ts';
import { budgets, landedEvents } from './core-client.ts';
import { startFanoutReference } from './fanout-reference.ts';
import { evaluate, type Invariant } from './invariants.ts';
import { runPhase } from './load-phase.ts';
import { RESULTS } from './paths.ts';
import { percentile, summarize } from './percentiles.ts';
import { stopAll } from './processes.ts';
import { summaryLine, writeReport } from './report.ts';
import { diffCounts, gatherFacts } from './run-facts.ts';
import type { RunReport } from './run-report.ts';
import type { Scenario, ScenarioContext } from './scenarios/types.ts';
import { constantRate } from './schedule.ts';
import { type ServiceName, servicesEnv, startServices, stopService } from './services.ts';
import { DEV_SSP_KEY, startStack } from './stack.ts';
import { DEFAULT_MIX } from './traffic-mix.ts';

export interface RunOptions {
  seed: number;
  durationS?: number;
  qps?: number;
  /** Adds an invariant that always fails: proves a broken invariant fails the run. */
  breakInvariant?: boolean;
  command: string;
  log?: (m: string) => void;
}

const deliberatelyBroken: Invariant = () => ({
  name: 'deliberately broken invariant (--break)',
  ok: false,
  detail: 'this check always fails, to show a broken invariant fails the run',
});

export async function runScenario(
  s: Scenario,
  o: RunOptions,
): Promise<{ code: number; report?: RunReport; dir?: string }> {
  const log = o.log ?? ((m: string) => process.stderr.write(`[${s.name}] ${m}\n`));
  const durationS = o.durationS ?? s.durationS;
  const qps = o.qps ?? s.qps;
  const startedAt = new Date().toISOString();
  const runDir = join(RESULTS, `${s.name}-${startedAt.replace(/[:.]/g, '-')}`);
  const mix = { ...DEFAULT_MIX, tmaxMs: s.tmaxMs, ...s.mix };
  let ownServices: ServiceName[] = [];
  let clusterData: ClusterData | undefined;
  try {
    if (s.services?.length) {
      log(`starting services: ${s.services.join(', ')}`);
      ownServices = startServices(s.services);
    }
    if (s.mode === 'cluster') {
      // Data of the run's own on the shared services: a seeded scratch catalog, its own
      // ClickHouse database and Kafka topics; dropped at the end.
      clusterData = await prepareClusterData({ runId: runDir.split('/').pop()!, services: servicesEnv() });
      log(
        `catalog seeded into ${clusterData.env.DATABASE_URL}; ClickHouse database ${clusterData.env.CLICKHOUSE_DATABASE}, Kafka topics ${clusterData.env.KAFKA_TOPIC_PREFIX}*`,
      );
    }
    log(`starting DSP fleet, core (${s.mode}) and edge (workerd)`);
    const stack = await startStack({
      runDir: join(runDir, 'run'),
      mode: s.mode,
      dsps: s.dsps(),
      seed: o.seed,
      ...(clusterData ? { coreEnv: clusterData.env } : {}),
    });
    try {
      const before = await budgets(stack.coreUrl).catch((e) => ({ view: undefined, why: String(e) }));
      const tapBefore = await stack.tap.counts();
      const loadStart = Date.now();
      const loadBefore = loadavg()[0] ?? 0;
      const ctx: ScenarioContext = {
        stack,
        elapsedS: () => (Date.now() - loadStart) / 1000,
        log,
        facts: {},
        notes: [],
        ownServices,
      };
      const stepFailures: string[] = [];
      const stepsRun: string[] = [];
      const timers = (s.steps ?? []).map((step) =>
        setTimeout(() => {
          log(`t=${step.atS}s ${step.label}`);
          stepsRun.push(step.label);
          step.run(ctx).catch((err) => {
            stepFailures.push(`"${step.label}": ${String(err)}`);
            ctx.notes.push(`step "${step.label}" failed: ${String(err)}`);
            log(`step "${step.label}" failed: ${String(err)}`);
          });
        }, step.atS * 1000),
      );
      const rate = s.rate ? s.rate(qps, durationS) : constantRate(qps);
      const dspSeats = new Set(s.dsps().map((d) => d.seat));
      const phase = await runPhase({
        label: s.name,
        url: stack.edgeUrl,
        apiKey: DEV_SSP_KEY,
        seed: o.seed,
        rate,
        durationS,
        mix,
        users: s.users,
        cpuRoots: [stack.edge.pid],
        otherRoots: { 'DSP fleet': [stack.fleet.pid], ...(stack.core ? { core: [stack.core.pid] } : {}) },
        isDspSeat: (seat) => dspSeats.has(seat),
      });
      for (const t of timers) clearTimeout(t);
      // Let batched events reach the core and the store, then count.
      await new Promise((r) => setTimeout(r, (s.settleS ?? 5) * 1000));
      const after = await budgets(stack.coreUrl).catch((e) => ({ view: undefined, why: String(e) }));
      const tapAfter = await stack.tap.counts();
      // A surprise in the core's answers must cost one invariant, not the whole run's results.
      const landed = await landedEvents(stack.coreUrl, loadStart).catch((e) => ({
        counts: undefined,
        why: String(e),
      }));
      const dsps = await stack.fleet.stats();

      let fanoutMsPerAuction: number | undefined;
      let fanoutNote: string | undefined;
      if (s.fanoutReference) {
        log('running the bare fan-out reference at the same rate');
        const ref = await startFanoutReference({
          port: 8800,
          dspUrls: s.dsps().map((d) => `http://127.0.0.1:${d.port}/openrtb2/bid`),
          deadlineMs: s.tmaxMs - 20,
          workDir: join(runDir, 'run'),
          // Served the way the edge runs (serve.ts -> Miniflare; raw -> raw workerd), so the difference is the edge's own.
          runtime: process.env.LOAD_EDGE_RUNTIME === 'raw' ? 'workerd' : 'miniflare',
        });
        const fo = await runPhase({
          label: 'bare-fanout',
          url: 'http://127.0.0.1:8800',
          apiKey: DEV_SSP_KEY,
          seed: o.seed,
          rate,
          durationS: Math.min(durationS, 30),
          mix: { ...mix, botShare: 0, malformedShare: 0 },
          users: false,
          cpuRoots: [ref.pid],
        });
        await ref.stop();
        fanoutMsPerAuction = fo.auctions ? fo.cpuMs / fo.auctions : undefined;
        const v = summarize(fo.ssp.validLatencies);
        fanoutNote = `bare fan-out: ${fo.auctions} auctions, P50 ${v.p50.toFixed(2)} ms, P99 ${v.p99.toFixed(2)} ms, ${fanoutMsPerAuction?.toFixed(3)} ms CPU/auction`;
      }

      const diff = diffCounts;
      const byRoute = diff(tapBefore.byRoute, tapAfter.byRoute);
      const roundTrips = Object.values(byRoute).reduce((a, b) => a + b, 0);
      const ssp = phase.ssp;
      const facts = gatherFacts({
        tmaxMs: s.tmaxMs,
        phase,
        tapBefore,
        tapAfter,
        dsps,
        spend: after.view?.spend,
        landed: landed.counts,
        extra: ctx.facts,
      });
      const validLatency = facts.validLatency;
      const eventsSent = facts.events.sent;
      // A chaos run whose chaos did not happen proves nothing: a failed step fails the run.
      const stepsRan: Invariant = () => ({
        name: 'chaos steps ran',
        ok: stepFailures.length === 0,
        detail: stepFailures.length
          ? stepFailures.join('; ')
          : `ran: ${stepsRun.join(', ') || 'none'}${
              stepsRun.length < (s.steps ?? []).length
                ? ` (after the end of a shortened run, not run: ${(s.steps ?? [])
                    .filter((x) => !stepsRun.includes(x.label))
                    .map((x) => x.label)
                    .join(', ')})`
                : ''
            }`,
      });
      const invariants = [
        ...s.invariants,
        ...(s.steps?.length ? [stepsRan] : []),
        ...(o.breakInvariant ? [deliberatelyBroken] : []),
      ];
      const { ok, verdicts } = evaluate(facts, invariants);
      const valid = ssp.statuses.valid;
      const validTotal = Object.values(valid).reduce((a, b) => a + b, 0);
      const unexpected = ssp.timeline.reduce((n, x) => n + x.errors, 0);
      const timeouts = Object.values(ssp.statuses).reduce((n, m) => n + (m[-1] ?? 0), 0);
      const answered = ssp.allLatencies.length;
      const report: RunReport = {
        scenario: s.name,
        description: s.description,
        command: o.command,
        startedAt,
        seed: o.seed,
        durationS,
        tmaxMs: s.tmaxMs,
        edgeRuntime: process.env.LOAD_EDGE_RUNTIME === 'raw' ? 'raw' : 'serve',
        throughput: {
          scheduled: ssp.scheduled,
          sent: ssp.sent,
          answered,
          answeredPerS: answered / (ssp.durationMs / 1000),
          bidsReceived: ssp.bidsReceived,
        },
        latency: { valid: validLatency, all: summarize(ssp.allLatencies) },
        statuses: ssp.statuses,
        timeouts,
        errorRate: ssp.scheduled ? unexpected / ssp.scheduled : 0,
        fillRate: validTotal ? ssp.filled.valid / validTotal : 0,
        cpu: {
          edgeMsPerAuction: phase.auctions ? phase.cpuMs / phase.auctions : undefined,
          edgeTotalMs: phase.cpuMs,
          byComm: phase.cpuByComm,
          others: phase.otherCpuMs,
          fanoutMsPerAuction,
          note: s.users
            ? 'edge CPU includes the notices and trackers the simulated users fired during the run'
            : 'edge CPU covers auctions only (no notices or trackers fired)',
        },
        core: {
          roundTripsPer1000: phase.auctions ? (roundTrips * 1000) / phase.auctions : undefined,
          byRoute,
          note: `edge -> core round trips counted by the tap in front of the core: ${JSON.stringify(byRoute)}`,
        },
        spend: after.view?.spend,
        events: { sent: eventsSent, landed: landed.counts },
        dsps,
        users: phase.users,
        sendLagP99Ms: ssp.sendLagP99Ms,
        verdicts,
        timeline: ssp.timeline.slice(0, durationS).map((x) => {
          const lat = [...x.latencies].sort((a, b) => a - b);
          return {
            t: x.t,
            scheduled: x.scheduled,
            answered: x.answered,
            errors: x.errors,
            p50: percentile(lat, 50),
            p99: percentile(lat, 99),
          };
        }),
        samples: ssp.samples,
        notes: [
          `machine load average (1 min) ${loadBefore.toFixed(1)} before, ${(loadavg()[0] ?? 0).toFixed(1)} after, on ${availableParallelism()} cores: above ~3 other work competed for the CPU`,
          ...ctx.notes,
          ...(fanoutNote ? [fanoutNote] : []),
          ...(before.why ? [`budgets before the run unavailable: ${before.why}`] : []),
          ...(after.why ? [`budgets after the run unavailable: ${after.why}`] : []),
          ...(landed.why ? [landed.why] : []),
          `DSP call outcomes (from auction events): ${JSON.stringify(diff(tapBefore.dspOutcomes, tapAfter.dspOutcomes))}`,
          `auction results (from auction events): ${JSON.stringify(diff(tapBefore.noBidReasons, tapAfter.noBidReasons))}`,
          `CPU ms over the load phase: edge ${phase.cpuMs.toFixed(0)} ${JSON.stringify(phase.cpuByComm)}, others ${JSON.stringify(phase.otherCpuMs)}`,
          ...(Object.keys(ssp.errorCodes).length
            ? [`client-side errors: ${JSON.stringify(ssp.errorCodes)}`]
            : []),
          ...(phase.users ? [`users: ${JSON.stringify(phase.users)}`] : []),
        ],
      };
      const dir = writeReport(report, RESULTS);
      process.stdout.write(`\n${summaryLine(report)}\n`);
      for (const v of verdicts) process.stdout.write(`${v.ok ? 'PASS' : 'FAIL'} ${v.name}: ${v.detail}\n`);
      process.stdout.write(`report: ${dir}\n`);
      if (!ok)
        process.stderr.write(
          `\n${s.name}: FAILED (${verdicts
            .filter((v) => !v.ok)
            .map((v) => v.name)
            .join(', ')})\n`,
        );
      return { code: ok ? 0 : 1, report, dir };
    } finally {
      await stack.stop();
    }
  } catch (err) {
    process.stderr.write(`\n${s.name}: FAILED to run: ${(err as Error).message}\n`);
    return { code: 2 };
  } finally {
    await stopAll();
    if (clusterData && process.env.LOAD_KEEP_CLUSTER_DATA !== '1') {
      for (const f of await clusterData.drop()) log(`cleanup: ${f}`);
    }
    for (const name of ownServices) {
      await stopService(name).catch(() => {});
    }
  }
}
