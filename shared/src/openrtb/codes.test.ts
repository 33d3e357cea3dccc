import { describe, expect, it } from 'vitest';
import { codeName, LossReason, NoBidReason } from './codes.ts';

describe('codes (List: No-Bid Reason Codes, List: Loss Reason Codes)', () => {
  it('values are unique within each list', () => {
    for (const list of [NoBidReason, LossReason]) {
      const values = Object.values(list);
      expect(new Set(values).size).toBe(values.length);
    }
  });
  it('exchange-specific codes are 500+', () => {
    expect(NoBidReason.NoBids).toBeGreaterThanOrEqual(500);
    expect(LossReason.UnknownCurrency).toBeGreaterThanOrEqual(500);
  });
  it('names a code for events', () => {
    expect(codeName(LossReason, 102)).toBe('LostToHigherBid');
    expect(codeName(NoBidReason, 2)).toBe('InvalidRequest');
    expect(codeName(NoBidReason, 999)).toBe('code_999');
  });
});
