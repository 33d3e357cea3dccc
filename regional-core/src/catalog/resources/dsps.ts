// DSP partners: endpoint, adapter, timeout, QPS cap, formats, countries, TCF vendor + purposes.
import { z } from '@hono/zod-openapi';
import { type DspPartnerRow, dspPartners } from '../schema/index.ts';
import { Country3, Format, Id, iso, Name, Status } from './common.ts';
import type { Resource } from './crud.ts';

const Fields = {
  name: Name,
  status: Status,
  endpoint: z.url({ protocol: /^https?$/ }).openapi({ example: 'http://127.0.0.1:9101/openrtb2' }),
  adapter: z.string().regex(/^[a-z0-9_-]{1,40}$/),
  timeoutMs: z.number().int().min(1).max(5_000),
  qpsCap: z.number().int().min(0).max(1_000_000),
  formats: z.array(Format).min(1).max(4),
  countries: z.array(Country3).max(300),
  tcfVendorId: z.number().int().min(1).nullable(),
  tcfPurposes: z.array(z.number().int().min(1).max(11)).max(11),
  gzip: z.boolean(),
  openrtbVersion: z.enum(['2.5', '2.6']),
};
const Create = z
  .object({
    id: Id.optional(),
    ...Fields,
    status: Fields.status.default('active'),
    adapter: Fields.adapter.default('generic'),
    timeoutMs: Fields.timeoutMs.default(120),
    qpsCap: Fields.qpsCap.default(1000),
    formats: Fields.formats.default(['banner']),
    countries: Fields.countries.default([]),
    tcfVendorId: Fields.tcfVendorId.default(null),
    tcfPurposes: Fields.tcfPurposes.default([]),
    gzip: Fields.gzip.default(false),
    openrtbVersion: Fields.openrtbVersion.default('2.6'),
  })
  .strict()
  .openapi('DspCreate');
const Patch = z.object(Fields).partial().strict().openapi('DspPatch');
const Out = z.object({ id: Id, ...Fields, createdAt: z.string(), updatedAt: z.string() }).openapi('Dsp');

export const dspResource: Resource<DspPartnerRow, z.infer<typeof Create>, z.infer<typeof Patch>> = {
  entity: 'dsp',
  path: 'dsps',
  table: dspPartners,
  id: dspPartners.id,
  advertiser: 'none',
  out: Out,
  create: Create,
  patch: Patch,
  idPrefix: 'dsp',
  toOut: (r) => ({ ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) }),
  insertValues: async (_tx, input, id) => ({ ...input, id }),
  updateValues: async (_tx, patch) => patch,
};
