// The generic OpenRTB adapter: one POST of the whole request (2.6, or 2.5 with ext locations
// for partners configured so) and a standard BidResponse back. Partners that speak plain
// OpenRTB are a snapshot entry with adapter 'generic', never a copy of this file.
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import type { Adapter, AdapterBid, AdapterError, WireBid } from '../types.ts';
import { toOpenRtb25 } from './openrtb25.ts';

export const generic: Adapter = {
  makeRequests(request, { dsp }) {
    return {
      requests: [
        {
          method: 'POST',
          url: dsp.endpoint,
          headers: {
            'content-type': 'application/json',
            'accept-encoding': 'gzip',
            'x-openrtb-version': dsp.openrtbVersion,
          },
          body: dsp.openrtbVersion === '2.5' ? toOpenRtb25(request) : request,
          impIds: impIds(request),
        },
      ],
      errors: [],
    };
  },

  makeBids(_request, _sent, received) {
    if (received.status === 204) return { bids: [], errors: [] };
    if (received.status !== 200)
      return { bids: [], errors: [{ code: 'bad_status', message: `DSP answered HTTP ${received.status}` }] };
    return readBidResponse(received.body);
  },
};

/**
 * The envelope of a BidResponse: cur, seatbid[].seat and bid[] objects. Field rules (price > 0,
 * impid, crid, currency, blocklists) are checked for every adapter's bids after it, in one place.
 */
export function readBidResponse(text: string): { bids: AdapterBid[]; errors: AdapterError[] } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { bids: [], errors: [{ code: 'bad_response', message: 'body is not JSON' }] };
  }
  if (!isObj(v))
    return { bids: [], errors: [{ code: 'bad_response', message: 'BidResponse must be an object' }] };
  if (v.seatbid === undefined) return { bids: [], errors: [] }; // an empty response is a no-bid
  if (!Array.isArray(v.seatbid))
    return { bids: [], errors: [{ code: 'bad_response', message: 'seatbid must be an array' }] };
  const currency = typeof v.cur === 'string' && v.cur !== '' ? v.cur : 'USD';
  const bids: AdapterBid[] = [];
  const errors: AdapterError[] = [];
  // Loops, not forEach callbacks: closures made per answer lose their optimized code at every
  // full GC in workerd; one literal shape for every bid (seat undefined when absent).
  const seatbid: unknown[] = v.seatbid;
  for (let i = 0; i < seatbid.length; i++) {
    const sb = seatbid[i];
    if (!isObj(sb) || !Array.isArray(sb.bid)) {
      errors.push({ code: 'bad_response', message: `seatbid[${i}].bid must be an array` });
      continue;
    }
    const seat = typeof sb.seat === 'string' ? sb.seat : undefined;
    const list: unknown[] = sb.bid;
    for (let j = 0; j < list.length; j++) {
      const b = list[j];
      if (!isObj(b))
        errors.push({ code: 'bad_response', message: `seatbid[${i}].bid[${j}] must be an object` });
      else bids.push({ bid: b as WireBid, seat, currency });
    }
  }
  return { bids, errors };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function impIds(request: BidRequest): string[] {
  const ids: string[] = [];
  for (const i of request.imp) ids.push(i.id);
  return ids;
}
