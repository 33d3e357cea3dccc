// ISO-4217 alpha codes as OpenRTB uses them (bidfloorcur, cur, Deal.bidfloorcur, BidResponse.cur).
// Only the shape is checked here; whether the exchange knows a rate for it is the auction's call.
import { at, fail, type Obj, type ReadCtx, str } from './read.ts';

export const DEFAULT_CURRENCY = 'USD';
/**
 * Largest CPM (currency units per 1000) accepted for floors and bids. Far above any real price,
 * it keeps every amount in micros a safe integer, so money arithmetic stays exact.
 */
export const MAX_CPM = 100_000;
const CODE = /^[A-Z]{3}$/;

export const isCurrencyCode = (v: unknown): v is string => typeof v === 'string' && CODE.test(v);

/** Reads a currency field, records a bad shape, returns the code or the default. */
export function currency(ctx: ReadCtx, o: Obj, key: string, path: string): string {
  const v = str(ctx, o, key, path);
  if (v === undefined) return DEFAULT_CURRENCY;
  if (!isCurrencyCode(v)) {
    fail(
      ctx,
      'invalid_value',
      at(path, key),
      `${at(path, key)} must be a 3-letter ISO-4217 code, got "${v}"`,
    );
    return DEFAULT_CURRENCY;
  }
  return v;
}
