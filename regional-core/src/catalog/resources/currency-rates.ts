// Currency rates: USD micros per unit of each currency, keyed by ISO 4217 code.
import { z } from '@hono/zod-openapi';
import { type CurrencyRateRow, currencyRates } from '../schema/index.ts';
import { Currency, iso } from './common.ts';
import type { Resource } from './crud.ts';

const Rate = z
  .number()
  .int()
  .min(1)
  .max(Number.MAX_SAFE_INTEGER)
  .openapi({ description: 'USD micros for one unit of the currency', example: 1_080_000 });
const Create = z
  .object({ currency: Currency, usdMicrosPerUnit: Rate })
  .strict()
  .openapi('CurrencyRateCreate');
const Patch = z.object({ usdMicrosPerUnit: Rate }).strict().openapi('CurrencyRatePatch');
const Out = z
  .object({ currency: Currency, usdMicrosPerUnit: Rate, updatedAt: z.string() })
  .openapi('CurrencyRate');

export const currencyRateResource: Resource<
  CurrencyRateRow,
  z.infer<typeof Create>,
  z.infer<typeof Patch>
> = {
  entity: 'currency_rate',
  path: 'currency-rates',
  table: currencyRates,
  id: currencyRates.currency,
  advertiser: 'none',
  out: Out,
  create: Create,
  patch: Patch,
  idPrefix: 'cur',
  idOf: (input) => input.currency,
  toOut: (r) => ({ ...r, updatedAt: iso(r.updatedAt) }),
  insertValues: async (_tx, input) => input,
  updateValues: async (_tx, patch) => patch,
};
