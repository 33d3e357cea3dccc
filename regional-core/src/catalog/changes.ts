// Every catalog write goes through commitChange: one transaction that applies the change,
// bumps the catalog version, writes one audit row per changed object and (on PostgreSQL)
// queues a NOTIFY that is delivered only if the transaction commits. So "version N" always
// means the same catalog on every replica, and no change escapes the audit log.
import { eq, sql } from 'drizzle-orm';
import type { CatalogDb } from './db.ts';
import { auditLog, catalogVersion } from './schema/index.ts';

export const NOTIFY_CHANNEL = 'edge_rtb_catalog';

export type CatalogTx = Parameters<Parameters<CatalogDb['transaction']>[0]>[0];

export interface Actor {
  /** Token id; 'bootstrap' for ADMIN_TOKEN, 'seed' for the seed. */
  id: string;
  role: 'admin' | 'advertiser';
  advertiserId?: string | null;
}

export interface AuditEntry {
  action: 'create' | 'update' | 'delete';
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

export interface ChangeResult<T> {
  value: T;
  version: number;
}

export async function commitChange<T>(
  db: CatalogDb,
  actor: Actor,
  notify: boolean,
  apply: (tx: CatalogTx) => Promise<{ value: T; audit: AuditEntry[] }>,
): Promise<ChangeResult<T>> {
  return db.transaction(async (tx) => {
    // Lock the version row before reading anything: concurrent writers queue here, so the
    // "before" each one reads and audits is what the previous writer committed.
    const [locked] = await tx
      .select({ version: catalogVersion.version })
      .from(catalogVersion)
      .where(eq(catalogVersion.id, 1))
      .for('update');
    const { value, audit } = await apply(tx);
    // Nothing changed (e.g. a re-run seed): no new version, so the edge keeps its cache.
    if (audit.length === 0) return { value, version: locked?.version ?? 0 };
    // Upsert rather than update: a database whose row was deleted by hand still works.
    const [row] = await tx
      .insert(catalogVersion)
      .values({ id: 1, version: 1 })
      .onConflictDoUpdate({
        target: catalogVersion.id,
        set: { version: sql`${catalogVersion.version} + 1`, updatedAt: sql`now()` },
      })
      .returning({ version: catalogVersion.version });
    const version = row!.version;
    await tx.insert(auditLog).values(
      audit.map((a) => ({
        actor: actor.id,
        actorRole: actor.role,
        action: a.action,
        entity: a.entity,
        entityId: a.entityId,
        before: a.before ?? null,
        after: a.after ?? null,
        catalogVersion: version,
      })),
    );
    if (notify) await tx.execute(sql`select pg_notify(${NOTIFY_CHANNEL}, ${String(version)})`);
    return { value, version };
  });
}

export async function readVersion(db: CatalogDb | CatalogTx): Promise<number> {
  const [row] = await db.select({ version: catalogVersion.version }).from(catalogVersion).limit(1);
  return row?.version ?? 0;
}
