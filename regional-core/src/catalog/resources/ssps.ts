// SSP accounts: status, publishers, blocklists, floor, take rate. API keys are hashes only;
// POST /v1/admin/ssps/{id}/keys issues a key and shows its plaintext once (see ssp-keys.ts).
import { z } from '@hono/zod-openapi';
import { type SspAccountRow, sspAccounts } from '../schema/index.ts';
import { Id, iso, Micros, Name, Status, Strings } from './common.ts';
import type { Resource } from './crud.ts';

export const KeyHash = z.string().regex(/^[0-9a-f]{64}$/, 'hex SHA-256 of the key');
const Fields = {
  name: Name,
  status: Status,
  apiKeyHashes: z.array(KeyHash).max(20),
  publishers: Strings,
  blockedPublishers: Strings,
  blockedDomains: Strings,
  floorCpmMicros: Micros,
  takeRateBps: z.number().int().min(0).max(10_000),
};
const Create = z
  .object({
    id: Id.optional(),
    ...Fields,
    status: Fields.status.default('active'),
    apiKeyHashes: Fields.apiKeyHashes.default([]),
    publishers: Fields.publishers.default([]),
    blockedPublishers: Fields.blockedPublishers.default([]),
    blockedDomains: Fields.blockedDomains.default([]),
    floorCpmMicros: Fields.floorCpmMicros.default(0),
    takeRateBps: Fields.takeRateBps.default(0),
  })
  .strict()
  .openapi('SspCreate');
const Patch = z.object(Fields).partial().strict().openapi('SspPatch');
const Out = z.object({ id: Id, ...Fields, createdAt: z.string(), updatedAt: z.string() }).openapi('Ssp');

export const sspResource: Resource<SspAccountRow, z.infer<typeof Create>, z.infer<typeof Patch>> = {
  entity: 'ssp',
  path: 'ssps',
  table: sspAccounts,
  id: sspAccounts.id,
  advertiser: 'none',
  out: Out,
  create: Create,
  patch: Patch,
  idPrefix: 'ssp',
  toOut: (r) => ({ ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) }),
  insertValues: async (_tx, input, id) => ({ ...input, id }),
  updateValues: async (_tx, patch) => patch,
};
