// Bundles a reference worker (the bare fan-out, the load/bench workers) the way wrangler
// bundles the edge, with the edge's compatibility date, flags and keep_names from its
// wrangler.toml, so runtime behaviour and bundle shape match the edge's.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { edgeRuntimeSettings } from './edge-raw.ts';
import { REPO } from './paths.ts';
import { type Managed, start } from './processes.ts';
import { renderWorkerdConfig, workerdServeCommand, writeInstanceConfigs } from './workerd-config.ts';

/** Writes `dir/wrangler.toml` for `main` and bundles it into `dir/out/`; throws with wrangler's output on failure. */
export function bundleLikeEdge(
  name: string,
  main: string,
  dir: string,
): ReturnType<typeof edgeRuntimeSettings> {
  mkdirSync(dir, { recursive: true });
  const edge = edgeRuntimeSettings();
  writeFileSync(
    join(dir, 'wrangler.toml'),
    [
      `name = ${JSON.stringify(name)}`,
      `main = ${JSON.stringify(main)}`,
      `compatibility_date = "${edge.date}"`,
      `compatibility_flags = ${JSON.stringify(edge.flags)}`,
      ...(edge.keepNames === undefined ? [] : [`keep_names = ${edge.keepNames}`]),
      '',
    ].join('\n'),
  );
  const bundle = spawnSync(
    join(REPO, 'node_modules/.bin/wrangler'),
    ['deploy', '--dry-run', '--outdir', join(dir, 'out'), '-c', join(dir, 'wrangler.toml')],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  if (bundle.status !== 0) throw new Error(`bundling ${name} failed:\n${bundle.stderr}${bundle.stdout}`);
  return edge;
}

/**
 * A reference or bench worker (`main`, a path in the repo) bundled like the edge and served by raw
 * workerd on loopback `port` with text `bindings`, its output in `<logDir>/<name>.log` (default
 * `dir/logs`; V8 traces included, WORKERD_V8_FLAGS); `args` go to `workerd serve` (an inspector
 * address). Throws, before starting anything, when bundling fails.
 */
export function serveBenchWorker(o: {
  name: string;
  main: string;
  dir: string;
  port: number;
  bindings?: Record<string, string>;
  logDir?: string;
  args?: string[];
}): Managed {
  const edge = bundleLikeEdge(o.name, o.main, o.dir);
  // One config per workerd instance (WORKERD_INSTANCES): several share `port` and have their own.
  const configs = writeInstanceConfigs(o.dir, o.port, (slot) =>
    renderWorkerdConfig({
      modulePath: `out/${basename(o.main).replace(/\.ts$/, '.js')}`,
      address: slot.address,
      directAddress: slot.directAddress,
      compatibilityDate: edge.date,
      compatibilityFlags: edge.flags,
      bindings: o.bindings ?? {},
    }),
  );
  const [cmd, argv] = workerdServeCommand(
    join(REPO, 'node_modules/workerd/bin/workerd'),
    configs,
    o.args ?? [],
    `127.0.0.1:${o.port}`,
  );
  return start(o.name, cmd, argv, { cwd: o.dir, logDir: o.logDir ?? join(o.dir, 'logs') });
}
