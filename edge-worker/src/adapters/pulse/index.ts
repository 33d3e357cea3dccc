// "pulse", a (fictional) partner with its own wire format, to show a per-partner transform:
// it takes one slot per call (so a multi-imp request becomes several calls) and answers flat
// bids priced in cents of its account currency, USD.
import type { Imp } from '@edge-rtb/shared/openrtb/imp';
import type { Adapter, AdapterBid, AdapterError } from '../types.ts';

interface PulseSlot {
  id: string;
  sizes: [number, number][];
  video: boolean;
  floorCents: number;
}

function sizesOf(imp: Imp): [number, number][] {
  const b = imp.banner;
  if (!b) return [];
  const fmt = (b.format ?? []).flatMap((f) => (f.w && f.h ? [[f.w, f.h] as [number, number]] : []));
  return b.w && b.h ? [[b.w, b.h], ...fmt] : fmt;
}

export const pulse: Adapter = {
  makeRequests(request, { dsp }) {
    const site = request.site ?? request.app;
    const requests = request.imp.map((imp) => {
      const slot: PulseSlot = {
        id: imp.id,
        sizes: sizesOf(imp),
        video: imp.video !== undefined,
        // Pulse floors are integer cents; round up so its floor is never below ours.
        floorCents: imp.bidfloorcur === 'USD' ? Math.ceil(imp.bidfloor * 100) : 0,
      };
      return {
        method: 'POST' as const,
        url: dsp.endpoint,
        headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
        body: {
          requestId: request.id,
          slot,
          domain: request.site?.domain ?? request.app?.bundle,
          publisher: site?.publisher?.id,
          country: request.device?.geo?.country,
          userId: request.user?.buyeruid ?? request.user?.id,
          gdpr: request.regs?.gdpr === 1,
          consent: request.user?.consent,
          test: request.test === 1,
        },
        impIds: [imp.id],
      };
    });
    return { requests, errors: [] };
  },

  makeBids(_request, sent, received) {
    if (received.status === 204) return { bids: [], errors: [] };
    if (received.status !== 200)
      return {
        bids: [],
        errors: [{ code: 'bad_status', message: `pulse answered HTTP ${received.status}` }],
      };
    let v: { bids?: unknown };
    try {
      v = JSON.parse(received.body) as { bids?: unknown };
    } catch {
      return { bids: [], errors: [{ code: 'bad_response', message: 'pulse body is not JSON' }] };
    }
    if (!Array.isArray(v?.bids))
      return { bids: [], errors: [{ code: 'bad_response', message: 'bids must be an array' }] };
    const bids: AdapterBid[] = [];
    const errors: AdapterError[] = [];
    for (const raw of v.bids as Array<Record<string, unknown>>) {
      if (typeof raw?.slot !== 'string' || typeof raw.cpmCents !== 'number') {
        errors.push({ code: 'bad_response', message: 'a pulse bid needs slot and cpmCents' });
        continue;
      }
      bids.push({
        currency: 'USD',
        bid: {
          id: `${(sent.body as { requestId: string }).requestId}-${raw.slot}`,
          impid: raw.slot,
          price: raw.cpmCents / 100,
          ...(typeof raw.html === 'string' ? { adm: raw.html } : {}),
          ...(typeof raw.creativeId === 'string' ? { crid: raw.creativeId } : {}),
          ...(typeof raw.advertiserDomain === 'string' ? { adomain: [raw.advertiserDomain] } : {}),
          ...(typeof raw.winUrl === 'string' ? { nurl: raw.winUrl } : {}),
        },
      });
    }
    return { bids, errors };
  },
};
