// A single row holding the catalog version. Every committed change bumps it in the same
// transaction, so all core replicas (and restarts) agree on which snapshot is current.
import { bigint, integer, pgTable, timestamp } from 'drizzle-orm/pg-core';

export const catalogVersion = pgTable('catalog_version', {
  id: integer('id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
