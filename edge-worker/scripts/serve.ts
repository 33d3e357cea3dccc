// Runs the edge worker in raw workerd (Miniflare API, no `wrangler dev` proxy) for the demo and
// the benchmarks. Node 24: `node edge-worker/scripts/serve.ts`.
//   1. bundles edge-worker/src/index.ts with esbuild into .cache/edge-build/index.js
//   2. starts workerd on HOST:PORT (default 127.0.0.1:8787) with bindings from the environment
//   3. prints one JSON line {"ready":true,"url":...} on stdout, then serves until SIGINT/SIGTERM,
//      when it disposes Miniflare (which stops workerd) and exits 0.
// Environment: CORE_URL, EDGE_TOKEN, NOTICE_KEYS, POP, PUBLIC_URL, SNAPSHOT_TTL_MS,
// EVENTS_FLUSH_MS, MAX_BODY_BYTES, NOTICE_TTL_S, LOSS_NOTICES, PORT (or EDGE_PORT), HOST (or EDGE_HOST),
// INSPECTOR_PORT (DevTools protocol, for CPU profiles).
// Secrets default to a git-ignored .dev.vars at the repo root, then to loopback-only dev values.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(REPO, '.cache/edge-build');

function devVars(): Record<string, string> {
  const file = join(REPO, '.dev.vars');
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*"?(.*?)"?\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

function wranglerSetting(key: string): string | undefined {
  const toml = readFileSync(join(REPO, 'wrangler.toml'), 'utf8');
  return new RegExp(`^${key}\\s*=\\s*"([^"]+)"`, 'm').exec(toml)?.[1];
}

const fileVars = devVars();
const pick = (name: string, fallback?: string): string | undefined =>
  process.env[name] ?? fileVars[name] ?? fallback;

const bindings: Record<string, string> = {
  CORE_URL: pick('CORE_URL', 'http://127.0.0.1:8080')!,
  EDGE_TOKEN: pick('EDGE_TOKEN', 'dev-edge-token')!,
  // Loopback dev key; anything public must set its own (wrangler secret put NOTICE_KEYS).
  NOTICE_KEYS: pick('NOTICE_KEYS', 'dev:dev-notice-key-loopback-only-0000')!,
  POP: pick('POP', 'local')!,
};
for (const k of [
  'PUBLIC_URL',
  'SNAPSHOT_TTL_MS',
  'EVENTS_FLUSH_MS',
  'MAX_BODY_BYTES',
  'NOTICE_TTL_S',
  'LOSS_NOTICES',
  'EVENTS_POST_TIMEOUT_MS',
  'EVENTS_OUTBOX_SHARDS',
  'EVENTS_OUTBOX_RETRY_MS',
  'EVENTS_OUTBOX_MAX_RETRY_MS',
  'EVENTS_OUTBOX_MAX_BYTES',
  'TRACKER_WRITE_THROUGH',
]) {
  const v = pick(k);
  if (v !== undefined) bindings[k] = v;
}
const host = pick('HOST') ?? pick('EDGE_HOST', '127.0.0.1')!;
const port = Number(pick('PORT') ?? pick('EDGE_PORT', '8787'));
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
