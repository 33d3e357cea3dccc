// Bundles a reference worker (the bare fan-out, the request-cost bench's worker) the way wrangler
// bundles the edge, with the edge's compatibility date, flags and keep_names from its
// wrangler.toml, so runtime behaviour and bundle shape match the edge's.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { edgeRuntimeSettings } from './edge-raw.ts';
import { REPO } from './paths.ts';

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
