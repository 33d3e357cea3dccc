// Which budget ledger the core last knew, per ledger namespace ('redis:<key prefix>' or
// 'embedded'). The ledger holds the same marker (Redis key / journal record); the budget part
// compares the two on start and reconnect, so a Redis that comes back empty, or a missing
// journal, is refused instead of being re-funded from the catalog (regional-core/src/budget/
// ledger-guard.ts, runbook in docs/budget-leases.md).
import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const budgetLedgers = pgTable('budget_ledger', {
  name: text('name').primaryKey(),
  ledgerId: text('ledger_id').notNull(),
  /** Set while an operator re-seed is writing a new ledger; cleared when it completes. */
  pendingLedgerId: text('pending_ledger_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  /** The last re-seed: who asked, why, and the spend it booked per campaign. */
  reseed: jsonb('reseed'),
});
