// A DSP the edge fans out to. Plain OpenRTB partners use adapter 'generic'.
import type { AdFormat } from '@edge-rtb/shared/snapshot';
import { boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const dspPartners = pgTable('dsp_partners', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  status: text('status', { enum: ['active', 'paused'] })
    .notNull()
    .default('active'),
  endpoint: text('endpoint').notNull(),
  adapter: text('adapter').notNull().default('generic'),
  timeoutMs: integer('timeout_ms').notNull().default(120),
  qpsCap: integer('qps_cap').notNull().default(1000),
  formats: jsonb('formats').$type<AdFormat[]>().notNull().default(['banner']),
  /** ISO-3166-1 alpha-3; empty = everywhere. */
  countries: jsonb('countries').$type<string[]>().notNull().default([]),
  /** IAB TCF global vendor list id; null = not registered (no user data under GDPR). */
  tcfVendorId: integer('tcf_vendor_id'),
  tcfPurposes: jsonb('tcf_purposes').$type<number[]>().notNull().default([]),
  gzip: boolean('gzip').notNull().default(false),
  openrtbVersion: text('openrtb_version', { enum: ['2.5', '2.6'] })
    .notNull()
    .default('2.6'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type DspPartnerRow = typeof dspPartners.$inferSelect;
