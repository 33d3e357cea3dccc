// Builds the edge's ConfigSnapshot from the catalog: only what the hot path reads, no
// plaintext secrets (SSP keys are hashes already), paused objects left out where the edge
// would only skip them. Read in one REPEATABLE READ transaction so the version and the rows
// belong together even while admins write.
import type { ConfigSnapshot, CreativeConfig, ExchangeSettings } from '@edge-rtb/shared/snapshot';
import { asc, eq } from 'drizzle-orm';
import type { CatalogDb } from './db.ts';
import { bidStrategyOf } from './resources/campaigns.ts';
import {
  advertisers,
  campaigns,
  catalogVersion,
  creatives,
  currencyRates,
  deals,
  dspPartners,
  ivtRules,
  sspAccounts,
} from './schema/index.ts';

export interface SnapshotSettings {
  exchange: ExchangeSettings;
  ivt: ConfigSnapshot['ivt'];
}

export const defaultSnapshotSettings: SnapshotSettings = {
  exchange: {
    asi: 'edge-rtb.example',
    currency: 'USD',
    secondPriceIncrementCpmMicros: 10_000,
    tmaxMarginMs: 20,
    defaultTmaxMs: 200,
  },
  ivt: { blockedUserAgents: [], blockedIpRanges: [] },
};

const uniq = (xs: string[]): string[] => [...new Set(xs)].sort();

export async function buildSnapshot(db: CatalogDb, settings: SnapshotSettings): Promise<ConfigSnapshot> {
  return db.transaction(
    async (tx) => {
      const [ver] = await tx.select({ version: catalogVersion.version }).from(catalogVersion);
      const rates = await tx.select().from(currencyRates).orderBy(asc(currencyRates.currency));
      const ssps = await tx.select().from(sspAccounts).orderBy(asc(sspAccounts.id));
      const dsps = await tx.select().from(dspPartners).orderBy(asc(dspPartners.id));
      // A paused advertiser pauses all its campaigns; paused campaigns never bid, so leave them out.
      const cmps = await tx
        .select({ c: campaigns })
        .from(campaigns)
        .innerJoin(advertisers, eq(advertisers.id, campaigns.advertiserId))
        .where(eq(advertisers.status, 'active'))
        .orderBy(asc(campaigns.id));
      const crvs = await tx
        .select()
        .from(creatives)
        .where(eq(creatives.status, 'active'))
        .orderBy(asc(creatives.id));
      const ivt = await tx.select().from(ivtRules).orderBy(asc(ivtRules.id));
      const dls = await tx.select().from(deals).where(eq(deals.status, 'active')).orderBy(asc(deals.id));

      // One CreativeConfig per size: the edge matches an impression's w x h against these.
      const byCampaign = new Map<string, Array<{ cfg: CreativeConfig }>>();
      for (const cr of crvs) {
        const list = byCampaign.get(cr.campaignId) ?? [];
        for (const size of cr.sizes) {
          list.push({
            cfg: {
              id: cr.id,
              format: cr.format,
              w: size.w,
              h: size.h,
              markup: cr.markup,
              adomain: cr.adomain,
              cat: cr.categories,
              attr: cr.attributes,
            },
          });
        }
        byCampaign.set(cr.campaignId, list);
      }

      return {
        version: String(ver?.version ?? 0),
        generatedAt: new Date().toISOString(),
        exchange: settings.exchange,
        currencyRates: Object.fromEntries(rates.map((r) => [r.currency, r.usdMicrosPerUnit / 1e6])),
        ssps: ssps.map((s) => ({
          id: s.id,
          name: s.name,
          status: s.status,
          keyHashes: s.apiKeyHashes,
          takeRateBps: s.takeRateBps,
          floorCpmMicros: s.floorCpmMicros,
          publishers: s.publishers,
          blockedPublishers: s.blockedPublishers,
          blockedDomains: s.blockedDomains,
        })),
        dsps: dsps.map((d) => ({
          id: d.id,
          name: d.name,
          status: d.status,
          endpoint: d.endpoint,
          adapter: d.adapter,
          timeoutMs: d.timeoutMs,
          qpsCap: d.qpsCap,
          formats: d.formats,
          countries: d.countries,
          ...(d.tcfVendorId === null ? {} : { gvlVendorId: d.tcfVendorId }),
          tcfPurposes: d.tcfPurposes,
          gzip: d.gzip,
          openrtbVersion: d.openrtbVersion,
        })),
        campaigns: cmps
          .map(({ c }) => ({ c, crs: (byCampaign.get(c.id) ?? []).map((x) => x.cfg) }))
          .filter(({ c, crs }) => c.status === 'active' && crs.length > 0)
          .map(({ c, crs }) => ({
            id: c.id,
            advertiserId: c.advertiserId,
            status: c.status,
            bidStrategy: bidStrategyOf(c),
            maxCpmMicros: c.maxCpmMicros,
            targeting: c.targeting,
            adomain: uniq(crs.flatMap((x) => x.adomain)),
            cat: uniq(crs.flatMap((x) => x.cat)),
            creatives: crs,
          })),
        deals: dls.map((d) => ({
          id: d.id,
          floorCpmMicros: d.floorCpmMicros,
          at: d.auctionType,
          wseat: d.wseat,
          dspIds: d.dspIds,
          campaignIds: d.campaignIds,
        })),
        // Rules from the catalog on top of any the core's settings add.
        ivt: {
          blockedUserAgents: uniq([
            ...settings.ivt.blockedUserAgents,
            ...ivt.filter((r) => r.kind === 'user_agent').map((r) => r.pattern),
          ]),
          blockedIpRanges: uniq([
            ...settings.ivt.blockedIpRanges,
            ...ivt.filter((r) => r.kind === 'ip_range').map((r) => r.pattern),
          ]),
        },
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
