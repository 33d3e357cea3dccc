// An advertiser owns campaigns and creatives; advertiser-role tokens are bound to one.
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const advertisers = pgTable('advertisers', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** ISO 4217 code the advertiser is billed in; campaigns bid in the exchange currency. */
  currency: text('currency').notNull().default('USD'),
  status: text('status', { enum: ['active', 'paused'] })
    .notNull()
    .default('active'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type AdvertiserRow = typeof advertisers.$inferSelect;
