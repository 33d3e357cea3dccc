// A creative belongs to one campaign; advertiser_id is kept beside campaign_id (and checked
// to match on write) so advertiser-scoped queries need no join.
import type { AdFormat } from '@edge-rtb/shared/snapshot';
import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { advertisers } from './advertisers.ts';
import { campaigns } from './campaigns.ts';

export const creatives = pgTable(
  'creatives',
  {
    id: text('id').primaryKey(),
    advertiserId: text('advertiser_id')
      .notNull()
      .references(() => advertisers.id, { onDelete: 'restrict' }),
    // A campaign's creatives go with it.
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: text('status', { enum: ['active', 'paused'] })
      .notNull()
      .default('active'),
    format: text('format').$type<AdFormat>().notNull(),
    sizes: jsonb('sizes').$type<Array<{ w: number; h: number }>>().notNull(),
    /** Markup template; ${AUCTION_PRICE} and friends are substituted at win time. */
    markup: text('markup').notNull(),
    adomain: jsonb('adomain').$type<string[]>().notNull().default([]),
    /** IAB content categories. */
    categories: jsonb('categories').$type<string[]>().notNull().default([]),
    /** OpenRTB creative attributes (list 5.3). */
    attributes: jsonb('attributes').$type<number[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('creatives_campaign_idx').on(t.campaignId),
    index('creatives_advertiser_idx').on(t.advertiserId),
  ],
);

export type CreativeRow = typeof creatives.$inferSelect;
