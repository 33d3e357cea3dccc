// `npm run demo`: the whole exchange on one machine. Starts the regional core (embedded
// backends, 127.0.0.1:8080), the edge in workerd (127.0.0.1:8787) and 5 simulated DSPs
// (127.0.0.1:9101-9105), drives ~25 s of realistic SSP traffic with simulated users, prints
// what happened, then keeps the core and edge up until Ctrl-C (`--once`: exit after the
// summary). Every child runs in its own process group and is killed on exit or signal.
import { join } from 'node:path';
import { budgets, landedEvents } from './core-client.ts';
import { runPhase } from './load-phase.ts';
import { RESULTS } from './paths.ts';
import { summarize } from './percentiles.ts';
import { stopAll } from './processes.ts';
import { fleet } from './scenarios/baseline.ts';
import { constantRate } from './schedule.ts';
import { CORE_URL, DEV_SSP_KEY, EDGE_URL, startStack } from './stack.ts';
import { DEFAULT_MIX } from './traffic-mix.ts';

const once = process.argv.includes('--once');
const durationS = Number(process.env.DEMO_SECONDS ?? 25);
const qps = Number(process.env.DEMO_QPS ?? 100);
const say = (m: string) => process.stdout.write(`${m}\n`);
const money = (micros: number) => `$${(micros / 1e6).toFixed(2)}`;

async function main(): Promise<number> {
  say('edge-rtb demo: starting 5 DSPs, the regional core and the edge (workerd)...');
  const stack = await startStack({
    runDir: join(RESULTS, `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`),
    mode: 'single-node',
    dsps: fleet(),
    seed: 1,
  });
  say(`  core ${CORE_URL}   edge ${EDGE_URL}   DSPs 127.0.0.1:9101-9105`);
  say(`running ${durationS} s of SSP traffic at ${qps} req/s with simulated users...`);
  const before = await budgets(stack.coreUrl);
  const startMs = Date.now();
  const phase = await runPhase({
    label: 'demo',
    url: stack.edgeUrl,
    apiKey: DEV_SSP_KEY,
    seed: 1,
    rate: constantRate(qps),
    durationS,
    mix: DEFAULT_MIX,
    users: true,
    cpuRoots: [stack.edge.pid],
  });
  await new Promise((r) => setTimeout(r, 3000)); // batched events reach the core
  const after = await budgets(stack.coreUrl);
  const landed = await landedEvents(stack.coreUrl, startMs);
  const s = phase.ssp;
  const valid = s.statuses.valid;
  const validTotal = Object.values(valid).reduce((a, b) => a + b, 0);
  const lat = summarize(s.validLatencies);
  say('');
  say(
    `auctions: ${phase.auctions} answered (${s.scheduled} requests: valid ${validTotal}, bot ${Object.values(s.statuses.bot).reduce((a, b) => a + b, 0)}, malformed ${Object.values(s.statuses.malformed).reduce((a, b) => a + b, 0)})`,
  );
  say(
    `answers:  valid ${JSON.stringify(valid)}  bot ${JSON.stringify(s.statuses.bot)}  malformed ${JSON.stringify(s.statuses.malformed)}`,
  );
  say(
    `fill rate: ${validTotal ? ((s.filled.valid / validTotal) * 100).toFixed(1) : '0'} % of valid requests got a bid`,
  );
  say(
    `latency (valid): P50 ${lat.p50.toFixed(1)} ms, P95 ${lat.p95.toFixed(1)} ms, P99 ${lat.p99.toFixed(1)} ms, P99.9 ${lat.p999.toFixed(1)} ms`,
  );
  if (after.view) {
    say('spend per campaign (this run / remaining budget):');
    for (const c of after.view.raw) {
      const was = before.view?.raw.find((x) => x.campaignId === c.campaignId);
      const spent = c.spentMicros + c.leasedMicros - ((was?.spentMicros ?? 0) + (was?.leasedMicros ?? 0));
      say(
        `  ${c.campaignId}: ${money(spent)} (spent+leased) / ${money(c.remainingMicros)} left of ${money(c.budgetMicros)}`,
      );
    }
  } else say(`spend per campaign: not available (${after.why})`);
  const u = phase.users;
  if (u)
    say(
      `users: ${u.wins} ads shown, impressions ${u.ok.impression}/${u.sent.impression}, clicks ${u.ok.click}/${u.sent.click}, conversions ${u.ok.conversion}/${u.sent.conversion}`,
    );
  const tap = await stack.tap.counts();
  say(`events the edge delivered to the core: ${JSON.stringify(tap.eventsByType)}`);
  say(
    `events landed in the store: ${landed.counts ? JSON.stringify(landed.counts) : `not available (${landed.why})`}`,
  );
  if (once) {
    await stack.stop();
    return phase.auctions > 0 ? 0 : 1;
  }
  say('');
  say(`the core (${CORE_URL}) and the edge (${EDGE_URL}) stay up; Ctrl-C stops everything.`);
  await new Promise(() => {}); // until a signal; processes.ts stops the children
  return 0;
}

main()
  .then(async (code) => {
    await stopAll();
    process.exit(code);
  })
  .catch(async (err) => {
    process.stderr.write(`demo failed: ${(err as Error).message}\n`);
    await stopAll();
    process.exit(2);
  });
