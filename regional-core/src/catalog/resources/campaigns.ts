// Campaigns: budgets in integer micros, flight + IANA zone, pacing, targeting, bid strategy.
// Advertiser tokens manage their own advertiser's campaigns only.
import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Actor, CatalogTx } from '../changes.ts';
import { ApiError } from '../errors.ts';
import { advertisers, type CampaignRow, campaigns } from '../schema/index.ts';
import { Country3, Format, Id, iso, Micros, Name, Status, Strings, Timestamp, TimeZone } from './common.ts';
import type { Resource } from './crud.ts';

const Targeting = z
  .object({
    countries: z.array(Country3).max(300),
    formats: z.array(Format).max(4),
    domains: Strings,
    bundles: Strings,
    deviceTypes: z.array(z.number().int().min(1).max(8)).max(8),
  })
  .partial()
  .strict()
  .openapi('Targeting');
const BidStrategy = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('fixed_cpm'), cpmMicros: Micros }).strict(),
    z.object({ kind: z.literal('target_cpc'), cpcMicros: Micros }).strict(),
    z.object({ kind: z.literal('target_cpa'), cpaMicros: Micros }).strict(),
  ])
  .openapi('BidStrategy');
type BidStrategyT = z.infer<typeof BidStrategy>;

const Fields = {
  name: Name,
  status: Status,
  totalBudgetMicros: Micros,
  dailyBudgetMicros: Micros.nullable(),
  startAt: Timestamp,
  endAt: Timestamp,
  timeZone: TimeZone,
  pacing: z.enum(['even', 'asap', 'front_loaded']),
  targeting: Targeting,
  bidStrategy: BidStrategy,
  maxCpmMicros: Micros,
};
const Create = z
  .object({
    id: Id.optional(),
    advertiserId: Id,
    ...Fields,
    status: Fields.status.default('paused'),
    dailyBudgetMicros: Fields.dailyBudgetMicros.default(null),
    timeZone: Fields.timeZone.default('UTC'),
    pacing: Fields.pacing.default('even'),
    targeting: Fields.targeting.default({}),
  })
  .strict()
  .openapi('CampaignCreate');
const Patch = z.object(Fields).partial().strict().openapi('CampaignPatch');
const Out = z
  .object({ id: Id, advertiserId: Id, ...Fields, createdAt: z.string(), updatedAt: z.string() })
  .openapi('Campaign');

const strategyColumns = (s: BidStrategyT) => ({
  bidStrategy: s.kind,
  bidAmountMicros: s.kind === 'fixed_cpm' ? s.cpmMicros : s.kind === 'target_cpc' ? s.cpcMicros : s.cpaMicros,
});
export function bidStrategyOf(r: CampaignRow): BidStrategyT {
  switch (r.bidStrategy) {
    case 'fixed_cpm':
      return { kind: 'fixed_cpm', cpmMicros: r.bidAmountMicros };
    case 'target_cpc':
      return { kind: 'target_cpc', cpcMicros: r.bidAmountMicros };
    case 'target_cpa':
      return { kind: 'target_cpa', cpaMicros: r.bidAmountMicros };
  }
}

function checkRules(v: {
  startAt: Date;
  endAt: Date;
  totalBudgetMicros: number;
  dailyBudgetMicros: number | null;
}) {
  if (v.endAt <= v.startAt) throw new ApiError(422, 'invalid_value', 'endAt must be after startAt', 'endAt');
  if (v.dailyBudgetMicros !== null && v.dailyBudgetMicros > v.totalBudgetMicros)
    throw new ApiError(
      422,
      'invalid_value',
      'dailyBudgetMicros exceeds totalBudgetMicros',
      'dailyBudgetMicros',
    );
}

export async function checkAdvertiser(tx: CatalogTx, actor: Actor, advertiserId: string): Promise<void> {
  if (actor.role === 'advertiser' && actor.advertiserId !== advertiserId)
    throw new ApiError(
      403,
      'forbidden',
      'an advertiser token may only act for its own advertiser',
      'advertiserId',
    );
  const [adv] = await tx
    .select({ id: advertisers.id })
    .from(advertisers)
    .where(eq(advertisers.id, advertiserId));
  if (!adv)
    throw new ApiError(422, 'unknown_reference', `advertiser ${advertiserId} does not exist`, 'advertiserId');
}

export const campaignResource: Resource<CampaignRow, z.infer<typeof Create>, z.infer<typeof Patch>> = {
  entity: 'campaign',
  path: 'campaigns',
  table: campaigns,
  id: campaigns.id,
  owner: campaigns.advertiserId,
  advertiser: 'write',
  out: Out,
  create: Create,
  patch: Patch,
  idPrefix: 'cmp',
  toOut: ({ bidAmountMicros: _, ...r }) => ({
    ...r,
    bidStrategy: bidStrategyOf({ ...r, bidAmountMicros: _ }),
    startAt: iso(r.startAt),
    endAt: iso(r.endAt),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  }),
  async insertValues(tx, { bidStrategy, ...input }, id, actor) {
    await checkAdvertiser(tx, actor, input.advertiserId);
    const v = {
      ...input,
      id,
      startAt: new Date(input.startAt),
      endAt: new Date(input.endAt),
      ...strategyColumns(bidStrategy),
    };
    checkRules(v);
    return v;
  },
  async updateValues(_tx, { bidStrategy, startAt, endAt, ...patch }, current) {
    const v = {
      ...patch,
      ...(startAt ? { startAt: new Date(startAt) } : {}),
      ...(endAt ? { endAt: new Date(endAt) } : {}),
      ...(bidStrategy ? strategyColumns(bidStrategy) : {}),
    };
    checkRules({ ...current, ...v });
    return v;
  },
};
