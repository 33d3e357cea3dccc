// Admin API tokens: an admin issues them (the plaintext is in the POST answer only, the
// database keeps its SHA-256), lists them and revokes them. Role 'advertiser' tokens are
// bound to one advertiser.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { asc, eq, gt } from 'drizzle-orm';
import { type CatalogEnv, newSecret, requireAdmin, sha256Hex } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { type AdminTokenRow, adminTokens, advertisers } from '../schema/index.ts';
import type { CatalogStore } from '../store.ts';
import { ErrorSchema, Id, IdParam, iso, Name, PageQuery } from './common.ts';

const Create = z
  .object({ name: Name, role: z.enum(['admin', 'advertiser']), advertiserId: Id.optional() })
  .strict()
  .openapi('AdminTokenCreate');
const Out = z
  .object({
    id: Id,
    name: z.string(),
    role: z.enum(['admin', 'advertiser']),
    advertiserId: Id.nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('AdminToken');
const Issued = Out.extend({
  token: z.string().openapi({ description: 'shown once; only its hash is stored' }),
}).openapi('AdminTokenIssued');
const toOut = ({ tokenHash: _, ...r }: AdminTokenRow) => ({
  ...r,
  createdAt: iso(r.createdAt),
  revokedAt: r.revokedAt ? iso(r.revokedAt) : null,
});
const json = (schema: z.ZodType, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const errors = { 401: json(ErrorSchema, 'missing or unknown token'), 403: json(ErrorSchema, 'admin only') };
const common = { tags: ['tokens'], security: [{ bearer: [] }] };

export function mountTokens(app: OpenAPIHono<CatalogEnv>, store: CatalogStore): void {
  const db = store.handle.db;
  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/admin/tokens',
      summary: 'List admin API tokens (without secrets)',
      request: { query: PageQuery },
      responses: {
        200: json(z.object({ items: Out.array(), nextCursor: z.string().nullable() }), 'tokens'),
        400: json(ErrorSchema, 'bad query'),
        ...errors,
      },
    }),
    async (c) => {
      requireAdmin(c.get('actor'));
      const { limit, cursor } = c.req.valid('query');
      const rows = await db
        .select()
        .from(adminTokens)
        .where(cursor ? gt(adminTokens.id, cursor) : undefined)
        .orderBy(asc(adminTokens.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      return c.json(
        { items: page.map(toOut), nextCursor: rows.length > limit ? page.at(-1)!.id : null },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/admin/tokens',
      summary: 'Issue a token; the answer holds the only copy of its secret',
      request: { body: { content: { 'application/json': { schema: Create } }, required: true } },
      responses: {
        201: json(Issued, 'issued'),
        400: json(ErrorSchema, 'invalid request'),
        ...errors,
        422: json(ErrorSchema, 'unknown advertiser or bad binding'),
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      requireAdmin(actor);
      const input = c.req.valid('json');
      if ((input.role === 'advertiser') !== (input.advertiserId !== undefined))
        throw new ApiError(
          422,
          'invalid_value',
          'advertiserId is required for, and only for, role advertiser',
          'advertiserId',
        );
      const token = newSecret('ert_');
      const { value } = await store.change(actor, async (tx) => {
        if (input.advertiserId) {
          const [adv] = await tx
            .select({ id: advertisers.id })
            .from(advertisers)
            .where(eq(advertisers.id, input.advertiserId));
          if (!adv)
            throw new ApiError(
              422,
              'unknown_reference',
              `advertiser ${input.advertiserId} does not exist`,
              'advertiserId',
            );
        }
        const [row] = await tx
          .insert(adminTokens)
          .values({
            id: store.newId('tok'),
            name: input.name,
            role: input.role,
            advertiserId: input.advertiserId ?? null,
            tokenHash: sha256Hex(token),
            createdBy: actor.id,
          })
          .returning();
        const out = toOut(row!);
        return {
          value: out,
          audit: [{ action: 'create', entity: 'admin_token', entityId: out.id, before: null, after: out }],
        };
      });
      return c.json({ ...value, token }, 201);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/v1/admin/tokens/{id}',
      summary: 'Revoke a token (kept, marked revoked, for the audit trail)',
      request: { params: IdParam },
      responses: {
        204: { description: 'revoked' },
        400: json(ErrorSchema, 'bad id'),
        ...errors,
        404: json(ErrorSchema, 'not found'),
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      requireAdmin(actor);
      const { id } = c.req.valid('param');
      await store.change(actor, async (tx) => {
        const [cur] = await tx.select().from(adminTokens).where(eq(adminTokens.id, id));
        if (!cur) throw new ApiError(404, 'not_found', `token ${id} not found`);
        const [row] = await tx
          .update(adminTokens)
          .set({ revokedAt: cur.revokedAt ?? new Date() })
          .where(eq(adminTokens.id, id))
          .returning();
        return {
          value: null,
          audit: [
            { action: 'update', entity: 'admin_token', entityId: id, before: toOut(cur), after: toOut(row!) },
          ],
        };
      });
      return c.body(null, 204);
    },
  );
}
