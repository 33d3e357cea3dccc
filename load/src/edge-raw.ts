// The edge in raw workerd, without the Miniflare launcher: bundled by wrangler from the real
// wrangler.toml, run with a plain workerd config (bindings as serve.ts sets them by default,
// the notice ledger Durable Object on disk in the run's directory, no Cache API service: the snapshot lives in
// isolate memory). DESIGN asks to benchmark workerd itself; measuring both ways shows what the
// launcher costs. Selected with LOAD_EDGE_RUNTIME=raw or by the overhead benchmark.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './paths.ts';
import { type Managed, start } from './processes.ts';
import {
  instanceUrls,
  renderWorkerdConfig,
  workerdServeCommand,
  writeInstanceConfigs,
} from './workerd-config.ts';

export function startEdgeRaw(opts: {
  port: number;
  /** The public socket's interface (default loopback); the instances' own ports stay on loopback. */
  host?: string;
  workDir: string;
  bindings: Record<string, string>;
}): Managed {
  const dir = join(opts.workDir, 'edge-raw');
  mkdirSync(dir, { recursive: true });
  const bundle = spawnSync(
    join(REPO, 'node_modules/.bin/wrangler'),
    ['deploy', '--dry-run', '--outdir', join(dir, 'out'), '-c', join(REPO, 'wrangler.toml')],
    { cwd: REPO, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  if (bundle.status !== 0) throw new Error(`bundling the edge failed:\n${bundle.stderr}${bundle.stdout}`);
  const { date, flags } = edgeRuntimeSettings();
  // One config per workerd instance (WORKERD_INSTANCES), each with its own Durable Object disk.
  // Several share the public port and relay each notice to the instance owning its ledger object
  // (edge-worker/src/notices/ledger-owner.ts), over their own ports with a key made per launch.
  const peerKey = randomBytes(32).toString('hex');
  const host = opts.host ?? '127.0.0.1';
  const configs = writeInstanceConfigs(
    dir,
    opts.port,
    (slot) => {
      const storageDir = join(dir, `do${slot.suffix}`);
      mkdirSync(storageDir, { recursive: true });
      const ring: Record<string, string> =
        slot.count === 1
          ? {}
          : {
              EDGE_INSTANCE: String(slot.index),
              EDGE_PEERS: instanceUrls(`http://127.0.0.1:${opts.port}`, slot.count).join(','),
              EDGE_PEER_KEY: peerKey,
              POP_ISOLATES: String(slot.count),
            };
      return renderWorkerdConfig({
        modulePath: 'out/index.js',
        address: slot.address,
        directAddress: slot.directAddress,
        compatibilityDate: date,
        compatibilityFlags: flags,
        bindings: { ...ring, ...opts.bindings },
        durableObjects: [
          { binding: 'NOTICE_LEDGER', className: 'NoticeLedger', sql: true },
          // The durable event outbox: what the core did not take waits here (on disk) for its alarm.
          { binding: 'EVENTS_OUTBOX', className: 'EventOutbox', sql: true },
        ],
        storageDir,
      });
    },
    host,
  );
  // EDGE_RAW_INSPECTOR=127.0.0.1:9229 opens workerd's inspector (CPU profiles: load/src/edge-profile.ts).
  const inspector = process.env.EDGE_RAW_INSPECTOR;
  const [cmd, argv] = workerdServeCommand(
    join(REPO, 'node_modules/workerd/bin/workerd'),
    configs,
    inspector ? [`--inspector-addr=${inspector}`] : [],
    `${host}:${opts.port}`,
  );
  return start('edge', cmd, argv, {
    cwd: dir,
    logDir: opts.workDir,
  });
}

/** The edge's compatibility date and flags and its keep_names setting, from the real wrangler.toml. */
export function edgeRuntimeSettings(): { date: string; flags: string[]; keepNames?: boolean } {
  const toml = readFileSync(join(REPO, 'wrangler.toml'), 'utf8');
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? '2026-04-26';
  const flags =
    /^compatibility_flags\s*=\s*\[([^\]]*)\]/m
      .exec(toml)?.[1]
      ?.match(/"([^"]+)"/g)
      ?.map((x) => x.slice(1, -1)) ?? [];
  const keep = /^keep_names\s*=\s*(true|false)/m.exec(toml)?.[1];
  return { date, flags, ...(keep ? { keepNames: keep === 'true' } : {}) };
}
