// Bearer-token auth for the admin API and the edge's snapshot route. Tokens are compared by
// SHA-256 hash: the database holds only hashes, and hashing both sides first makes the
// comparison constant-time regardless of length.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import type { Actor } from './changes.ts';
import type { CatalogDb } from './db.ts';
import { ApiError } from './errors.ts';
import { adminTokens } from './schema/index.ts';

export interface CatalogEnv {
  Variables: { actor: Actor };
}

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

/** A new random secret with a readable prefix ('ert_' admin token, 'ssp_' SSP API key). */
export const newSecret = (prefix: string): string => `${prefix}${randomBytes(24).toString('base64url')}`;

export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(expected).digest(),
  );
}

export function bearer(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return m?.[1];
}

/** Resolves the caller of /v1/admin/*: the bootstrap ADMIN_TOKEN or a stored, unrevoked token. */
export function adminAuth(db: CatalogDb, bootstrapToken: string): MiddlewareHandler<CatalogEnv> {
  return async function adminAuthMiddleware(c, next) {
    const token = bearer(c.req.header('authorization'));
    if (!token) throw new ApiError(401, 'unauthorized', 'send Authorization: Bearer <admin API token>');
    if (sameSecret(token, bootstrapToken)) {
      c.set('actor', { id: 'bootstrap', role: 'admin', advertiserId: null });
      return next();
    }
    const [row] = await db
      .select()
      .from(adminTokens)
      .where(and(eq(adminTokens.tokenHash, sha256Hex(token)), isNull(adminTokens.revokedAt)))
      .limit(1);
    if (!row) throw new ApiError(401, 'unauthorized', 'unknown or revoked token');
    c.set('actor', { id: row.id, role: row.role, advertiserId: row.advertiserId });
    return next();
  };
}

export function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new ApiError(403, 'forbidden', 'this needs an admin token');
}
