// Building blocks of the admin API's zod schemas (z from @hono/zod-openapi so each schema
// also describes itself in the OpenAPI document).
import { z } from '@hono/zod-openapi';

export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'ids are 1-64 chars: letters, digits, _ . : -')
  .openapi({ example: 'cmp_summer_sale' });
export const Micros = z
  .number()
  .int('money is integer micros')
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .openapi({ description: 'integer micros (1e-6 of the currency unit)', example: 2_500_000 });
export const Status = z.enum(['active', 'paused']);
export const Format = z.enum(['banner', 'video', 'native', 'audio']);
export const Name = z.string().trim().min(1).max(200);
export const Strings = z.array(z.string().min(1).max(256)).max(1000);
export const Country3 = z.string().regex(/^[A-Z]{3}$/, 'ISO-3166-1 alpha-3, upper case');
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code, upper case');
export const Timestamp = z.iso.datetime({ offset: true }).openapi({ example: '2026-12-01T00:00:00Z' });

export function isIanaZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
export const TimeZone = z
  .string()
  .refine(isIanaZone, 'unknown IANA time zone')
  .openapi({ example: 'America/New_York' });

export const ErrorSchema = z
  .object({ error: z.string(), message: z.string(), field: z.string().optional() })
  .openapi('Error');

export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(50)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({
      param: { name: 'cursor', in: 'query' },
      description: 'nextCursor of the previous page',
    }),
});

export const IdParam = z.object({ id: Id.openapi({ param: { name: 'id', in: 'path' } }) });

export const iso = (d: Date): string => d.toISOString();
