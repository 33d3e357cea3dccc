// An SSP account. API keys are stored only as hex SHA-256 hashes: the plaintext is shown
// once when the key is issued and the edge compares hashes.
import { sql } from 'drizzle-orm';
import { bigint, check, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const sspAccounts = pgTable(
  'ssp_accounts',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    status: text('status', { enum: ['active', 'paused'] })
      .notNull()
      .default('active'),
    apiKeyHashes: jsonb('api_key_hashes').$type<string[]>().notNull().default([]),
    /** Publisher ids this SSP may send; empty = any. */
    publishers: jsonb('publishers').$type<string[]>().notNull().default([]),
    blockedPublishers: jsonb('blocked_publishers').$type<string[]>().notNull().default([]),
    blockedDomains: jsonb('blocked_domains').$type<string[]>().notNull().default([]),
    /** Floor on top of the request's bidfloor, CPM micros in the exchange currency. */
    floorCpmMicros: bigint('floor_cpm_micros', { mode: 'number' }).notNull().default(0),
    takeRateBps: integer('take_rate_bps').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('ssp_take_rate_range', sql`${t.takeRateBps} between 0 and 10000`)],
);

export type SspAccountRow = typeof sspAccounts.$inferSelect;
