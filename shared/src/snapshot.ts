// The config snapshot: everything the edge needs from the catalog, versioned, produced by the
// core (GET /v1/snapshot, ETag = version) and cached per PoP by the edge. Only what the hot
// path reads is here; secrets appear only as hashes. Money is micros (see money.ts).
import type { Micros } from './money.ts';

export type AdFormat = 'banner' | 'video' | 'native' | 'audio';
export type PartnerStatus = 'active' | 'paused';

export interface ConfigSnapshot {
  /** Monotonic version; the ETag of GET /v1/snapshot. */
  version: string;
  generatedAt: string;
  exchange: ExchangeSettings;
  /** Value in USD of one unit of each currency (USD = 1). Used for bidfloorcur and bid.cur. */
  currencyRates: Record<string, number>;
  ssps: SspConfig[];
  dsps: DspConfig[];
  campaigns: CampaignConfig[];
  deals: DealConfig[];
  ivt: { blockedUserAgents: string[]; blockedIpRanges: string[] };
}

export interface ExchangeSettings {
  /** schain node asi of this exchange and the currency its campaigns bid in. */
  asi: string;
  currency: string;
  /** Second-price increment added to the runner-up price, CPM micros. */
  secondPriceIncrementCpmMicros: Micros;
  /** Safety margin subtracted from tmax before the DSP deadline. */
  tmaxMarginMs: number;
  defaultTmaxMs: number;
}

export interface SspConfig {
  id: string;
  name: string;
  status: PartnerStatus;
  /** hex SHA-256 of each valid API key (X-Api-Key or Bearer); the key itself is never in a snapshot. */
  keyHashes: string[];
  /** Exchange take rate on this SSP's traffic, basis points of the clearing price. */
  takeRateBps: number;
  /** Floor applied on top of the request's bidfloor, CPM micros in exchange currency. */
  floorCpmMicros: Micros;
  /** Publisher ids this SSP may send; empty or absent = any. (Added by the catalog.) */
  publishers?: string[];
  blockedPublishers: string[];
  blockedDomains: string[];
}

export interface DspConfig {
  id: string;
  name: string;
  status: PartnerStatus;
  endpoint: string;
  /** Adapter that shapes requests/responses; plain OpenRTB partners use 'generic'. */
  adapter: string;
  timeoutMs: number;
  qpsCap: number;
  formats: AdFormat[];
  /** ISO-3166-1 alpha-3 countries the DSP buys; empty = everywhere. */
  countries: string[];
  /** IAB TCF global vendor list id; undefined = no TCF registration (no user data under GDPR). */
  gvlVendorId?: number;
  /** TCF purposes the DSP needs consent for to receive user data. */
  tcfPurposes: number[];
  gzip: boolean;
  openrtbVersion: '2.5' | '2.6';
}

export interface CampaignConfig {
  id: string;
  advertiserId: string;
  status: PartnerStatus;
  bidStrategy:
    | { kind: 'fixed_cpm'; cpmMicros: Micros }
    | { kind: 'target_cpc'; cpcMicros: Micros }
    | { kind: 'target_cpa'; cpaMicros: Micros };
  /** Ceiling on any bid this campaign makes, CPM micros. */
  maxCpmMicros: Micros;
  targeting: {
    countries?: string[];
    formats?: AdFormat[];
    domains?: string[];
    bundles?: string[];
    deviceTypes?: number[];
  };
  adomain: string[];
  cat: string[];
  creatives: CreativeConfig[];
}

export interface CreativeConfig {
  id: string;
  format: AdFormat;
  w: number;
  h: number;
  /** Markup template; OpenRTB macros such as ${AUCTION_PRICE} are substituted at win time. */
  markup: string;
  adomain: string[];
  cat: string[];
  attr: number[];
}

export interface DealConfig {
  id: string;
  floorCpmMicros: Micros;
  /** 1 first price, 2 second price, 3 fixed price at the floor. */
  at: 1 | 2 | 3;
  /** Buyer seats (DSP seat ids) allowed; empty = any. */
  wseat: string[];
  /** DSP ids and campaign ids allowed to bid on it. */
  dspIds: string[];
  campaignIds: string[];
}
