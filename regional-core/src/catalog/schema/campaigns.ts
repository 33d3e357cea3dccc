// A campaign: budget (integer micros), flight in an IANA zone, pacing, targeting and bid
// strategy. The budget part reads these through CampaignBudgetSource; the edge reads the
// bidding fields through the snapshot.
import type { CampaignConfig } from '@edge-rtb/shared/snapshot';
import { sql } from 'drizzle-orm';
import { bigint, check, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { advertisers } from './advertisers.ts';

export type Targeting = CampaignConfig['targeting'];

export const campaigns = pgTable(
  'campaigns',
  {
    id: text('id').primaryKey(),
    // restrict: an advertiser with campaigns cannot be deleted by accident (409 in the API).
    advertiserId: text('advertiser_id')
      .notNull()
      .references(() => advertisers.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    status: text('status', { enum: ['active', 'paused'] })
      .notNull()
      .default('paused'),
    totalBudgetMicros: bigint('total_budget_micros', { mode: 'number' }).notNull(),
    /** null = no daily cap. */
    dailyBudgetMicros: bigint('daily_budget_micros', { mode: 'number' }),
    startAt: timestamp('start_at', { withTimezone: true }).notNull(),
    endAt: timestamp('end_at', { withTimezone: true }).notNull(),
    timeZone: text('time_zone').notNull().default('UTC'),
    pacing: text('pacing', { enum: ['even', 'asap', 'front_loaded'] })
      .notNull()
      .default('even'),
    targeting: jsonb('targeting').$type<Targeting>().notNull().default({}),
    bidStrategy: text('bid_strategy', { enum: ['fixed_cpm', 'target_cpc', 'target_cpa'] }).notNull(),
    /** CPM micros for fixed_cpm, CPC micros for target_cpc, CPA micros for target_cpa. */
    bidAmountMicros: bigint('bid_amount_micros', { mode: 'number' }).notNull(),
    maxCpmMicros: bigint('max_cpm_micros', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('campaigns_advertiser_idx').on(t.advertiserId),
    // The API validates these too; the checks keep other writers (psql, scripts) honest.
    check(
      'campaigns_budget_nonneg',
      sql`${t.totalBudgetMicros} >= 0 and coalesce(${t.dailyBudgetMicros}, 0) >= 0`,
    ),
    check('campaigns_flight_order', sql`${t.endAt} > ${t.startAt}`),
  ],
);

export type CampaignRow = typeof campaigns.$inferSelect;
