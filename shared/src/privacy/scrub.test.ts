import { describe, expect, it } from 'vitest';
import type { BidRequest } from '../openrtb/bid-request.ts';
import { fullAccess, type PrivacyDecision } from './decide.ts';
import { truncateIpv4, truncateIpv6 } from './ip.ts';
import { scrubRequest } from './scrub.ts';

const request = (): BidRequest => ({
  id: 'a',
  at: 2,
  imp: [{ id: '1', banner: { w: 1, h: 1 }, bidfloor: 0, bidfloorcur: 'USD', instl: 0 }],
  site: { id: 's' },
  device: {
    ua: 'UA',
    ip: '203.0.113.77',
    ipv6: '2001:db8:85a3:8d3:1319:8a2e:370:7348',
    ifa: 'ifa-1',
    dpidmd5: 'x',
    geo: { lat: 52.52, lon: 13.4, country: 'DEU', city: 'Berlin', accuracy: 5 },
  },
  user: {
    id: 'u',
    buyeruid: 'b',
    yob: 1980,
    gender: 'F',
    consent: 'C',
    eids: [{ source: 'id5', uids: [{ id: 'x' }] }],
    data: [{ id: 'd' }],
    geo: { lat: 1, lon: 2, country: 'DEU' },
    ext: { other: 1 },
  },
});
const allow: PrivacyDecision = fullAccess();
const deny: PrivacyDecision = {
  userIds: false,
  userData: false,
  deviceIds: false,
  preciseGeo: false,
  fullIp: false,
  reasons: [],
};

describe('scrubRequest', () => {
  it('removes ids, data and precise geo, truncates IPs, keeps consent and coarse geo', () => {
    const r = scrubRequest(request(), deny);
    expect(r.user).toEqual({ consent: 'C', geo: { country: 'DEU' } });
    expect(r.device).toEqual({
      ua: 'UA',
      ip: '203.0.113.0',
      ipv6: '2001:db8:85a3::',
      geo: { country: 'DEU', city: 'Berlin' },
    });
  });
  it('never modifies the original', () => {
    const orig = request();
    const snapshot = JSON.stringify(orig);
    scrubRequest(orig, deny);
    expect(JSON.stringify(orig)).toBe(snapshot);
  });
  it('changes nothing when everything is allowed', () => {
    expect(scrubRequest(request(), allow)).toEqual(request());
  });
  it('applies each permission separately', () => {
    const r = scrubRequest(request(), { ...allow, deviceIds: false });
    expect(r.device?.ifa).toBeUndefined();
    expect(r.device?.dpidmd5).toBeUndefined();
    expect(r.device?.ip).toBe('203.0.113.77');
    expect(r.user?.id).toBe('u');
  });
});

describe('IP truncation', () => {
  it('keeps /24 of IPv4 and /48 of IPv6; drops what it cannot parse', () => {
    expect(truncateIpv4('10.1.2.3')).toBe('10.1.2.0');
    expect(truncateIpv4('10.1.2')).toBeUndefined();
    expect(truncateIpv4('300.1.2.3')).toBeUndefined();
    expect(truncateIpv6('2001:db8::1')).toBe('2001:db8:0::');
    expect(truncateIpv6('::1')).toBe('0:0:0::');
    expect(truncateIpv6('::ffff:1.2.3.4')).toBe('0:0:0::');
    expect(truncateIpv6('1:2:3')).toBeUndefined();
    expect(truncateIpv6('zz::1')).toBeUndefined();
  });
});
