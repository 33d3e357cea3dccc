// Runs the bare fan-out reference (load/fanout/worker.ts) in raw workerd, bundled by
// wrangler (no dev proxy at run time), the same way the edge runs for benchmarks.
import { join } from 'node:path';
import { REPO } from './paths.ts';
import { type Managed, start, waitHealthy } from './processes.ts';
import { bundleLikeEdge, serveBenchWorker } from './worker-bundle.ts';
import { waitInstancesHealthy } from './workerd-config.ts';

/**
 * Work the reference adds to each auction, in two equal halves (before the fan-out, after the
 * answers): `spinIterations` of an integer LCG step (a few ns each) and `garbageObjects` small
 * objects (~30 bytes each) that die young.
 */
export interface BareWork {
  spinIterations: number;
  garbageObjects: number;
}

/**
 * OVERHEAD_BARE_WORK as given, e.g. '{"spinIterations":150000}': a BareWork, undefined when unset,
 * or an error naming what to fix. Pure, so it is tested.
 */
export function parseBareWork(text: string | undefined): BareWork | undefined | { error: string } {
  if (text === undefined || text.trim() === '') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { error: 'OVERHEAD_BARE_WORK must be JSON, e.g. {"spinIterations":150000,"garbageObjects":1000}' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { error: 'OVERHEAD_BARE_WORK must be a JSON object' };
  const work: BareWork = { spinIterations: 0, garbageObjects: 0 };
  for (const [key, value] of Object.entries(raw)) {
    if (key !== 'spinIterations' && key !== 'garbageObjects')
      return { error: `OVERHEAD_BARE_WORK: unknown key ${key} (spinIterations, garbageObjects)` };
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 1e8)
      return { error: `OVERHEAD_BARE_WORK: ${key} must be an integer from 0 to 100000000` };
    work[key] = value as number;
  }
  return work;
}

/** 'miniflare' runs it the way serve.ts runs the edge; 'workerd' is raw workerd with our own config. */
export type FanoutRuntime = 'miniflare' | 'workerd';

export async function startFanoutReference(opts: {
  port: number;
  dspUrls: string[];
  deadlineMs: number;
  workDir: string;
  runtime?: FanoutRuntime;
  /** Raw workerd only: open its inspector here (CPU profiles, load/src/edge-profile.ts --bare). */
  inspector?: string;
  /** Work of a known size added to every auction (calibration; load/fanout/worker.ts). */
  work?: BareWork;
}): Promise<Managed> {
  const dir = join(opts.workDir, 'bare-fanout');
  const main = join(REPO, 'load/fanout/worker.ts');
  const bindings = {
    DSP_URLS: opts.dspUrls.join(','),
    DEADLINE_MS: String(opts.deadlineMs),
    SPIN_ITERATIONS: String(opts.work?.spinIterations ?? 0),
    GARBAGE_OBJECTS: String(opts.work?.garbageObjects ?? 0),
  };
  if ((opts.runtime ?? 'miniflare') === 'miniflare') {
    // Like-for-like with the edge: the same compatibility date, flags and bundling options.
    const edge = bundleLikeEdge('bare-fanout', main, dir);
    const m = start('bare-fanout', process.execPath, [join(REPO, 'load/fanout/serve.ts')], {
      cwd: dir,
      env: {
        BUNDLE: join(dir, 'out/worker.js'),
        PORT: String(opts.port),
        ...bindings,
        COMPAT_DATE: edge.date,
        COMPAT_FLAGS: edge.flags.join(','),
      },
      logDir: opts.workDir,
    });
    await waitHealthy(`http://127.0.0.1:${opts.port}/healthz`, m, 30_000);
    return m;
  }
  const m = serveBenchWorker({
    name: 'bare-fanout',
    main,
    dir,
    port: opts.port,
    bindings,
    logDir: opts.workDir,
    args: opts.inspector ? [`--inspector-addr=${opts.inspector}`] : [],
  });
  await waitInstancesHealthy(`http://127.0.0.1:${opts.port}`, m, 15_000);
  return m;
}
