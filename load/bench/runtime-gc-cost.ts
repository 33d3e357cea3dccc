// Benchmark: what the runtime's own objects for one HTTP exchange cost the isolate's full GCs in
// raw workerd, whatever the worker's code does.
//   node load/bench/runtime-gc-cost.ts [--ops 5000] [--reps 3]
// One isolate (load/bench/runtime-gc-cost-worker.ts, bundled by wrangler with the edge's
// compatibility settings, run with --trace-gc --expose-gc) makes `ops` outbound calls (five at a
// time, to an answer server in this process that sends a ~0.7 KB BidResponse) or is sent `ops`
// incoming requests, between two forced full collections. The second one's line in V8's trace
// says how much heap those calls left for a full GC and how long it stopped the isolate; scavenges
// in between are counted too. Per case it prints bytes freed and full-GC pause per call (us), and
// what a 5-DSP auction (one incoming request, five calls) leaves: the floor under the share of time
// any fan-out worker in workerd spends stopped in full GCs (docs/benchmarks.md, "Session 11").
// Bounded: 9 cases x reps, ~1-2 minutes.

import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseGcTrace } from '../src/gc-trace.ts';
import { appendedSince, logSize, OVERHEAD_MIX } from '../src/overhead.ts';
import { REPO } from '../src/paths.ts';
import { percentile } from '../src/percentiles.ts';
import { createRng } from '../src/prng.ts';
import { stopAll, waitHealthy } from '../src/processes.ts';
import { makeRequest } from '../src/traffic-mix.ts';
import { serveBenchWorker } from '../src/worker-bundle.ts';

const { values } = parseArgs({
  options: { ops: { type: 'string', default: '5000' }, reps: { type: 'string', default: '3' } },
});
const OPS = Math.min(Math.max(Number(values.ops) || 5000, 500), 20_000);
const REPS = Math.min(Math.max(Number(values.reps) || 3, 1), 5);
const PORT = 8796;

// A DSP's answer of the overhead bench's size: one seat, one banner bid.
const ANSWER = JSON.stringify({
  id: 'req-1',
  bidid: 'resp-1',
  cur: 'USD',
  seatbid: [
    {
      seat: 'seat-1',
      bid: [
        {
          id: 'bid-1',
          impid: '1',
          price: 1.25,
          crid: 'creative-1',
          adomain: ['advertiser.example'],
          cat: ['IAB3'],
          w: 300,
          h: 250,
          nurl: 'https://dsp.example/win?price=${AUCTION_PRICE}&id=bid-1',
          adm: `<a href="https://advertiser.example/landing?c=1"><img src="https://cdn.example/dsp/300x250.png" width="300" height="250"></a>${' '.repeat(300)}`,
        },
      ],
    },
  ],
});
const answers = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) });
    res.end(ANSWER);
  });
});
answers.keepAliveTimeout = 60_000;
await new Promise<void>((ok) => answers.listen(0, '127.0.0.1', ok));
const answerUrl = `http://127.0.0.1:${(answers.address() as AddressInfo).port}/`;

process.env.WORKERD_V8_FLAGS = '--trace-gc --expose-gc';
const dir = mkdtempSync(join(tmpdir(), 'runtime-gc-cost-'));
const w = serveBenchWorker({
  name: 'runtime-gc-cost',
  main: join(REPO, 'load/bench/runtime-gc-cost-worker.ts'),
  dir,
  port: PORT,
  bindings: { ANSWER_URL: answerUrl },
});
const logPath = w.logPath;

const base = `http://127.0.0.1:${PORT}`;
const bidRequest = makeRequest(createRng(1), 0, OVERHEAD_MIX).body;
const settle = () => new Promise((ok) => setTimeout(ok, 200));

async function get(path: string, body?: string): Promise<void> {
  const r = await fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', body });
  await r.text();
  if (!r.ok) throw new Error(`${path} answered ${r.status}`);
}

interface CaseResult {
  freedBytesPerOp: number;
  fullPauseUsPerOp: number;
  youngPauseUsPerOp: number;
}

/** `ops` of the case between two forced full collections; the pauses after the first are its. */
async function measure(run: () => Promise<void>): Promise<CaseResult> {
  await get('/gc');
  await settle();
  const from = logSize(logPath);
  await run();
  await settle();
  await get('/gc');
  await settle();
  const pauses = parseGcTrace(appendedSince(logPath, from));
  let freedMb = 0;
  let fullMs = 0;
  let youngMs = 0;
  for (const p of pauses)
    if (p.kind === 'full') {
      freedMb += p.beforeMb - p.afterMb;
      fullMs += p.pauseMs;
    } else youngMs += p.pauseMs;
  return {
    freedBytesPerOp: (freedMb * 1024 * 1024) / OPS,
    fullPauseUsPerOp: (fullMs * 1000) / OPS,
    youngPauseUsPerOp: (youngMs * 1000) / OPS,
  };
}

async function incoming(withBody: boolean): Promise<void> {
  for (let i = 0; i < OPS; i += 5) {
    const batch: Promise<void>[] = [];
    for (let k = 0; k < 5; k++) batch.push(get(withBody ? '/in?body=1' : '/in', bidRequest));
    await Promise.all(batch);
  }
}

const CASES: Array<[string, () => Promise<void>]> = [
  ['incoming request, body unread', () => incoming(false)],
  ['incoming request, body read (text)', () => incoming(true)],
  ['fetch, answer read with text()', () => get(`/fetch?n=${OPS}&read=text`, bidRequest)],
  [
    'fetch, headers read, then text() (the edge)',
    () => get(`/fetch?n=${OPS}&read=headers%2Btext`, bidRequest),
  ],
  ['fetch, one AbortSignal per 5 calls, text()', () => get(`/fetch?n=${OPS}&read=text&signal=1`, bidRequest)],
  ['fetch, answer read with json()', () => get(`/fetch?n=${OPS}&read=json`, bidRequest)],
  ['fetch, answer read with arrayBuffer()', () => get(`/fetch?n=${OPS}&read=arrayBuffer`, bidRequest)],
  ['fetch, answer unread', () => get(`/fetch?n=${OPS}&read=none`, bidRequest)],
];

try {
  await waitHealthy(`${base}/gc`, w, 15_000);
  process.stderr.write(`warming up (JIT), then ${CASES.length} cases x ${REPS} of ${OPS} calls...\n`);
  await incoming(true);
  await get(`/fetch?n=${OPS}&read=text`, bidRequest);
  const results = new Map<string, CaseResult[]>();
  for (let rep = 1; rep <= REPS; rep++)
    for (const [label, run] of CASES) {
      const r = await measure(run);
      results.set(label, [...(results.get(label) ?? []), r]);
      process.stderr.write(
        `[${rep}/${REPS}] ${label}: ${r.freedBytesPerOp.toFixed(0)} B and ${r.fullPauseUsPerOp.toFixed(1)} us of full GC per call\n`,
      );
    }
  const med = (label: string, k: keyof CaseResult) =>
    percentile(
      (results.get(label) ?? []).map((r) => r[k]).sort((a, b) => a - b),
      50,
    );
  const rows = CASES.map(
    ([label]) =>
      `| ${label} | ${med(label, 'freedBytesPerOp').toFixed(0)} | ${med(label, 'fullPauseUsPerOp').toFixed(1)} | ${med(label, 'youngPauseUsPerOp').toFixed(1)} |`,
  );
  // One incoming request with its body read and five calls read the edge's way.
  const auctionUs = med(CASES[1]![0], 'fullPauseUsPerOp') + 5 * med(CASES[3]![0], 'fullPauseUsPerOp');
  const auctionB = med(CASES[1]![0], 'freedBytesPerOp') + 5 * med(CASES[3]![0], 'freedBytesPerOp');
  const share = (rate: number) => `${((auctionUs * rate) / 1e4).toFixed(2)}% at ${rate}/s`;
  process.stdout.write(
    [
      `runtime GC cost in raw workerd, ${OPS} calls per case, median (nearest rank) of ${REPS}; load average ${loadavg()[0]?.toFixed(1)}`,
      '| per call | heap freed by the next full GC (B) | full-GC pause (us) | young-GC pauses (us) |',
      '|---|---|---|---|',
      ...rows,
      '',
      `a 5-DSP auction (incoming request + 5 calls): ${(auctionB / 1024).toFixed(1)} KB for the full GC and ${auctionUs.toFixed(0)} us of its pause; time stopped in full GCs from the runtime alone: ${[50, 100, 200].map(share).join(', ')}`,
      '',
    ].join('\n'),
  );
} finally {
  await stopAll();
  answers.close();
}
process.exit(0);
