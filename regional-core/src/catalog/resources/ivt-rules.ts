// IVT rules: bot user-agent substrings and data-centre CIDRs, shipped to the edge in the snapshot.
import { z } from '@hono/zod-openapi';
import { ApiError } from '../errors.ts';
import { type IvtRuleRow, ivtRules } from '../schema/index.ts';
import { Id, iso } from './common.ts';
import type { Resource } from './crud.ts';

const UaPattern = z.string().trim().min(2).max(200);
const Cidr = z.union([z.cidrv4(), z.cidrv6()]);
const Note = z.string().max(500);
const Create = z
  .discriminatedUnion('kind', [
    z
      .object({
        id: Id.optional(),
        kind: z.literal('user_agent'),
        pattern: UaPattern,
        note: Note.default(''),
      })
      .strict(),
    z
      .object({ id: Id.optional(), kind: z.literal('ip_range'), pattern: Cidr, note: Note.default('') })
      .strict(),
  ])
  .openapi('IvtRuleCreate');
const Patch = z
  .object({ pattern: z.string().max(200), note: Note })
  .partial()
  .strict()
  .openapi('IvtRulePatch');
const Out = z
  .object({
    id: Id,
    kind: z.enum(['user_agent', 'ip_range']),
    pattern: z.string(),
    note: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('IvtRule');

export const ivtRuleResource: Resource<IvtRuleRow, z.infer<typeof Create>, z.infer<typeof Patch>> = {
  entity: 'ivt_rule',
  path: 'ivt-rules',
  table: ivtRules,
  id: ivtRules.id,
  advertiser: 'none',
  out: Out,
  create: Create,
  patch: Patch,
  idPrefix: 'ivt',
  toOut: (r) => ({ ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) }),
  insertValues: async (_tx, input, id) => ({ ...input, id }),
  async updateValues(_tx, patch, current) {
    // The pattern's syntax depends on the stored kind, so it is checked here rather than by the schema.
    if (patch.pattern !== undefined) {
      const ok = (current.kind === 'ip_range' ? Cidr : UaPattern).safeParse(patch.pattern);
      if (!ok.success)
        throw new ApiError(
          400,
          'invalid_request',
          `body.pattern: not a valid ${current.kind} pattern`,
          'pattern',
        );
    }
    return patch;
  },
};
