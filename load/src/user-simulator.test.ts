import { describe, expect, it } from 'vitest';
import { conversionFrom } from './user-simulator.ts';

describe('conversionFrom', () => {
  it('reads the signed conversion pixel off the landing URL', () => {
    const conv = 'http://127.0.0.1:8787/notice/conv?t=abc';
    const landing = `https://advertiser.example/landing?edge_conv=${encodeURIComponent(conv)}`;
    expect(conversionFrom(landing)).toBe(conv);
    expect(conversionFrom('https://advertiser.example/landing')).toBeUndefined();
    expect(conversionFrom('not a url')).toBeUndefined();
  });
});
