// Per-PoP config snapshot: in-isolate memory (TTL) over the Cache API over the core's
// GET /v1/snapshot. Only the very first load of an isolate with an empty PoP cache waits on the
// core; afterwards a stale snapshot is served while one background refresh (ETag /
// If-None-Match) runs under waitUntil: stale-while-revalidate.
import { err, ok, type Result } from '@edge-rtb/shared/result';
import { drain } from '../drain.ts';
import { compileSnapshot, isConfigSnapshot, type SnapshotView } from './view.ts';

export interface SnapshotSource {
  coreUrl: string;
  edgeToken: string;
  /** Overrides the cache's TTL (the SNAPSHOT_TTL_MS binding). */
  ttlMs?: number;
}

export type SnapshotError = { reason: 'snapshot_unavailable'; detail: string };

export interface SnapshotCacheOptions {
  ttlMs?: number;
  /** Do not hit the core more often than this after a failed refresh. */
  retryMs?: number;
  now?: () => number;
  cacheName?: string;
}

interface Held {
  view: SnapshotView;
  etag: string;
  fetchedAt: number;
  /** Where this copy came from: the PoP cache may hold a stale one worth refreshing. */
  from: 'core' | 'pop';
}

export interface SnapshotCache {
  /** `ctx`: the request's ExecutionContext (its waitUntil carries the background refresh). */
  get(
    src: SnapshotSource,
    ctx: { waitUntil(p: Promise<unknown>): void },
  ): Promise<Result<SnapshotView, SnapshotError>>;
  /** For tests and ops: what memory holds right now. */
  peek(): { version: string; fetchedAt: number } | null;
}

export function createSnapshotCache({
  ttlMs = 30_000,
  retryMs = 1_000,
  now = Date.now,
  cacheName = 'edge-rtb-snapshot',
}: SnapshotCacheOptions = {}): SnapshotCache {
  let held: Held | null = null;
  let heldFor = '';
  let inflight: Promise<Result<Held, SnapshotError>> | null = null;
  let lastAttempt = 0;

  const cacheKey = (src: SnapshotSource) =>
    `https://snapshot.edge-rtb.internal/v1/snapshot?core=${encodeURIComponent(src.coreUrl)}`;

  async function fromPopCache(src: SnapshotSource): Promise<Held | null> {
    try {
      const cache = await caches.open(cacheName);
      const res = await cache.match(cacheKey(src));
      if (!res) return null;
      const raw: unknown = await res.json();
      if (!isConfigSnapshot(raw)) return null;
      const fetchedAt = Number(res.headers.get('x-fetched-at')) || 0;
      return { view: compileSnapshot(raw), etag: res.headers.get('etag') ?? '', fetchedAt, from: 'pop' };
    } catch {
      return null;
    }
  }

  async function toPopCache(src: SnapshotSource, text: string, etag: string, fetchedAt: number) {
    try {
      const cache = await caches.open(cacheName);
      await cache.put(
        cacheKey(src),
        new Response(text, {
          headers: {
            'content-type': 'application/json',
            etag,
            'x-fetched-at': String(fetchedAt),
            // The PoP copy outlives the TTL on purpose: a stale snapshot beats none.
            'cache-control': 'max-age=86400',
          },
        }),
      );
    } catch {
      // The Cache API is an optimisation; memory still holds the snapshot.
    }
  }

  async function fromCore(src: SnapshotSource, prev: Held | null): Promise<Result<Held, SnapshotError>> {
    lastAttempt = now();
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${src.edgeToken}` };
      if (prev?.etag) headers['if-none-match'] = prev.etag;
      const res = await fetch(`${src.coreUrl}/v1/snapshot`, { headers, signal: AbortSignal.timeout(5_000) });
      const fetchedAt = now();
      if (res.status === 304 && prev) {
        await drain(res);
        const next: Held = { ...prev, fetchedAt, from: 'core' };
        await toPopCache(src, JSON.stringify(prev.view.raw), prev.etag, fetchedAt);
        return ok(next);
      }
      if (res.status !== 200) {
        await drain(res);
        return err({ reason: 'snapshot_unavailable', detail: `core answered ${res.status}` });
      }
      const text = await res.text();
      const raw: unknown = JSON.parse(text);
      if (!isConfigSnapshot(raw))
        return err({ reason: 'snapshot_unavailable', detail: 'malformed snapshot' });
      const etag = res.headers.get('etag') ?? `"${raw.version}"`;
      await toPopCache(src, text, etag, fetchedAt);
      return ok({ view: compileSnapshot(raw), etag, fetchedAt, from: 'core' });
    } catch (e) {
      return err({ reason: 'snapshot_unavailable', detail: e instanceof Error ? e.message : String(e) });
    }
  }

  /** One load at a time per isolate; concurrent callers share it. */
  function load(src: SnapshotSource, cold: boolean): Promise<Result<Held, SnapshotError>> {
    if (inflight) return inflight;
    const run = async (): Promise<Result<Held, SnapshotError>> => {
      const cached = cold ? await fromPopCache(src) : null;
      if (cached) return ok(cached);
      return fromCore(src, held);
    };
    inflight = run()
      .then((r) => {
        if (r.ok && (!held || r.value.fetchedAt >= held.fetchedAt)) {
          held = r.value;
          heldFor = src.coreUrl;
        }
        return r;
      })
      .finally(() => {
        inflight = null;
      });
    return inflight;
  }

  return {
    async get(src, ctx) {
      if (held && heldFor !== src.coreUrl) held = null;
      if (!held) {
        const r = await load(src, true);
        if (!r.ok) return r;
        // Straight from the core is fresh; a PoP-cache copy falls through to the staleness check.
        if (r.value.from === 'core') return ok(r.value.view);
      }
      const h = held as Held | null;
      if (!h) return err({ reason: 'snapshot_unavailable', detail: 'no snapshot' });
      const t = now();
      if (t - h.fetchedAt > (src.ttlMs ?? ttlMs) && t - lastAttempt > retryMs && !inflight) {
        ctx.waitUntil(load(src, false));
      }
      return ok(h.view);
    },
    peek: () => (held ? { version: held.view.version, fetchedAt: held.fetchedAt } : null),
  };
}
