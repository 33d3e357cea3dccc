// Runs the bare fan-out reference (load/fanout/worker.ts) in raw workerd, bundled by
// wrangler (no dev proxy at run time), the same way the edge runs for benchmarks.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './paths.ts';
import { type Managed, start, waitHealthy } from './processes.ts';
import { bundleLikeEdge } from './worker-bundle.ts';
import { renderWorkerdConfig, workerdCommand } from './workerd-config.ts';

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
  // Like-for-like with the edge: the same compatibility date, flags and bundling options.
  const edge = bundleLikeEdge('bare-fanout', join(REPO, 'load/fanout/worker.ts'), dir);
  if ((opts.runtime ?? 'miniflare') === 'miniflare') {
    const m = start('bare-fanout', process.execPath, [join(REPO, 'load/fanout/serve.ts')], {
      cwd: dir,
      env: {
        BUNDLE: join(dir, 'out/worker.js'),
        PORT: String(opts.port),
        DSP_URLS: opts.dspUrls.join(','),
        DEADLINE_MS: String(opts.deadlineMs),
        COMPAT_DATE: edge.date,
        COMPAT_FLAGS: edge.flags.join(','),
      },
      logDir: opts.workDir,
    });
    await waitHealthy(`http://127.0.0.1:${opts.port}/healthz`, m, 30_000);
    return m;
  }
  const configPath = join(dir, 'workerd.capnp');
  writeFileSync(
    configPath,
    renderWorkerdConfig({
      modulePath: 'out/worker.js', // embed paths are relative to the config file
      address: `127.0.0.1:${opts.port}`,
      compatibilityDate: edge.date,
      compatibilityFlags: edge.flags,
      bindings: { DSP_URLS: opts.dspUrls.join(','), DEADLINE_MS: String(opts.deadlineMs) },
    }),
  );
  const [cmd, argv] = workerdCommand(join(REPO, 'node_modules/workerd/bin/workerd'), [
    'serve',
    configPath,
    ...(opts.inspector ? [`--inspector-addr=${opts.inspector}`] : []),
  ]);
  const m = start('bare-fanout', cmd, argv, {
    cwd: dir,
    logDir: opts.workDir,
  });
  await waitHealthy(`http://127.0.0.1:${opts.port}/healthz`, m, 15_000);
  return m;
}
