// A private-marketplace deal: floor, auction type and who may bid on it.
import { bigint, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const deals = pgTable('deals', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  status: text('status', { enum: ['active', 'paused'] })
    .notNull()
    .default('active'),
  floorCpmMicros: bigint('floor_cpm_micros', { mode: 'number' }).notNull(),
  /** 1 first price, 2 second price, 3 fixed price at the floor. */
  auctionType: integer('auction_type').$type<1 | 2 | 3>().notNull().default(1),
  /** Buyer seats allowed; empty = any. Not foreign keys: seats and partners may be retired. */
  wseat: jsonb('wseat').$type<string[]>().notNull().default([]),
  dspIds: jsonb('dsp_ids').$type<string[]>().notNull().default([]),
  campaignIds: jsonb('campaign_ids').$type<string[]>().notNull().default([]),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type DealRow = typeof deals.$inferSelect;
