// Builds the edge app: one Hono instance over one EdgeState. index.ts makes the isolate's
// instance; tests make their own for fresh state.
import { Hono } from 'hono';
import type { EdgeEnv } from './env.ts';
import { auctionRoutes } from './routes/auction.ts';
import { noticeRoutes } from './routes/notices.ts';
import { createEdgeState, type EdgeOptions, type EdgeState } from './state.ts';

export function createEdge(opts: EdgeOptions = {}): { app: Hono<EdgeEnv>; state: EdgeState } {
  const state = createEdgeState(opts);
  const app = new Hono<EdgeEnv>();
  // Self-hosted as several workerd instances, each says which one answered (they share a port).
  app.get('/healthz', (c) =>
    c.json({
      ok: true,
      part: 'edge',
      ...(c.env.EDGE_INSTANCE ? { instance: Number(c.env.EDGE_INSTANCE) } : {}),
    }),
  );
  app.route('/', auctionRoutes(state));
  app.route('/', noticeRoutes(state));
  app.notFound((c) => c.json({ error: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }, 404));
  // Only fatal paths throw; bad input never reaches here. Still no stack traces to callers.
  app.onError((e, c) => {
    console.error(
      JSON.stringify({ level: 'error', msg: 'edge fatal', err: e instanceof Error ? e.message : String(e) }),
    );
    return c.json({ error: 'internal', message: 'the edge failed on this request' }, 500);
  });
  return { app, state };
}
