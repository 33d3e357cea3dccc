// Serves the bare fan-out reference through Miniflare's API, exactly as
// edge-worker/scripts/serve.ts serves the edge (same runtime, same entry routing inside
// workerd), so "edge CPU minus fan-out CPU" compares like with like. The bundle comes from
// fanout-reference.ts (wrangler --dry-run). Env: BUNDLE, PORT, DSP_URLS, DEADLINE_MS, COMPAT_DATE, COMPAT_FLAGS.
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';

// Miniflare 5 takes a new options shape; the edge's serve.ts converts the v4 shape the same way.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: Number(process.env.PORT ?? 8790),
    modules: true,
    scriptPath: process.env.BUNDLE ?? 'out/worker.js',
    // The edge's compatibility date and flags (fanout-reference.ts reads them from wrangler.toml).
    compatibilityDate: process.env.COMPAT_DATE ?? '2026-04-26',
    compatibilityFlags: (process.env.COMPAT_FLAGS ?? 'nodejs_compat').split(',').filter(Boolean),
    bindings: { DSP_URLS: process.env.DSP_URLS ?? '', DEADLINE_MS: process.env.DEADLINE_MS ?? '150' },
  }),
);
const stop = async () => {
  await mf.dispose().catch(() => {});
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
const url = await mf.ready;
process.stdout.write(`${JSON.stringify({ ready: true, part: 'bare-fanout', url: url.origin })}\n`);
