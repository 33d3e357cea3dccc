// What an SSP sends: a seeded, realistic mix of OpenRTB 2.6 bid requests (sites and apps,
// banner sizes, video, native, geos, devices, privacy signals, deals), a share of invalid
// traffic (bot user agents, data-centre IPs) and malformed bodies. Pure: the same seed and
// sequence number give the same request, so a failing run can be replayed request by request.
import type { Rng } from './prng.ts';
import { encodeTcfV2 } from './tcf-string.ts';

export type RequestKind = 'valid' | 'bot' | 'malformed';
export type PrivacyCase = 'none' | 'gdpr_consent' | 'gdpr_no_consent' | 'us_optout' | 'us_optin' | 'coppa';

export interface SimRequest {
  seq: number;
  id: string;
  kind: RequestKind;
  format: 'banner' | 'video' | 'native' | 'multi';
  privacy: PrivacyCase;
  dealId?: string;
  userId?: string;
  tmaxMs: number;
  body: string;
}

export interface MixOptions {
  tmaxMs: number;
  /** Shares of traffic; the rest is valid. */
  botShare: number;
  malformedShare: number;
  /** Number of distinct users (ground truth for the user simulator is keyed on them). */
  users: number;
  /** Deal ids the SSP's publishers run (pmp); empty = open auction only. */
  deals: string[];
  /** TCF vendor ids to grant in consent strings (the DSPs' GVL ids). */
  consentVendors: number[];
  /** Shares of request shapes; 'multi' is two banner imps. */
  formats: { banner: number; video: number; native: number; multi: number };
}

export const DEFAULT_MIX: MixOptions = {
  tmaxMs: 200,
  botShare: 0.03,
  malformedShare: 0.01,
  users: 5000,
  deals: ['deal-premium-1', 'deal-video-2'],
  // The seeded DSPs' GVL ids (1001-1005) plus a few unrelated vendors, as real strings carry.
  consentVendors: [1, 2, 3, 10, 32, 52, 755, 1001, 1002, 1003, 1004, 1005],
  formats: { banner: 70, video: 12, native: 12, multi: 6 },
};

const BANNER_SIZES = [
  [[300, 250], 40],
  [[728, 90], 20],
  [[320, 50], 20],
  [[160, 600], 8],
  [[300, 600], 7],
  [[970, 250], 5],
] as const;
const COUNTRIES = [
  ['USA', 40],
  ['DEU', 12],
  ['FRA', 9],
  ['GBR', 10],
  ['BRA', 8],
  ['IND', 8],
  ['JPN', 6],
  ['CAN', 7],
] as const;
const EU = new Set(['DEU', 'FRA']);
const DOMAINS = ['news.example', 'sports.example', 'recipes.example', 'weather.example', 'autos.example'];
const BUNDLES = ['com.example.puzzle', 'com.example.news', 'com.example.runner', '1234567890'];
const UAS = {
  desktop:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  android:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
} as const;
export const BOT_UAS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'python-requests/2.32.3',
  'curl/8.5.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36',
];
/** Addresses in well-known cloud ranges, sent with bot traffic as data-centre IVT. */
export const DATACENTER_IPS = ['3.80.12.7', '34.102.5.9', '52.14.200.1', '20.42.73.5'];

type Json = Record<string, unknown>;

function device(rng: Rng, country: string, app: boolean): Json {
  const kind = app
    ? rng.pick(['iphone', 'android'] as const)
    : rng.pick(['desktop', 'mac', 'iphone', 'android'] as const);
  const mobile = kind === 'iphone' || kind === 'android';
  const d: Json = {
    ua: UAS[kind],
    ip: `${rng.int(80, 200)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    devicetype: mobile ? 4 : 2,
    os: kind === 'iphone' ? 'iOS' : kind === 'android' ? 'Android' : kind === 'mac' ? 'macOS' : 'Windows',
    js: 1,
    language: 'en',
    geo: { country, type: 2, lat: rng.int(-60, 60) + 0.1234, lon: rng.int(-120, 120) + 0.5678 },
  };
  if (app) d.ifa = `${rng.int(1e7, 9e7).toString(16)}-aaaa-4bbb-8ccc-${rng.int(1e11, 9e11).toString(16)}`;
  return d;
}

function imps(rng: Rng, format: SimRequest['format'], dealId: string | undefined): Json[] {
  const floor = rng.weighted([
    [0, 2],
    [0.1, 3],
    [0.5, 3],
    [1.5, 1],
  ] as const);
  const mk = (id: string, kind: 'banner' | 'video' | 'native'): Json => {
    const imp: Json = { id, bidfloor: floor, bidfloorcur: 'USD', secure: 1 };
    if (kind === 'banner') {
      const [w, h] = rng.weighted<readonly [number, number]>(BANNER_SIZES);
      imp.banner = { w, h, format: [{ w, h }], pos: rng.int(0, 3) };
      imp.tagid = `slot-${w}x${h}`;
    } else if (kind === 'video') {
      imp.video = {
        mimes: ['video/mp4'],
        w: 640,
        h: 480,
        minduration: 5,
        maxduration: 30,
        protocols: [2, 3, 5, 6],
        linearity: 1,
        plcmt: 1,
      };
    } else {
      imp.native = {
        ver: '1.2',
        request: JSON.stringify({
          ver: '1.2',
          assets: [
            { id: 1, required: 1, title: { len: 90 } },
            { id: 2, required: 1, img: { type: 3, w: 1200, h: 627 } },
          ],
        }),
      };
    }
    if (dealId)
      imp.pmp = { private_auction: 0, deals: [{ id: dealId, bidfloor: Math.max(1, floor), at: 1 }] };
    return imp;
  };
  if (format === 'multi') return [mk('1', 'banner'), mk('2', 'banner')];
  return [mk('1', format)];
}

function privacyFields(
  rng: Rng,
  country: string,
  opts: MixOptions,
): { privacy: PrivacyCase; regs: Json; user: Json } {
  if (rng.chance(0.02)) return { privacy: 'coppa', regs: { coppa: 1 }, user: {} };
  if (EU.has(country)) {
    const consent = rng.chance(0.7);
    return {
      privacy: consent ? 'gdpr_consent' : 'gdpr_no_consent',
      regs: { gdpr: 1 },
      user: {
        consent: consent
          ? encodeTcfV2({ purposes: [1, 2, 3, 4, 7, 9, 10], vendors: opts.consentVendors })
          : encodeTcfV2({ purposes: [], vendors: [] }),
      },
    };
  }
  if (country === 'USA') {
    const optOut = rng.chance(0.1);
    return {
      privacy: optOut ? 'us_optout' : 'us_optin',
      regs: { us_privacy: optOut ? '1YYN' : '1YNN' },
      user: {},
    };
  }
  return { privacy: 'none', regs: {}, user: {} };
}

function malformedBody(rng: Rng, id: string): string {
  const variants = [
    () => `{"id":"${id}","imp":[{"id":"1","banner":{"w":300,"h":250}}`, // truncated JSON
    () => JSON.stringify({ id, imp: [] }), // no impressions
    () => JSON.stringify({ imp: [{ id: '1', banner: { w: 300, h: 250 } }] }), // missing id
    () => JSON.stringify({ id, imp: [{ id: '1' }] }), // imp with no media object
    () => JSON.stringify({ id, tmax: 'fast', imp: [{ id: '1', banner: { w: '300', h: 250 } }] }), // wrong types
    () => 'not json at all',
    () => JSON.stringify([{ id }]), // array, not an object
  ];
  return rng.pick(variants)();
}

export function makeRequest(rng: Rng, seq: number, opts: MixOptions = DEFAULT_MIX): SimRequest {
  const id = `sim-${seq.toString(36)}-${rng.int(0, 1e9).toString(36)}`;
  const tmaxMs = opts.tmaxMs;
  const roll = rng.next();
  if (roll < opts.malformedShare) {
    return {
      seq,
      id,
      kind: 'malformed',
      format: 'banner',
      privacy: 'none',
      tmaxMs,
      body: malformedBody(rng, id),
    };
  }
  const bot = roll < opts.malformedShare + opts.botShare;
  const app = rng.chance(0.4);
  const format = rng.weighted<SimRequest['format']>([
    ['banner', opts.formats.banner],
    ['video', opts.formats.video],
    ['native', opts.formats.native],
    ['multi', opts.formats.multi],
  ]);
  const country = rng.weighted(COUNTRIES);
  const dealId = opts.deals.length && rng.chance(0.08) ? rng.pick(opts.deals) : undefined;
  const userId = `u${rng.int(1, opts.users)}`;
  const { privacy, regs, user } = privacyFields(rng, country, opts);
  const dev = device(rng, country, app);
  if (bot) {
    dev.ua = rng.pick(BOT_UAS);
    if (rng.chance(0.5)) dev.ip = rng.pick(DATACENTER_IPS);
  }
  const publisher = { id: `pub-${rng.int(1, 20)}`, name: 'Sim Publisher' };
  const req: Json = {
    id,
    at: rng.chance(0.8) ? 1 : 2,
    tmax: tmaxMs,
    cur: ['USD'],
    imp: imps(rng, format, dealId),
    device: dev,
    user: { id: userId, ...user },
    regs,
    source: {
      tid: id,
      schain: { complete: 1, ver: '1.0', nodes: [{ asi: 'ssp.example', sid: publisher.id, hp: 1 }] },
    },
    bcat: ['IAB25', 'IAB26'],
    badv: ['blocked-brand.example'],
  };
  if (app) {
    req.app = { id: `app-${rng.int(1, 50)}`, bundle: rng.pick(BUNDLES), publisher, cat: ['IAB9'] };
  } else {
    const domain = rng.pick(DOMAINS);
    req.site = {
      id: `site-${rng.int(1, 50)}`,
      domain,
      page: `https://${domain}/a/${rng.int(1, 999)}`,
      publisher,
      cat: ['IAB12'],
    };
  }
  return {
    seq,
    id,
    kind: bot ? 'bot' : 'valid',
    format,
    privacy,
    ...(dealId ? { dealId } : {}),
    userId,
    tmaxMs,
    body: JSON.stringify(req),
  };
}
