// GET /v1/snapshot for the edge: Bearer EDGE_TOKEN, ETag = "version", 304 when the edge's
// If-None-Match already names the current version. The body is pre-serialized per version.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { bearer, type CatalogEnv, sameSecret } from './auth.ts';
import { ApiError } from './errors.ts';
import { ErrorSchema } from './resources/common.ts';
import type { SnapshotCache } from './snapshot-cache.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/snapshot',
  tags: ['edge'],
  security: [{ bearer: [] }],
  summary: 'The config snapshot for the edge (type ConfigSnapshot in shared/src/snapshot.ts)',
  request: {
    headers: z.object({
      'if-none-match': z.string().optional().openapi({ description: 'ETag of the snapshot the edge holds' }),
    }),
  },
  responses: {
    200: {
      description: 'the current snapshot; ETag header = its version',
      content: {
        'application/json': {
          schema: z
            .object({ version: z.string(), generatedAt: z.string() })
            .passthrough()
            .openapi('ConfigSnapshot'),
        },
      },
    },
    304: { description: 'the edge already holds the current version' },
    401: {
      description: 'missing or wrong edge token',
      content: { 'application/json': { schema: ErrorSchema } },
    },
  },
});

/** True when an If-None-Match header (possibly a list, possibly weak) names the ETag. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

export function mountSnapshot(
  app: OpenAPIHono<CatalogEnv>,
  cache: SnapshotCache,
  edgeToken: string,
  onAnswer: (status: 200 | 304) => void = () => {},
): void {
  // Registered for the document and served by a plain handler: the body is a cached string,
  // not an object to re-validate and re-serialize on each poll.
  app.openAPIRegistry.registerPath(route);
  app.get('/v1/snapshot', async (c) => {
    const token = bearer(c.req.header('authorization'));
    if (!token || !sameSecret(token, edgeToken))
      throw new ApiError(401, 'unauthorized', 'send Authorization: Bearer <edge token>');
    const snap = await cache.get();
    c.header('etag', snap.etag);
    c.header('cache-control', 'no-cache');
    if (etagMatches(c.req.header('if-none-match'), snap.etag)) {
      onAnswer(304);
      return c.body(null, 304);
    }
    onAnswer(200);
    c.header('content-type', 'application/json; charset=utf-8');
    return c.body(snap.body, 200);
  });
}
