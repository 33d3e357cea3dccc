// Advertisers: admin-managed; an advertiser token may read its own.
import { z } from '@hono/zod-openapi';
import { type AdvertiserRow, advertisers } from '../schema/index.ts';
import { Currency, Id, iso, Name, Status } from './common.ts';
import type { Resource } from './crud.ts';

const Fields = { name: Name, currency: Currency.default('USD'), status: Status.default('active') };
const Create = z
  .object({ id: Id.optional(), ...Fields })
  .strict()
  .openapi('AdvertiserCreate');
const Patch = z
  .object({ name: Name, currency: Currency, status: Status })
  .partial()
  .strict()
  .openapi('AdvertiserPatch');
const Out = z
  .object({
    id: Id,
    name: z.string(),
    currency: z.string(),
    status: Status,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Advertiser');

export const advertiserResource: Resource<AdvertiserRow, z.infer<typeof Create>, z.infer<typeof Patch>> = {
  entity: 'advertiser',
  path: 'advertisers',
  table: advertisers,
  id: advertisers.id,
  owner: advertisers.id,
  advertiser: 'read',
  out: Out,
  create: Create,
  patch: Patch,
  idPrefix: 'adv',
  toOut: (r) => ({ ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) }),
  insertValues: async (_tx, input, id) => ({ ...input, id }),
  updateValues: async (_tx, patch) => patch,
};
