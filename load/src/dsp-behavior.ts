// How one simulated DSP answers a bid request: latency (lognormal body with a heavy tail),
// whether it bids, at what price, and the faults a scenario injects (HTTP errors, hangs past
// the deadline, malformed JSON, policy-violating bids). Pure: the fleet only does the I/O.
import type { Rng } from './prng.ts';

export interface DspProfile {
  id: string;
  port: number;
  seat: string;
  /** Median answer time and spread of the lognormal body; a `tailShare` of answers take `tailMs` more. */
  latency: { medianMs: number; sigma: number; tailShare: number; tailMs: number };
  /** Share of requests (per imp) it bids on. */
  bidRate: number;
  /** CPM in USD, lognormal around the median. */
  price: { medianCpm: number; sigma: number };
  /** Fault shares, each of all requests. */
  errorRate: number;
  /** Answers only after `hangMs` (past any sane tmax). */
  timeoutRate: number;
  hangMs: number;
  malformedRate: number;
  /** Bids that break policy: blocked adomain (badv), blocked category (bcat), under floor, unknown impid. */
  violationRate: number;
  /** Extra fixed delay added to every answer (the slow-DSP scenario). */
  extraDelayMs: number;
  /** Refuses connections (server closed): the dead-DSP scenario. */
  dead: boolean;
}

export function defaultProfile(index: number, basePort = 9101): DspProfile {
  return {
    id: `dsp-${index + 1}`,
    port: basePort + index,
    seat: `seat-${index + 1}`,
    latency: { medianMs: 8 + index * 4, sigma: 0.5, tailShare: 0.01, tailMs: 60 },
    bidRate: 0.85 - index * 0.05,
    price: { medianCpm: 1.2 + index * 0.3, sigma: 0.45 },
    errorRate: 0.005,
    timeoutRate: 0.002,
    hangMs: 2_000,
    malformedRate: 0.002,
    violationRate: 0.01,
    extraDelayMs: 0,
    dead: false,
  };
}

/** An always-bidding DSP with a fixed small delay: what the overhead benchmark and the fan-out reference use. */
export function instantProfile(index: number, delayMs = 2, basePort = 9101): DspProfile {
  return {
    ...defaultProfile(index, basePort),
    latency: { medianMs: delayMs, sigma: 0.01, tailShare: 0, tailMs: 0 },
    bidRate: 1,
    errorRate: 0,
    timeoutRate: 0,
    malformedRate: 0,
    violationRate: 0,
  };
}

export type DspAnswer =
  | {
      kind: 'bids' | 'nobid' | 'error' | 'malformed' | 'violation';
      delayMs: number;
      status: number;
      body: string;
    }
  | { kind: 'hang'; delayMs: number; status: 204; body: '' };

interface Imp {
  id: string;
  bidfloor?: number;
  banner?: { w?: number; h?: number; format?: Array<{ w: number; h: number }> };
  video?: { w?: number; h?: number };
  native?: unknown;
  pmp?: { deals?: Array<{ id: string; bidfloor?: number }> };
}

export function latencyMs(rng: Rng, p: DspProfile): number {
  const body = p.latency.medianMs * Math.exp(p.latency.sigma * rng.normal());
  const tail = rng.chance(p.latency.tailShare) ? p.latency.tailMs * (0.5 + rng.next()) : 0;
  return Math.max(0, body + tail + p.extraDelayMs);
}

function markup(
  p: DspProfile,
  imp: Imp,
  bidId: string,
): { adm: string; w?: number; h?: number; mtype: number } {
  const landing = 'https://advertiser.example/landing';
  if (imp.video) {
    return {
      mtype: 2,
      w: imp.video.w ?? 640,
      h: imp.video.h ?? 480,
      adm: `<VAST version="4.0"><Ad id="${bidId}"><InLine><AdSystem>${p.id}</AdSystem><AdTitle>sim</AdTitle><Creatives><Creative><Linear><Duration>00:00:15</Duration><VideoClicks><ClickThrough><![CDATA[${landing}]]></ClickThrough></VideoClicks><MediaFiles><MediaFile delivery="progressive" type="video/mp4" width="640" height="480"><![CDATA[https://cdn.example/v.mp4]]></MediaFile></MediaFiles></Linear></Creative></Creatives></InLine></Ad></VAST>`,
    };
  }
  if (imp.native) {
    return {
      mtype: 4,
      adm: JSON.stringify({
        native: {
          ver: '1.2',
          assets: [
            { id: 1, title: { text: `Offer from ${p.id}` } },
            { id: 2, img: { url: 'https://cdn.example/n.jpg', w: 1200, h: 627 } },
          ],
          link: { url: landing },
        },
      }),
    };
  }
  const size = imp.banner?.format?.[0] ?? { w: imp.banner?.w ?? 300, h: imp.banner?.h ?? 250 };
  return {
    mtype: 1,
    w: size.w,
    h: size.h,
    adm: `<a href="${landing}"><img src="https://cdn.example/${p.id}/${size.w}x${size.h}.png" width="${size.w}" height="${size.h}"></a>`,
  };
}

/** Decides the full answer to one request. `request` is the parsed body the exchange sent. */
export function answer(
  rng: Rng,
  p: DspProfile,
  request: { id?: string; imp?: Imp[]; bcat?: string[]; badv?: string[] },
): DspAnswer {
  const delayMs = latencyMs(rng, p);
  const fault = rng.next();
  let edge = p.errorRate;
  if (fault < edge) return { kind: 'error', delayMs, status: 500, body: 'internal error' };
  edge += p.timeoutRate;
  if (fault < edge) return { kind: 'hang', delayMs: p.hangMs, status: 204, body: '' };
  edge += p.malformedRate;
  if (fault < edge)
    return { kind: 'malformed', delayMs, status: 200, body: '{"id":"x","seatbid":[{"bid":[{"price":' };
  const violate = rng.chance(p.violationRate);
  const origin = `http://127.0.0.1:${p.port}`;
  const bids = [];
  for (const imp of request.imp ?? []) {
    if (!violate && !rng.chance(p.bidRate)) continue;
    const dealFloor = imp.pmp?.deals?.[0]?.bidfloor;
    const floor = Math.max(imp.bidfloor ?? 0, dealFloor ?? 0);
    let price = Math.max(floor + 0.01, p.price.medianCpm * Math.exp(p.price.sigma * rng.normal()));
    price = Math.round(price * 10_000) / 10_000;
    const bidId = `${p.id}-${request.id ?? 'x'}-${imp.id}`;
    const m = markup(p, imp, bidId);
    const bid: Record<string, unknown> = {
      id: bidId,
      impid: imp.id,
      price,
      adm: m.adm,
      adomain: [`brand-${p.id}.example`],
      cat: ['IAB3'],
      crid: `${p.id}-cr-${m.mtype}`,
      cid: `${p.id}-camp`,
      mtype: m.mtype,
      nurl: `${origin}/notice/win?bid=${bidId}&price=\${AUCTION_PRICE}`,
      burl: `${origin}/notice/bill?bid=${bidId}&price=\${AUCTION_PRICE}`,
      lurl: `${origin}/notice/loss?bid=${bidId}&reason=\${AUCTION_LOSS}`,
    };
    if (m.w) bid.w = m.w;
    if (m.h) bid.h = m.h;
    if (imp.pmp?.deals?.[0] && rng.chance(0.5)) bid.dealid = imp.pmp.deals[0].id;
    if (violate) {
      const how = rng.int(0, 3);
      if (how === 0) bid.adomain = [request.badv?.[0] ?? 'blocked-brand.example'];
      else if (how === 1) bid.cat = [request.bcat?.[0] ?? 'IAB25'];
      else if (how === 2) bid.price = floor > 0 ? floor / 2 : -1;
      else bid.impid = 'no-such-imp';
    }
    bids.push(bid);
  }
  if (bids.length === 0) return { kind: 'nobid', delayMs, status: 204, body: '' };
  return {
    kind: violate ? 'violation' : 'bids',
    delayMs,
    status: 200,
    body: JSON.stringify({ id: request.id, cur: 'USD', seatbid: [{ seat: p.seat, bid: bids }] }),
  };
}
