// Query parameters of the reporting API, validated once (zod) with errors that name the
// parameter. Times are ISO 8601 or epoch milliseconds; the default window is the last hour.
import { z } from 'zod';

const time = z.union([
  z
    .string()
    .regex(/^\d{10,16}$/)
    .transform(Number),
  z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be ISO 8601 or epoch milliseconds')
    .transform((s) => Date.parse(s)),
]);
const id = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'letters, digits and _ . : - only');

export const reportQuery = z
  .object({
    from: time.optional(),
    to: time.optional(),
    step: z.enum(['minute', 'hour', 'day', 'total']).optional(),
    format: z.enum(['json', 'csv']).optional(),
    campaignId: id.optional(),
    bidderKind: z.enum(['dsp', 'campaign']).optional(),
    bidderId: id.optional(),
    dspId: id.optional(),
    sspId: id.optional(),
    budgetMicros: z
      .string()
      .regex(/^\d{1,15}$/, 'integer micros')
      .transform(Number)
      .optional(),
    onlyDrift: z.enum(['true', 'false']).optional(),
    limit: z
      .string()
      .regex(/^\d{1,5}$/)
      .transform(Number)
      .optional(),
  })
  .strict()
  .transform((q) => {
    const to = q.to ?? Date.now();
    return { ...q, to, from: q.from ?? to - 3_600_000, limit: Math.min(q.limit ?? 10_000, 10_000) };
  })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => q.to - q.from <= 92 * 86_400_000, { message: 'at most 92 days per query', path: ['to'] });

export type ParsedQuery = z.output<typeof reportQuery>;
/** A query with its step settled (each report has its own default). */
export type ReportQuery = Omit<ParsedQuery, 'step'> & { step: NonNullable<ParsedQuery['step']> };

export function parseReportQuery(
  raw: Record<string, string>,
): { ok: true; q: ParsedQuery } | { ok: false; errors: Array<{ field: string; reason: string }> } {
  const r = reportQuery.safeParse(raw);
  if (r.success) return { ok: true, q: r.data };
  return {
    ok: false,
    errors: r.error.issues.map((i) => ({
      field: i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : ''),
      reason: i.code === 'unrecognized_keys' ? 'unknown parameter' : i.message,
    })),
  };
}
