// Benchmark: what one request's JS costs in raw workerd depending on how warm the machine is.
//   node load/bench/request-cost.ts [--requests 2000]
// One isolate (load/bench/request-cost-worker.ts, bundled by wrangler with the edge's
// compatibility settings) is sent sequential requests with bodies from the overhead bench's
// traffic; per request it parses the body as a BidRequest N times and allocates K KB. Each case is
// run back to back (the next request as soon as the answer is read) and with a 20 ms pause between
// requests (50 req/s, the overhead bench's first step). Printed: workerd's CPU (utime+stime from
// /proc) per request, and each case's cost over the empty request. It explains why the edge's
// CPU per auction depends on rate and on how much code and memory an auction touches (the
// "Request cost" section of docs/benchmarks.md). Bounded: 10 cases, ~2 minutes.
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OVERHEAD_MIX } from '../src/overhead.ts';
import { REPO } from '../src/paths.ts';
import { createRng } from '../src/prng.ts';
import { cpuBetween, sampleTree } from '../src/proc-cpu.ts';
import { stopAll, waitHealthy } from '../src/processes.ts';
import { makeRequest } from '../src/traffic-mix.ts';
import { serveBenchWorker } from '../src/worker-bundle.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '2000' } } });
const REQUESTS = Math.min(Math.max(Number(values.requests) || 2000, 100), 20_000);
const PORT = 8795;
const dir = mkdtempSync(join(tmpdir(), 'request-cost-'));
let w: ReturnType<typeof serveBenchWorker>;
try {
  w = serveBenchWorker({
    name: 'request-cost',
    main: join(REPO, 'load/bench/request-cost-worker.ts'),
    dir,
    port: PORT,
  });
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}

const rng = createRng(1);
const bodies = Array.from({ length: 500 }, (_, i) => makeRequest(rng, i, OVERHEAD_MIX).body);

async function run(parse: number, kb: number, gapMs: number, n: number, hop = 0): Promise<number> {
  const a = sampleTree([w.pid]);
  for (let i = 0; i < n; i++) {
    const r = await fetch(`http://127.0.0.1:${PORT}/?parse=${parse}&kb=${kb}&hop=${hop}`, {
      method: 'POST',
      body: bodies[i % bodies.length],
    });
    await r.text();
    if (gapMs) await new Promise((res) => setTimeout(res, gapMs));
  }
  return (cpuBetween(a, sampleTree([w.pid])).totalMs * 1000) / n;
}

try {
  // Any GET answers (the worker ignores the path), so waitHealthy works on it.
  await waitHealthy(`http://127.0.0.1:${PORT}/`, w, 15_000);
  process.stderr.write('warming up (JIT)...\n');
  await run(2, 50, 0, 3000);
  const cases: Array<[string, number, number, number?]> = [
    ['empty request', 0, 0],
    ['parse once', 1, 0],
    ['parse twice', 2, 0],
    ['parse 5 times', 5, 0],
    ['allocate 100 KB', 0, 100],
    ['timer hop after the answer', 0, 0, 1],
  ];
  const rows: string[] = [];
  for (const gap of [0, 20]) {
    // Fewer requests with the pause, so the run stays near 2 minutes.
    const n = gap ? Math.max(100, Math.floor(REQUESTS / 4)) : REQUESTS;
    let base = Number.NaN;
    for (const [label, parse, kb, hop = 0] of cases) {
      const us = await run(parse, kb, gap, n, hop);
      const isBase = parse === 0 && kb === 0 && hop === 0;
      if (isBase) base = us;
      const line = `| ${label} | ${gap ? `${gap} ms pause` : 'back to back'} | ${n} | ${us.toFixed(0)} | ${isBase ? '-' : `+${(us - base).toFixed(0)}`} |`;
      rows.push(line);
      process.stderr.write(`${line}\n`);
    }
  }
  process.stdout.write(
    [
      `request cost in raw workerd, load average ${loadavg()[0]?.toFixed(1)}; CPU resolution 10 ms over each case`,
      '| per request | spacing | requests | workerd CPU per request (us) | over the empty request (us) |',
      '|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
} finally {
  await stopAll();
}
process.exit(0);
