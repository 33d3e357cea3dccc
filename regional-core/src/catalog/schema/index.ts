// The catalog schema: one file per table. drizzle-kit reads this folder to generate migrations.
export * from './admin-tokens.ts';
export * from './advertisers.ts';
export * from './audit-log.ts';
export * from './budget-ledger.ts';
export * from './campaigns.ts';
export * from './catalog-version.ts';
export * from './creatives.ts';
export * from './currency-rates.ts';
export * from './deals.ts';
export * from './dsp-partners.ts';
export * from './ivt-rules.ts';
export * from './ssp-accounts.ts';
