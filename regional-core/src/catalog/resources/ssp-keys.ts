// SSP API keys: issue (plaintext in the answer only, the hash goes to the catalog and the
// snapshot) and revoke by hash. Admin only.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { type CatalogEnv, newSecret, requireAdmin, sha256Hex } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { sspAccounts } from '../schema/index.ts';
import type { CatalogStore } from '../store.ts';
import { ErrorSchema, Id } from './common.ts';
import { KeyHash } from './ssps.ts';

const json = (schema: z.ZodType, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const errors = {
  400: json(ErrorSchema, 'invalid request'),
  401: json(ErrorSchema, 'missing or unknown token'),
  403: json(ErrorSchema, 'admin only'),
  404: json(ErrorSchema, 'no such SSP or key'),
};
const common = { tags: ['ssps'], security: [{ bearer: [] }] };
const MAX_KEYS = 20;

export function mountSspKeys(app: OpenAPIHono<CatalogEnv>, store: CatalogStore): void {
  const withKeys = async (
    actorId: Parameters<CatalogStore['change']>[0],
    sspId: string,
    edit: (keys: string[]) => string[],
  ) =>
    store.change(actorId, async (tx) => {
      const [cur] = await tx.select().from(sspAccounts).where(eq(sspAccounts.id, sspId));
      if (!cur) throw new ApiError(404, 'not_found', `ssp ${sspId} not found`);
      const apiKeyHashes = edit(cur.apiKeyHashes);
      await tx
        .update(sspAccounts)
        .set({ apiKeyHashes, updatedAt: new Date() })
        .where(eq(sspAccounts.id, sspId));
      const audit = [
        {
          action: 'update' as const,
          entity: 'ssp',
          entityId: sspId,
          before: { apiKeyHashes: cur.apiKeyHashes },
          after: { apiKeyHashes },
        },
      ];
      return { value: null, audit };
    });

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/admin/ssps/{id}/keys',
      summary: 'Issue an API key for an SSP; the answer holds the only copy of the key',
      request: { params: z.object({ id: Id.openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: { 201: json(z.object({ key: z.string(), keyHash: KeyHash }), 'issued'), ...errors },
    }),
    async (c) => {
      const actor = c.get('actor');
      requireAdmin(actor);
      const key = newSecret('ssp_');
      const keyHash = sha256Hex(key);
      await withKeys(actor, c.req.valid('param').id, (keys) => {
        if (keys.length >= MAX_KEYS)
          throw new ApiError(409, 'too_many_keys', `an SSP holds at most ${MAX_KEYS} keys; revoke one`);
        return [...keys, keyHash];
      });
      return c.json({ key, keyHash }, 201);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/v1/admin/ssps/{id}/keys/{keyHash}',
      summary: 'Revoke an SSP API key by its hash',
      request: {
        params: z.object({
          id: Id.openapi({ param: { name: 'id', in: 'path' } }),
          keyHash: KeyHash.openapi({ param: { name: 'keyHash', in: 'path' } }),
        }),
      },
      responses: { 204: { description: 'revoked' }, ...errors },
    }),
    async (c) => {
      const actor = c.get('actor');
      requireAdmin(actor);
      const { id, keyHash } = c.req.valid('param');
      await withKeys(actor, id, (keys) => {
        if (!keys.includes(keyHash))
          throw new ApiError(404, 'not_found', 'no such key on this SSP', 'keyHash');
        return keys.filter((k) => k !== keyHash);
      });
      return c.body(null, 204);
    },
  );
}
