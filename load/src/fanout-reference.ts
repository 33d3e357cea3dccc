// Runs the bare fan-out reference (load/fanout/worker.ts) in raw workerd, bundled by
// wrangler (no dev proxy at run time), the same way the edge runs for benchmarks.
import { join } from 'node:path';
import { REPO } from './paths.ts';
import { type Managed, start, waitHealthy } from './processes.ts';
import { bundleLikeEdge, serveBenchWorker } from './worker-bundle.ts';

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
}): Promise<Managed> {
  const dir = join(opts.workDir, 'bare-fanout');
  const main = join(REPO, 'load/fanout/worker.ts');
  const bindings = { DSP_URLS: opts.dspUrls.join(','), DEADLINE_MS: String(opts.deadlineMs) };
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
  await waitHealthy(`http://127.0.0.1:${opts.port}/healthz`, m, 15_000);
  return m;
}
