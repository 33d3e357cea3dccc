// Deals: floor, auction type, allowed seats, DSPs and campaigns.
import { z } from '@hono/zod-openapi';
import { type DealRow, deals } from '../schema/index.ts';
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
  insertValues: async (_tx, input, id) => ({ ...input, id }),
  updateValues: async (_tx, patch) => patch,
};
