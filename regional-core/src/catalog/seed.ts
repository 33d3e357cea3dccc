// The demo/benchmark seed. Idempotent: objects are inserted only when their id is missing, so
// a re-run changes nothing (and bumps no version); edits made through the API are kept.
// The SSP's known key is for development only: the part seeds only in single-node dev mode.
import { sha256Hex } from './auth.ts';
import type { AuditEntry, CatalogTx } from './changes.ts';
import {
  advertisers,
  campaigns,
  creatives,
  currencyRates,
  dspPartners,
  ivtRules,
  sspAccounts,
} from './schema/index.ts';
import type { CatalogStore } from './store.ts';

export const DEV_SSP_ID = 'ssp-dev';
/** Known API key of the seeded SSP (dev only; the SSP simulator sends it as X-Api-Key). */
export const DEV_SSP_KEY = 'dev-ssp-key-not-secret';

const DAY = 86_400_000;
const banner = (adv: string, w: number, h: number) =>
  `<a href="https://${adv}.example/landing"><img src="https://cdn.${adv}.example/${w}x${h}.png" width="${w}" height="${h}"></a>`;

export async function seedCatalog(
  store: CatalogStore,
  now = Date.now(),
): Promise<{ created: number; version: number }> {
  const start = new Date(Math.floor(now / DAY) * DAY - DAY);
  const end = new Date(start.getTime() + 90 * DAY);
  const advs = [
    {
      id: 'adv-acme',
      name: 'Acme Shoes',
      domain: 'acme-shoes.example',
      cpm: 2_000_000,
      tz: 'America/New_York',
      pacing: 'even' as const,
    },
    {
      id: 'adv-globex',
      name: 'Globex Travel',
      domain: 'globex-travel.example',
      cpm: 3_500_000,
      tz: 'Europe/Berlin',
      pacing: 'front_loaded' as const,
    },
    {
      id: 'adv-initech',
      name: 'Initech Software',
      domain: 'initech.example',
      cpm: 1_500_000,
      tz: 'UTC',
      pacing: 'asap' as const,
    },
  ];
  const sizes = [
    { w: 300, h: 250 },
    { w: 728, h: 90 },
    { w: 320, h: 50 },
  ];

  const { value, version } = await store.change({ id: 'seed', role: 'admin' }, async (tx) => {
    const audit: AuditEntry[] = [];
    // Insert-if-missing, auditing only what was really inserted.
    const put = async (
      entity: string,
      table: Parameters<CatalogTx['insert']>[0],
      row: { id?: string; currency?: string },
    ) => {
      const inserted = await tx
        .insert(table)
        .values(row as never)
        .onConflictDoNothing()
        .returning();
      if (inserted.length > 0)
        audit.push({
          action: 'create',
          entity,
          entityId: String(row.id ?? row.currency),
          before: null,
          after: inserted[0],
        });
    };

    for (const [currency, usdMicrosPerUnit] of [
      ['USD', 1_000_000],
      ['EUR', 1_080_000],
      ['GBP', 1_270_000],
    ] as const)
      await put('currency_rate', currencyRates, { currency, usdMicrosPerUnit } as { currency: string });

    await put('ssp', sspAccounts, {
      id: DEV_SSP_ID,
      name: 'Dev SSP',
      apiKeyHashes: [sha256Hex(DEV_SSP_KEY)],
      takeRateBps: 1500,
      floorCpmMicros: 100_000,
    } as { id: string });

    for (let i = 1; i <= 5; i++)
      await put('dsp', dspPartners, {
        id: `dsp-${i}`,
        name: `Simulated DSP ${i}`,
        endpoint: `http://127.0.0.1:${9100 + i}/openrtb2/bid`,
        adapter: 'generic',
        timeoutMs: 120,
        qpsCap: 5000,
        formats: ['banner'],
        tcfVendorId: 1000 + i,
        tcfPurposes: [1, 2, 3, 4],
      } as { id: string });

    for (const a of advs) {
      await put('advertiser', advertisers, { id: a.id, name: a.name } as { id: string });
      const cmp = `${a.id.replace('adv-', 'cmp-')}-banner`;
      await put('campaign', campaigns, {
        id: cmp,
        advertiserId: a.id,
        name: `${a.name} banners`,
        status: 'active',
        totalBudgetMicros: 5_000_000_000,
        dailyBudgetMicros: 100_000_000,
        startAt: start,
        endAt: end,
        timeZone: a.tz,
        pacing: a.pacing,
        targeting: { formats: ['banner'] },
        bidStrategy: 'fixed_cpm',
        bidAmountMicros: a.cpm,
        maxCpmMicros: a.cpm * 2,
      } as { id: string });
      // One creative per size, each with its own image, so the edge can match any of them.
      for (const { w, h } of sizes)
        await put('creative', creatives, {
          id: `${cmp}-${w}x${h}`,
          advertiserId: a.id,
          campaignId: cmp,
          name: `${a.name} ${w}x${h}`,
          format: 'banner',
          sizes: [{ w, h }],
          markup: banner(a.id.replace('adv-', ''), w, h),
          adomain: [a.domain],
          categories: ['IAB1'],
          attributes: [],
        } as { id: string });
    }
    // Known crawlers and tools, and cloud ranges (AWS 3/9 and 52/10, GCP 34.64/10, Azure 20.32/11).
    for (const pattern of ['googlebot', 'bingbot', 'python-requests', 'curl/', 'headlesschrome'])
      await put('ivt_rule', ivtRules, {
        id: `ivt-ua-${pattern.replace(/\W/g, '')}`,
        kind: 'user_agent',
        pattern,
      } as { id: string });
    for (const pattern of ['3.0.0.0/9', '52.0.0.0/10', '34.64.0.0/10', '20.32.0.0/11'])
      await put('ivt_rule', ivtRules, {
        id: `ivt-ip-${pattern.replace(/\W/g, '-')}`,
        kind: 'ip_range',
        pattern,
      } as { id: string });
    return { value: audit.length, audit };
  });
  return { created: value, version };
}
