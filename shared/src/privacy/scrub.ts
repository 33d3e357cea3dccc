// Scrub step: apply one PrivacyDecision to a copy of the request. Copy-on-write: the objects on
// the path to a removed field (request, user, device, geo) are new; untouched subtrees (imp,
// site...) are shared with the original, which is never modified. Treat the result as read-only
// and copy further before changing anything else in it.
import type { BidRequest } from '../openrtb/bid-request.ts';
import { DEVICE_ID_FIELDS, type Device } from '../openrtb/device.ts';
import type { Geo } from '../openrtb/geo.ts';
import type { User } from '../openrtb/user.ts';
import type { PrivacyDecision } from './decide.ts';
import { truncateIpv4, truncateIpv6 } from './ip.ts';

const USER_ID_FIELDS = ['id', 'buyeruid', 'eids', 'ext'] as const;
const USER_DATA_FIELDS = ['data', 'yob', 'gender', 'keywords', 'kwarray', 'customdata'] as const;
const PRECISE_GEO_FIELDS = ['lat', 'lon', 'accuracy', 'lastfix'] as const;

function scrubGeo(geo: Geo | undefined, d: PrivacyDecision): Geo | undefined {
  if (!geo || d.preciseGeo) return geo;
  const g = { ...geo };
  for (const k of PRECISE_GEO_FIELDS) delete g[k];
  return g;
}

export function scrubUser(user: User | undefined, d: PrivacyDecision): User | undefined {
  if (!user || (d.userIds && d.userData && d.preciseGeo)) return user;
  const u = { ...user };
  if (!d.userIds) for (const k of USER_ID_FIELDS) delete u[k];
  if (!d.userData) for (const k of USER_DATA_FIELDS) delete u[k];
  const geo = scrubGeo(u.geo, d);
  if (geo) u.geo = geo;
  return u;
}

export function scrubDevice(device: Device | undefined, d: PrivacyDecision): Device | undefined {
  if (!device || (d.deviceIds && d.preciseGeo && d.fullIp)) return device;
  const v = { ...device };
  if (!d.deviceIds) for (const k of DEVICE_ID_FIELDS) delete v[k];
  if (!d.fullIp) {
    const ip = v.ip === undefined ? undefined : truncateIpv4(v.ip);
    const ipv6 = v.ipv6 === undefined ? undefined : truncateIpv6(v.ipv6);
    if (ip === undefined) delete v.ip;
    else v.ip = ip;
    if (ipv6 === undefined) delete v.ipv6;
    else v.ipv6 = ipv6;
  }
  const geo = scrubGeo(v.geo, d);
  if (geo) v.geo = geo;
  return v;
}

/** A copy of `request` with what `d` forbids removed or coarsened. The original is untouched. */
export function scrubRequest(request: BidRequest, d: PrivacyDecision): BidRequest {
  const out: BidRequest = { ...request };
  const user = scrubUser(request.user, d);
  const device = scrubDevice(request.device, d);
  if (user) out.user = user;
  if (device) out.device = device;
  return out;
}
