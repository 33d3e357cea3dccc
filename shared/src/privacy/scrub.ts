// Scrub step: apply one PrivacyDecision to a copy of the request. Copy-on-write: the objects on
// the path to a removed field (request, user, device, geo) are new; untouched subtrees (imp,
// site...) are shared with the original, which is never modified. Treat the result as read-only
// and copy further before changing anything else in it.
import type { BidRequest } from '../openrtb/bid-request.ts';
import { copyWithout } from '../openrtb/copy-without.ts';
import { DEVICE_ID_FIELDS, type Device } from '../openrtb/device.ts';
import type { Geo } from '../openrtb/geo.ts';
import type { User } from '../openrtb/user.ts';
import type { PrivacyDecision } from './decide.ts';
import { truncateIpv4, truncateIpv6 } from './ip.ts';

const USER_ID_FIELDS = ['id', 'buyeruid', 'eids', 'ext'];
const USER_DATA_FIELDS = ['data', 'yob', 'gender', 'keywords', 'kwarray', 'customdata'];
const NOTHING = new Set<string>();
const USER_IDS = new Set(USER_ID_FIELDS);
const USER_DATA = new Set(USER_DATA_FIELDS);
const USER_IDS_AND_DATA = new Set([...USER_ID_FIELDS, ...USER_DATA_FIELDS]);
const DEVICE_IDS = new Set<string>(DEVICE_ID_FIELDS);
const PRECISE_GEO = new Set(['lat', 'lon', 'accuracy', 'lastfix']);

function scrubGeo(geo: Geo | undefined, d: PrivacyDecision): Geo | undefined {
  if (!geo || d.preciseGeo) return geo;
  return copyWithout(geo, PRECISE_GEO);
}

export function scrubUser(user: User | undefined, d: PrivacyDecision): User | undefined {
  if (!user || (d.userIds && d.userData && d.preciseGeo)) return user;
  const drop = d.userIds ? (d.userData ? NOTHING : USER_DATA) : d.userData ? USER_IDS : USER_IDS_AND_DATA;
  const u = copyWithout(user, drop);
  const geo = scrubGeo(u.geo, d);
  if (geo) u.geo = geo;
  return u;
}

export function scrubDevice(device: Device | undefined, d: PrivacyDecision): Device | undefined {
  if (!device || (d.deviceIds && d.preciseGeo && d.fullIp)) return device;
  const v = copyWithout(device, d.deviceIds ? NOTHING : DEVICE_IDS);
  if (!d.fullIp) {
    // An address that cannot be truncated (not valid) is left out: rare, so `delete` is fine.
    if (v.ip !== undefined) {
      const ip = truncateIpv4(v.ip);
      if (ip === undefined) delete v.ip;
      else v.ip = ip;
    }
    if (v.ipv6 !== undefined) {
      const ipv6 = truncateIpv6(v.ipv6);
      if (ipv6 === undefined) delete v.ipv6;
      else v.ipv6 = ipv6;
    }
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
