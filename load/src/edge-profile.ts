// CPU profile of the edge in raw workerd under the overhead benchmark's traffic, through
// workerd's inspector: where the isolate's CPU goes per auction, and what runs in its longest
// busy stretches (work that holds the single thread while other auctions' answers wait: the
// P99 tail). Usage (holding the bench lock):
//   node load/src/edge-profile.ts [--rate 100] [--seconds 10] [--env '{"LOSS_NOTICES":"off"}']
// --baseline drives the baseline scenario's traffic instead (full request mix, tmax 200 ms, bots and
// malformed requests, the baseline DSP fleet, simulated users firing notices and trackers), since
// that mix costs the edge about twice the overhead bench's CPU per auction; CPU is then also split
// by what the isolate was serving (auction, notice route, each Durable Object, event batcher).
// --heap samples allocations instead, keeping only those that outlived the young generation
// (promoted to the old one, whether they died there later or not): what fills the old generation
// and so brings the full mark-compact GCs that stop the isolate for tens of ms. --alloc samples every
// allocation (what makes young-generation collections frequent). --bare profiles the bare fan-out
// reference (raw workerd, the same DSPs and traffic) instead: the runtime's floor, so the edge's own
// JS per auction is the difference.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleModules } from './bundle-modules.ts';
import { instantProfile } from './dsp-behavior.ts';
import { startFleetProcess } from './dsp-fleet-process.ts';
import { runPhase } from './load-phase.ts';
import { DSP_DELAY_MS, OVERHEAD_MIX, startBareFanout } from './overhead.ts';
import { RESULTS } from './paths.ts';
import { summarize } from './percentiles.ts';
import { stopAll } from './processes.ts';
import { fleet } from './scenarios/baseline.ts';
import { constantRate } from './schedule.ts';
import { DEV_SSP_KEY, startStack } from './stack.ts';
import { DEFAULT_MIX, type MixOptions } from './traffic-mix.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    env: { type: 'string' },
    interval: { type: 'string', default: '100' },
    analyse: { type: 'string' },
    bundle: { type: 'string' },
    auctions: { type: 'string', default: '1000' },
    baseline: { type: 'boolean', default: false },
    heap: { type: 'boolean', default: false },
    alloc: { type: 'boolean', default: false },
    bare: { type: 'boolean', default: false },
  },
});
const INSPECTOR = '127.0.0.1:9239';
process.env.EDGE_RAW_INSPECTOR = INSPECTOR;

const MIX: MixOptions = values.baseline ? { ...DEFAULT_MIX, tmaxMs: 200 } : OVERHEAD_MIX;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

async function cdp(wsUrl: string) {
  const ws = new WebSocket(wsUrl);
  await new Promise<void>((ok, fail) => {
    ws.onopen = () => ok();
    ws.onerror = () => fail(new Error(`inspector at ${wsUrl} refused`));
  });
  let next = 1;
  const waiting = new Map<number, (r: unknown) => void>();
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data)) as { id?: number; result?: unknown; error?: unknown };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.error ? { error: msg.error } : msg.result);
  };
  return {
    send: (method: string, params: Record<string, unknown> = {}) =>
      new Promise<unknown>((r) => {
        const id = next++;
        waiting.set(id, r);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/** The `k` largest entries of `m` as aligned lines: the value as `show` writes it, its share of `total`, the name. */
function topLines(m: Map<string, number>, k: number, total: number, show: (v: number) => string): string[] {
  return [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([l, v]) => `  ${show(v)}  ${((v / total) * 100).toFixed(1).padStart(5)} %  ${l}`);
}

const label = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;

function analyse(
  p: Profile,
  auctions: number,
  interval: number,
  moduleOf?: (line: number) => string,
): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const idle = new Set(
    p.nodes.filter((n) => ['(idle)', '(program)'].includes(n.callFrame.functionName)).map((n) => n.id),
  );
  const self = new Map<number, number>();
  const total = new Map<string, number>();
  let busyUs = 0;
  const stretches: Array<{ startUs: number; us: number; samples: number[] }> = [];
  let cur: { startUs: number; us: number; samples: number[] } | null = null;
  let t = 0;
  // workerd's profiler samples only while JS holds the isolate, so a long delta to the next
  // sample is time spent outside JS (waiting for I/O): it ends a stretch and counts one interval.
  const gapUs = 3 * interval;
  p.samples.forEach((id, i) => {
    const toNext = p.timeDeltas[i + 1] ?? 0;
    const dt = toNext > gapUs ? interval : toNext;
    t += p.timeDeltas[i] ?? 0;
    if ((p.timeDeltas[i] ?? 0) > gapUs && cur) {
      stretches.push(cur);
      cur = null;
    }
    if (idle.has(id)) {
      if (cur) stretches.push(cur);
      cur = null;
      return;
    }
    busyUs += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
    // Inclusive time per function name, counted once per sample.
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const l = label(byId.get(n)!);
      if (!seen.has(l)) total.set(l, (total.get(l) ?? 0) + dt);
      seen.add(l);
    }
    cur ??= { startUs: t, us: 0, samples: [] };
    cur.us += dt;
    cur.samples.push(id);
  });
  if (cur) stretches.push(cur);
  const selfByLabel = new Map<string, number>();
  for (const [id, us] of self) {
    const l = label(byId.get(id)!);
    selfByLabel.set(l, (selfByLabel.get(l) ?? 0) + us);
  }
  const top = (m: Map<string, number>, k: number) =>
    topLines(m, k, busyUs, (us) => `${(us / 1000).toFixed(1).padStart(8)} ms`);
  const lines = [
    `profiled ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s, JS busy ${(busyUs / 1000).toFixed(0)} ms, ${auctions} auctions: ${(busyUs / 1000 / auctions).toFixed(3)} ms JS per auction`,
    'self time:',
    ...top(selfByLabel, 30),
    'inclusive time:',
    ...top(total, 40),
  ];
  // Per entry: the outermost JS frame under the root is what the isolate was serving (the fetch
  // handler, a Durable Object's RPC method or alarm, a timer), since the bundle is one file.
  const entry = new Map<string, number>();
  for (const [id, us] of self) {
    let n = id;
    while (parent.has(n) && parent.get(n) !== p.nodes[0]?.id) n = parent.get(n)!;
    const l = label(byId.get(n)!);
    entry.set(l, (entry.get(l) ?? 0) + us);
  }
  lines.push('by entry (outermost JS frame):', ...top(entry, 15));
  if (moduleOf) {
    // Self time by source file: where the edge's own JS goes, beside the runtime's native calls.
    const byModule = new Map<string, number>();
    for (const [id, us] of self) {
      const cf = byId.get(id)!.callFrame;
      const k = cf.url ? moduleOf(cf.lineNumber + 1) : `(native) ${cf.functionName || '(anonymous)'}`;
      byModule.set(k, (byModule.get(k) ?? 0) + us);
    }
    lines.push(
      'self time by source file (us per auction):',
      ...[...byModule]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 30)
        .map(([k, us]) => `${(us / auctions).toFixed(1).padStart(8)} us  ${k}`),
    );
  }
  stretches.sort((a, b) => b.us - a.us);
  const hist = [1, 2, 5, 10, 20, 50].map(
    (ms) => `>=${ms} ms: ${stretches.filter((s) => s.us >= ms * 1000).length}`,
  );
  lines.push(`busy stretches: ${stretches.length}; ${hist.join(', ')}`);
  for (const s of stretches.slice(0, 8)) {
    const m = new Map<string, number>();
    for (const id of s.samples) {
      // The outermost JS frames below the root say what the stretch was doing.
      const chain: string[] = [];
      for (let n: number | undefined = id; n !== undefined; n = parent.get(n))
        chain.push(label(byId.get(n)!));
      const key = chain.reverse().slice(1, 4).join(' > ');
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    lines.push(`stretch at ${(s.startUs / 1000).toFixed(0)} ms: ${(s.us / 1000).toFixed(1)} ms`);
    for (const [k, n] of [...m].sort((a, b) => b[1] - a[1]).slice(0, 5)) lines.push(`    ${n} samples  ${k}`);
  }
  return lines.join('\n');
}

interface HeapNode {
  callFrame: ProfileNode['callFrame'];
  selfSize: number;
  children: HeapNode[];
}

/** Sampled bytes that reached the old generation, by allocating function and by its 4 innermost frames. */
function promoted(head: HeapNode, auctions: number): string {
  const byFn = new Map<string, number>();
  const byStack = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode, stack: string[]) => {
    const here = [...stack, label(n as unknown as ProfileNode)];
    if (n.selfSize > 0) {
      total += n.selfSize;
      const l = here[here.length - 1]!;
      byFn.set(l, (byFn.get(l) ?? 0) + n.selfSize);
      const k = here.slice(-4).reverse().join(' < ');
      byStack.set(k, (byStack.get(k) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, here);
  };
  walk(head, []);
  const top = (m: Map<string, number>, k: number) =>
    topLines(m, k, total, (b) => `${(b / 1024).toFixed(0).padStart(8)} KB`);
  return [
    `sampled, estimated: ${(total / 1024 / 1024).toFixed(1)} MB over ${auctions} auctions, ${(total / auctions).toFixed(0)} bytes per auction`,
    'by allocating function:',
    ...top(byFn, 25),
    'by stack (innermost first):',
    ...top(byStack, 25),
  ].join('\n');
}

if (values.analyse) {
  // Re-read a saved profile: --analyse FILE --auctions N [--bundle the worker bundle it ran]
  const prof = JSON.parse(readFileSync(values.analyse, 'utf8')) as Profile;
  const moduleOf = values.bundle ? bundleModules(readFileSync(values.bundle, 'utf8')) : undefined;
  process.stdout.write(`${analyse(prof, Number(values.auctions), Number(values.interval), moduleOf)}\n`);
  process.exit(0);
}
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const runDir = join(RESULTS, `edge-profile-${new Date().toISOString().replace(/[:.]/g, '-')}`);
const dsps = values.baseline ? fleet() : [0, 1, 2, 3, 4].map((i) => instantProfile(i, DSP_DELAY_MS));
// The target: the edge with its core, or (--bare) the bare fan-out on its own DSP fleet.
const target = values.bare
  ? await (async () => {
      const fleetProc = await startFleetProcess(dsps, 1);
      const { ref, url } = await startBareFanout(dsps, runDir, 'workerd', INSPECTOR);
      return {
        name: 'bare-fanout',
        url,
        pid: ref.pid,
        bundle: join(runDir, 'bare-fanout/out/worker.js'),
        stop: async () => {
          await ref.stop();
          await fleetProc.close();
        },
      };
    })()
  : await (async () => {
      const stack = await startStack({
        runDir,
        mode: 'single-node',
        dsps,
        seed: 1,
        edgeRuntime: 'raw',
        ...(values.env ? { edgeEnv: JSON.parse(values.env) as Record<string, string> } : {}),
      });
      return {
        name: 'edge',
        url: stack.edgeUrl,
        pid: stack.edge.pid,
        bundle: join(runDir, 'logs/edge-raw/out/index.js'),
        stop: () => stack.stop(),
      };
    })();
try {
  const phase = (durationS: number, quiet: boolean) =>
    runPhase({
      label: `${target.name} @${rate}/s`,
      url: target.url,
      apiKey: DEV_SSP_KEY,
      seed: 1,
      rate: constantRate(rate),
      durationS,
      mix: MIX,
      users: values.baseline,
      cpuRoots: [target.pid],
      quiet,
    });
  await phase(3, true);
  const isolates = (await (await fetch(`http://${INSPECTOR}/json/list`)).json()) as Array<{
    webSocketDebuggerUrl: string;
    title?: string;
  }>;
  const isolate = isolates[0];
  if (!isolate) throw new Error('the inspector lists no isolate');
  const c = await cdp(isolate.webSocketDebuggerUrl.replace('localhost', '127.0.0.1'));
  if (values.heap || values.alloc) {
    await c.send('HeapProfiler.enable');
    await c.send('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: values.alloc,
    });
    const p = await phase(seconds, false);
    const { profile } = (await c.send('HeapProfiler.getSamplingProfile')) as { profile: { head: HeapNode } };
    await c.send('HeapProfiler.stopSampling');
    c.close();
    writeFileSync(join(runDir, `${target.name}.heapprofile`), JSON.stringify(profile));
    process.stdout.write(
      `${promoted(profile.head, p.auctions)}\nprofile: ${join(runDir, `${target.name}.heapprofile`)}\n`,
    );
    process.exit(0);
  }
  await c.send('Profiler.enable');
  await c.send('Profiler.setSamplingInterval', { interval: Number(values.interval) });
  await c.send('Profiler.start');
  const p = await phase(seconds, false);
  const { profile } = (await c.send('Profiler.stop')) as { profile: Profile };
  c.close();
  writeFileSync(join(runDir, `${target.name}.cpuprofile`), JSON.stringify(profile));
  const v = summarize(p.ssp.validLatencies);
  process.stdout.write(
    `rate ${rate}/s for ${seconds} s (profiling on): e2e − ${DSP_DELAY_MS} ms (from schedule) P50 ${(v.p50 - DSP_DELAY_MS).toFixed(2)} P99 ${(v.p99 - DSP_DELAY_MS).toFixed(2)} ms, workerd CPU ${(p.cpuMs / p.auctions).toFixed(3)} ms/auction\n`,
  );
  process.stdout.write(
    `workerd CPU ${p.cpuMs.toFixed(0)} ms for ${p.auctions} auctions${p.users ? `, user calls ${JSON.stringify(p.users.sent)}` : ''}\n${analyse(profile, p.auctions, Number(values.interval), existsSync(target.bundle) ? bundleModules(readFileSync(target.bundle, 'utf8')) : undefined)}\nprofile: ${join(runDir, `${target.name}.cpuprofile`)}\n`,
  );
} finally {
  await target.stop();
  await stopAll();
}
process.exit(0);
