// Deals: floor, auction type, allowed seats, DSPs and campaigns.
import { z } from '@hono/zod-openapi';
import { inArray } from 'drizzle-orm';
import type { CatalogTx } from '../changes.ts';
import { ApiError } from '../errors.ts';
import { campaigns, type DealRow, deals, dspPartners } from '../schema/index.ts';
import { Id, iso, Micros, Name, Status, Strings } from './common.ts';
import type { Resource } from './crud.ts';

const Fields = {
  name: Name,
  status: Status,
  floorCpmMicros: Micros,
  auctionType: z
    .union([z.literal(1), z.literal(2), z.literal(3)])
    .openapi({ description: '1 first price, 2 second price, 3 fixed price' }),
  wseat: Strings,
  dspIds: z.array(Id).max(1000),
  campaignIds: z.array(Id).max(1000),
};
const Create = z
  .object({
    id: Id.optional(),
    ...Fields,
    status: Fields.status.default('active'),
    auctionType: Fields.auctionType.default(1),
    wseat: Fields.wseat.default([]),
    dspIds: Fields.dspIds.default([]),
    campaignIds: Fields.campaignIds.default([]),
  })
  .strict()
  .openapi('DealCreate');
const Patch = z.object(Fields).partial().strict().openapi('DealPatch');
const Out = z.object({ id: Id, ...Fields, createdAt: z.string(), updatedAt: z.string() }).openapi('Deal');

// Checked on write (not foreign keys: jsonb lists), so a typo is a 422 rather than a deal
// nobody can bid on. A partner deleted later simply stops matching.
async function checkRefs(tx: CatalogTx, v: { dspIds?: string[]; campaignIds?: string[] }): Promise<void> {
  for (const [field, ids, table] of [
    ['dspIds', v.dspIds, dspPartners],
    ['campaignIds', v.campaignIds, campaigns],
  ] as const) {
    if (!ids?.length) continue;
    const found = new Set(
      (await tx.select({ id: table.id }).from(table).where(inArray(table.id, ids))).map((r) => r.id),
    );
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0)
      throw new ApiError(422, 'unknown_reference', `${field}: unknown ${missing.join(', ')}`, field);
  }
}

export const dealResource: Resource<DealRow, z.infer<typeof Create>, z.infer<typeof Patch>> = {
  entity: 'deal',
  path: 'deals',
  table: deals,
  id: deals.id,
  advertiser: 'none',
  out: Out,
  create: Create,
  patch: Patch,
  idPrefix: 'deal',
  toOut: (r) => ({ ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) }),
  async insertValues(tx, input, id) {
    await checkRefs(tx, input);
    return { ...input, id };
  },
  async updateValues(tx, patch) {
    await checkRefs(tx, patch);
    return patch;
  },
};
