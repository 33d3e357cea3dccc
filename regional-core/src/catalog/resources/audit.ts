// GET /v1/admin/audit: the audit log, newest first, filterable by entity and id (admin only).
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq, lt } from 'drizzle-orm';
import { type CatalogEnv, requireAdmin } from '../auth.ts';
import type { CatalogDb } from '../db.ts';
import { auditLog } from '../schema/index.ts';
import { ErrorSchema, iso, PageQuery } from './common.ts';

// The shared page query, with the audit log's numeric cursor (its row id) and two filters.
const Query = PageQuery.extend({
  entity: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { name: 'entity', in: 'query' }, example: 'campaign' }),
  entityId: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { name: 'entityId', in: 'query' } }),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'cursor is the nextCursor of the previous page')
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' } }),
});
const Entry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string(),
    actorRole: z.string(),
    action: z.enum(['create', 'update', 'delete']),
    entity: z.string(),
    entityId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    catalogVersion: z.number().int(),
  })
  .openapi('AuditEntry');
const json = (schema: z.ZodType, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export function mountAudit(app: OpenAPIHono<CatalogEnv>, db: CatalogDb): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/audit',
      tags: ['audit'],
      security: [{ bearer: [] }],
      summary: 'Read the audit log (who changed what, before/after, when), newest first',
      request: { query: Query },
      responses: {
        200: json(z.object({ items: Entry.array(), nextCursor: z.string().nullable() }), 'entries'),
        400: json(ErrorSchema, 'bad query'),
        401: json(ErrorSchema, 'missing or unknown token'),
        403: json(ErrorSchema, 'admin only'),
      },
    }),
    async (c) => {
      requireAdmin(c.get('actor'));
      const q = c.req.valid('query');
      const rows = await db
        .select()
        .from(auditLog)
        .where(
          and(
            q.entity ? eq(auditLog.entity, q.entity) : undefined,
            q.entityId ? eq(auditLog.entityId, q.entityId) : undefined,
            q.cursor ? lt(auditLog.id, Number(q.cursor)) : undefined,
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const items = page.map((r) => ({ ...r, at: iso(r.at) }));
      return c.json({ items, nextCursor: rows.length > q.limit ? String(page.at(-1)!.id) : null }, 200);
    },
  );
}
