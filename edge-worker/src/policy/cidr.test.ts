import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCidrs, parseIp } from './cidr.ts';

describe('CIDR sets', () => {
  const set = compileCidrs([
    '203.0.113.0/24',
    '10.1.2.3',
    '2001:db8::/32',
    'garbage',
    '1.2.3.4/99',
    '::1/128',
  ]);
  it('matches v4 ranges and single addresses, v6 ranges, and skips malformed entries', () => {
    expect(set.size).toBe(4);
    expect(set.has('203.0.113.77')).toBe(true);
    expect(set.has('203.0.114.1')).toBe(false);
    expect(set.has('10.1.2.3')).toBe(true);
    expect(set.has('10.1.2.4')).toBe(false);
    expect(set.has('2001:db8:1::5')).toBe(true);
    expect(set.has('2001:db9::1')).toBe(false);
    expect(set.has('::1')).toBe(true);
  });
  it('never throws on junk addresses', () => {
    for (const junk of ['', '1.2.3', '256.1.1.1', ':::', '1::2::3', 'x'.repeat(100), '01.2.3.4.5'])
      expect(set.has(junk)).toBe(false);
    expect(parseIp('::ffff:0:1')?.v6).toBe(true);
  });
  it('the IPv4 fast path agrees with the bigint rule for any dotted string and range', () => {
    const octet = fc.oneof(
      fc.integer({ min: 0, max: 300 }).map(String),
      fc.constantFrom('', '01', '0010', 'a'),
    );
    const dotted = fc.array(octet, { minLength: 3, maxLength: 5 }).map((p) => p.join('.'));
    fc.assert(
      fc.property(dotted, dotted, fc.integer({ min: 0, max: 32 }), (ip, net, bits) => {
        const one = compileCidrs([`${net}/${bits}`]);
        const r = parseIp(net);
        const v = parseIp(ip);
        const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(32 - bits);
        const want = !!r && !r.v6 && !!v && !v.v6 && (v.value & mask) === (r.value & mask);
        expect(one.has(ip)).toBe(want);
      }),
      { numRuns: 2000 },
    );
  });
});
