// `./run edge:workerd`: the edge self-hosted in plain workerd on a machine of its own, one process
// per core (WORKERD_INSTANCES, default this machine's cores, at most 8) behind one port, notices
// counted once whichever process they reach (docs/architecture.md, "Self-hosted on several
// cores"). Bundled by wrangler from wrangler.toml; bindings and address from the environment as
// serve.ts takes them (edge-worker/scripts/edge-settings.ts). Prints one JSON line once every
// instance answers, then serves until SIGINT/SIGTERM; workerd's output goes to
// .data/edge-workerd/edge.log.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { edgeSettingsFromEnv } from '../../edge-worker/scripts/edge-settings.ts';
import { startEdgeRaw } from './edge-raw.ts';
import { REPO } from './paths.ts';
import { instanceUrls, waitInstancesHealthy, workerdInstancesFromEnv } from './workerd-config.ts';

process.env.WORKERD_INSTANCES ??= String(Math.min(8, availableParallelism()));
const instances = workerdInstancesFromEnv();
const { bindings, host, port } = edgeSettingsFromEnv();
const workDir = join(REPO, '.data/edge-workerd');
const edge = startEdgeRaw({ port, host, workDir, bindings });
edge.child.once('exit', (code) => {
  process.stderr.write(`${JSON.stringify({ stopped: true, part: 'edge', code, log: edge.logPath })}\n`);
  process.exit(code === 0 ? 0 : 1);
});
await waitInstancesHealthy(`http://127.0.0.1:${port}`, edge, 60_000);
const own = instanceUrls(`http://127.0.0.1:${port}`, instances);
process.stdout.write(
  `${JSON.stringify({
    ready: true,
    part: 'edge',
    url: `http://${host}:${port}`,
    instances,
    ...(instances > 1 ? { own } : {}),
    coreUrl: bindings.CORE_URL,
    pop: bindings.POP,
    log: edge.logPath,
  })}\n`,
);
