import { describe, expect, it } from 'vitest';
import { encodeTcfV2 } from './tcf-string.ts';

// Reads bits back from the string: an independent check of field order and widths.
function bitsOf(tc: string): string {
  return [...Buffer.from(tc, 'base64url')].map((b) => b.toString(2).padStart(8, '0')).join('');
}
const field = (bits: string, start: number, width: number) =>
  Number.parseInt(bits.slice(start, start + width), 2);

describe('encodeTcfV2', () => {
  it('writes version 2, purposes and vendor consents where the spec puts them', () => {
    const tc = encodeTcfV2({ purposes: [1, 2, 4], vendors: [3, 10] });
    expect(tc).toMatch(/^[A-Za-z0-9_-]+$/);
    const bits = bitsOf(tc);
    expect(field(bits, 0, 6)).toBe(2);
    // Purposes start after 6+36+36+12+12+6+12+12+6+1+1+12 = 152 bits.
    expect(bits.slice(152, 156)).toBe('1101');
    // MaxVendorId after purposes(24), LI(24), P1T(1), PublisherCC(12): 152+61 = 213.
    expect(field(bits, 213, 16)).toBe(10);
    expect(bits[229]).toBe('0');
    expect(bits.slice(230, 240)).toBe('0010000001');
  });

  it('starts like every real v2 string ("C")', () => {
    expect(encodeTcfV2({ purposes: [], vendors: [] }).startsWith('C')).toBe(true);
  });
});
