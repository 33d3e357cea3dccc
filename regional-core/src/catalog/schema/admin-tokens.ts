// Admin API tokens, stored as hex SHA-256 of the token. Role 'advertiser' is bound to one
// advertiser; role 'admin' may do everything. Revoked tokens are kept for the audit trail.
import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { advertisers } from './advertisers.ts';

export const adminTokens = pgTable(
  'admin_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    role: text('role', { enum: ['admin', 'advertiser'] }).notNull(),
    advertiserId: text('advertiser_id').references(() => advertisers.id, { onDelete: 'cascade' }),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('admin_tokens_advertiser_idx').on(t.advertiserId)],
);

export type AdminTokenRow = typeof adminTokens.$inferSelect;
