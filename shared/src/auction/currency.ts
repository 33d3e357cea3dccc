// Currency conversion of CPM micros with the snapshot's rates (value in USD of one unit of each
// currency). Rounding always favours the seller's protection: a floor is rounded up, a bid down,
// so a converted bid never looks higher, nor a floor lower, than it is.

import type { Micros } from '../money.ts';
import { err, ok, type Result } from '../result.ts';

export type Rounding = 'up' | 'down';
export type CurrencyError = { reason: 'unknown_currency'; currency: string } | { reason: 'out_of_range' };

const rateOf = (rates: Record<string, number>, cur: string): number | undefined => {
  const r = Object.hasOwn(rates, cur) ? rates[cur] : undefined;
  return r !== undefined && Number.isFinite(r) && r > 0 ? r : undefined;
};

export function convertMicros(
  amount: Micros,
  from: string,
  to: string,
  rates: Record<string, number>,
  rounding: Rounding,
): Result<Micros, CurrencyError> {
  if (from === to) return ok(amount);
  const rf = rateOf(rates, from);
  if (rf === undefined) return err({ reason: 'unknown_currency', currency: from });
  const rt = rateOf(rates, to);
  if (rt === undefined) return err({ reason: 'unknown_currency', currency: to });
  const exact = (amount * rf) / rt;
  // Snap values within float noise of an integer before rounding, so 2.5 EUR at a rate that
  // makes it 2_750_000.0000001 does not round up to ...001.
  const snapped = Math.abs(exact - Math.round(exact)) < 1e-6 ? Math.round(exact) : exact;
  const v = rounding === 'up' ? Math.ceil(snapped) : Math.floor(snapped);
  return Number.isSafeInteger(v) && v >= 0 ? ok(v) : err({ reason: 'out_of_range' });
}

/** Currencies with a usable rate (for validating DSP responses). */
export const knownCurrencies = (rates: Record<string, number>): string[] =>
  Object.keys(rates).filter((c) => rateOf(rates, c) !== undefined);
