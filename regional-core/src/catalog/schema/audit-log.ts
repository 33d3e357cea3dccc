// One row per committed catalog change: who, what, before/after, when, and the catalog
// version the change produced. Append-only.
import { bigint, bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** Token id of the caller ('bootstrap' for the ADMIN_TOKEN from config, 'seed' for the seed). */
    actor: text('actor').notNull(),
    actorRole: text('actor_role').notNull(),
    action: text('action', { enum: ['create', 'update', 'delete'] }).notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    catalogVersion: bigint('catalog_version', { mode: 'number' }).notNull(),
  },
  (t) => [index('audit_log_entity_idx').on(t.entity, t.entityId)],
);

export type AuditLogRow = typeof auditLog.$inferSelect;
