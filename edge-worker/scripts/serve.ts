// Runs the edge worker in raw workerd (Miniflare API, no `wrangler dev` proxy) for the demo and
// the benchmarks. Node 24: `node edge-worker/scripts/serve.ts`.
//   1. bundles edge-worker/src/index.ts with esbuild into .cache/edge-build/index.js
//   2. starts workerd on HOST:PORT (default 127.0.0.1:8787) with bindings from the environment
//   3. prints one JSON line {"ready":true,"url":...} on stdout, then serves until SIGINT/SIGTERM,
//      when it disposes Miniflare (which stops workerd) and exits 0.
// Environment: CORE_URL, EDGE_TOKEN, NOTICE_KEYS, POP, the tuning bindings, PORT (or EDGE_PORT),
// HOST (or EDGE_HOST) (edge-settings.ts), INSPECTOR_PORT (DevTools protocol, for CPU profiles).
// Secrets default to a git-ignored .dev.vars at the repo root, then to loopback-only dev values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { edgeSettingsFromEnv, REPO } from './edge-settings.ts';

const OUT = join(REPO, '.cache/edge-build');

function wranglerSetting(key: string): string | undefined {
  const toml = readFileSync(join(REPO, 'wrangler.toml'), 'utf8');
  return new RegExp(`^${key}\\s*=\\s*"([^"]+)"`, 'm').exec(toml)?.[1];
}

const { bindings, host, port, pick } = edgeSettingsFromEnv();
// Chrome DevTools protocol for profiling the worker (e.g. Profiler.start), off by default.
const inspectorPort = pick('INSPECTOR_PORT') ? Number(pick('INSPECTOR_PORT')) : undefined;

const started = Date.now();
await build({
  entryPoints: [join(REPO, 'edge-worker/src/index.ts')],
  outfile: join(OUT, 'index.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
  external: ['cloudflare:*', 'node:*'],
  minify: false,
  sourcemap: false,
  logLevel: 'warning',
});

// Miniflare 5 takes a new options shape; the familiar v4 shape converts into it.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host,
    port,
    ...(inspectorPort ? { inspectorPort } : {}),
    name: 'edge',
    modules: true,
    scriptPath: join(OUT, 'index.js'),
    compatibilityDate: wranglerSetting('compatibility_date') ?? '2026-07-01',
    compatibilityFlags: ['nodejs_compat'],
    bindings,
    durableObjects: {
      NOTICE_LEDGER: { className: 'NoticeLedger', useSQLite: true },
      EVENTS_OUTBOX: { className: 'EventOutbox', useSQLite: true },
    },
    cacheAPI: true,
  }),
);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  try {
    await mf.dispose();
  } finally {
    process.stderr.write(`${JSON.stringify({ stopped: true, signal })}\n`);
    process.exit(0);
  }
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

try {
  const url = await mf.ready;
  process.stdout.write(
    `${JSON.stringify({
      ready: true,
      part: 'edge',
      url: url.origin,
      coreUrl: bindings.CORE_URL,
      pop: bindings.POP,
      pid: process.pid,
      startupMs: Date.now() - started,
    })}\n`,
  );
} catch (e) {
  process.stderr.write(
    `${JSON.stringify({ ready: false, error: e instanceof Error ? e.message : String(e) })}\n`,
  );
  await mf.dispose().catch(() => {});
  process.exit(1);
}
