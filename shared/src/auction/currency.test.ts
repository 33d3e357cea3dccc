import { describe, expect, it } from 'vitest';
import { convertMicros, knownCurrencies } from './currency.ts';

const rates = { USD: 1, EUR: 1.1, JPY: 0.0067, BAD: 0, NAN: Number.NaN };

describe('convertMicros', () => {
  it('is the identity within one currency', () => {
    expect(convertMicros(1_234_567, 'USD', 'USD', rates, 'up')).toEqual({ ok: true, value: 1_234_567 });
  });
  it('rounds floors up and bids down, snapping float noise', () => {
    expect(convertMicros(1_000_000, 'EUR', 'USD', rates, 'up')).toEqual({ ok: true, value: 1_100_000 });
    expect(convertMicros(1_000_000, 'USD', 'EUR', rates, 'up')).toEqual({ ok: true, value: 909_091 });
    expect(convertMicros(1_000_000, 'USD', 'EUR', rates, 'down')).toEqual({ ok: true, value: 909_090 });
  });
  it('rejects currencies without a usable rate', () => {
    expect(convertMicros(1, 'GBP', 'USD', rates, 'down')).toEqual({
      ok: false,
      error: { reason: 'unknown_currency', currency: 'GBP' },
    });
    expect(convertMicros(1, 'USD', 'BAD', rates, 'down')).toMatchObject({ ok: false });
    expect(convertMicros(1, 'NAN', 'USD', rates, 'down')).toMatchObject({ ok: false });
    expect(convertMicros(1, 'toString', 'USD', rates, 'down')).toMatchObject({ ok: false });
    expect(knownCurrencies(rates)).toEqual(['USD', 'EUR', 'JPY']);
  });
  it('refuses results that are not safe integers', () => {
    expect(convertMicros(Number.MAX_SAFE_INTEGER, 'EUR', 'JPY', rates, 'up')).toEqual({
      ok: false,
      error: { reason: 'out_of_range' },
    });
  });
});
