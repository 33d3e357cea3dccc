// Value in USD of one unit of a currency, as integer micros (1 EUR = 1_080_000), so the
// catalog holds no floats; the snapshot turns it into the edge's plain rate.
import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const currencyRates = pgTable('currency_rates', {
  currency: text('currency').primaryKey(),
  usdMicrosPerUnit: bigint('usd_micros_per_unit', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type CurrencyRateRow = typeof currencyRates.$inferSelect;
