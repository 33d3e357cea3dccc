import { describe, expect, it } from 'vitest';
import { decodeUsPrivacy } from './us-privacy.ts';

describe('decodeUsPrivacy (IAB CCPA string)', () => {
  it('reads notice, opt-out of sale and LSPA', () => {
    expect(decodeUsPrivacy('1YYN')).toEqual({
      ok: true,
      value: { version: 1, noticeGiven: true, optOutSale: true, lspaCovered: false },
    });
    expect(decodeUsPrivacy('1YNN')).toMatchObject({ ok: true, value: { optOutSale: false } });
    expect(decodeUsPrivacy('1---')).toEqual({ ok: true, value: { version: 1 } });
  });
  it('rejects malformed strings with a reason', () => {
    expect(decodeUsPrivacy('1YY')).toEqual({ ok: false, error: { reason: 'bad_length' } });
    expect(decodeUsPrivacy('2YNN')).toEqual({ ok: false, error: { reason: 'bad_version' } });
    expect(decodeUsPrivacy('1YXN')).toEqual({ ok: false, error: { reason: 'bad_character', at: 2 } });
  });
});
