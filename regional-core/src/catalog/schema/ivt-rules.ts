// Invalid-traffic rules the edge applies before any auction: user-agent substrings of known
// bots and CIDR ranges of data centres.
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const ivtRules = pgTable('ivt_rules', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['user_agent', 'ip_range'] }).notNull(),
  /** Case-insensitive UA substring, or an IPv4/IPv6 CIDR. */
  pattern: text('pattern').notNull(),
  note: text('note').notNull().default(''),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type IvtRuleRow = typeof ivtRules.$inferSelect;
