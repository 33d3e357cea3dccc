// Creatives: markup template, format, sizes, adomain, categories, attributes. Each belongs to
// one campaign of the same advertiser; advertiser tokens manage their own only.
import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { ApiError } from '../errors.ts';
import { type CreativeRow, campaigns, creatives } from '../schema/index.ts';
import { checkAdvertiser } from './campaigns.ts';
import { Format, Id, iso, Name, Status, Strings } from './common.ts';
import type { Resource } from './crud.ts';

const Size = z
  .object({ w: z.number().int().min(1).max(10_000), h: z.number().int().min(1).max(10_000) })
  .strict();
const Fields = {
  name: Name,
  status: Status,
  format: Format,
  sizes: z.array(Size).min(1).max(50),
  markup: z
    .string()
    .min(1)
    .max(100_000)
    .openapi({ example: '<a href="https://shop.example"><img src="https://cdn.example/b.png"></a>' }),
  adomain: Strings,
  categories: Strings,
  attributes: z.array(z.number().int().min(1).max(255)).max(64),
};
const Create = z
  .object({
    id: Id.optional(),
    advertiserId: Id,
    campaignId: Id,
    ...Fields,
    status: Fields.status.default('active'),
    adomain: Fields.adomain.default([]),
    categories: Fields.categories.default([]),
    attributes: Fields.attributes.default([]),
  })
  .strict()
  .openapi('CreativeCreate');
const Patch = z.object(Fields).partial().strict().openapi('CreativePatch');
const Out = z
  .object({
    id: Id,
    advertiserId: Id,
    campaignId: Id,
    ...Fields,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Creative');

export const creativeResource: Resource<CreativeRow, z.infer<typeof Create>, z.infer<typeof Patch>> = {
  entity: 'creative',
  path: 'creatives',
  table: creatives,
  id: creatives.id,
  owner: creatives.advertiserId,
  advertiser: 'write',
  out: Out,
  create: Create,
  patch: Patch,
  idPrefix: 'crv',
  toOut: (r) => ({ ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) }),
  async insertValues(tx, input, id, actor) {
    await checkAdvertiser(tx, actor, input.advertiserId);
    const [cmp] = await tx
      .select({ advertiserId: campaigns.advertiserId })
      .from(campaigns)
      .where(eq(campaigns.id, input.campaignId));
    // A foreign campaign answers like a missing one, as GET would.
    if (!cmp || cmp.advertiserId !== input.advertiserId)
      throw new ApiError(
        422,
        'unknown_reference',
        `campaign ${input.campaignId} is not a campaign of ${input.advertiserId}`,
        'campaignId',
      );
    return { ...input, id };
  },
  updateValues: async (_tx, patch) => patch,
};
