// Puts the cached config snapshot on the context. Only an isolate's very first request waits
// on the core; without any snapshot the edge cannot authenticate anyone, so it says 503.
import type { MiddlewareHandler } from 'hono';
import type { EdgeEnv } from '../env.ts';
import { problem } from '../outcomes.ts';
import type { SnapshotCache } from '../snapshot/snapshot-cache.ts';

export interface SnapshotOptions {
  cache: SnapshotCache;
}

export const withSnapshot = ({ cache }: SnapshotOptions): MiddlewareHandler<EdgeEnv> =>
  async function withSnapshot(c, next) {
    const ttl = Number(c.env.SNAPSHOT_TTL_MS);
    const src = {
      coreUrl: c.env.CORE_URL,
      edgeToken: c.env.EDGE_TOKEN,
      ...(ttl >= 0 && c.env.SNAPSHOT_TTL_MS ? { ttlMs: ttl } : {}),
    };
    const r = await cache.get(src, (p) => c.executionCtx.waitUntil(p));
    if (!r.ok) return problem(c, r.error);
    c.set('snapshot', r.value);
    await next();
  };
