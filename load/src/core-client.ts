// What a run asks the core after (and during) the load: campaign budgets and spend from the
// lease service, and event counts from reporting. Each call returns undefined plus a reason
// when the core cannot answer, so an invariant fails saying why instead of passing blind.
import type { CampaignSpend } from './invariants.ts';
import { DEV_ADMIN_TOKEN, DEV_EDGE_TOKEN } from './stack.ts';

/** The seed's campaigns (regional-core/src/catalog/seed.ts), used if the snapshot cannot be read. */
const SEED_CAMPAIGNS = ['cmp-acme-banner', 'cmp-globex-banner', 'cmp-initech-banner'];

async function getJson(
  url: string,
  token: string,
): Promise<{ ok: true; body: unknown } | { ok: false; why: string }> {
  try {
    const r = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000),
    });
    if (!r.ok) return { ok: false, why: `${url} -> HTTP ${r.status}` };
    return { ok: true, body: await r.json() };
  } catch (err) {
    return { ok: false, why: `${url} -> ${String((err as { cause?: unknown }).cause ?? err)}` };
  }
}

export async function campaignIds(coreUrl: string): Promise<string[]> {
  const r = await getJson(`${coreUrl}/v1/snapshot`, DEV_EDGE_TOKEN);
  if (!r.ok) return SEED_CAMPAIGNS;
  const ids = ((r.body as { campaigns?: Array<{ id: string }> }).campaigns ?? []).map((c) => c.id);
  return ids.length ? ids : SEED_CAMPAIGNS;
}

interface BudgetStatus {
  campaignId: string;
  budgetMicros: number;
  remainingMicros: number;
  leasedMicros: number;
  spentMicros: number;
  overrunMicros: number;
  today?: { usedMicros: number; capMicros: number | null };
}

export interface BudgetView {
  spend: CampaignSpend[];
  raw: BudgetStatus[];
  /** Money out in live leases right now, summed (what the edge may still spend without the core). */
  leasedMicros: number;
}

/** Spend against budget per campaign: total (spent + overrun vs budget) and today's (vs the daily cap). */
export async function budgets(coreUrl: string): Promise<{ view?: BudgetView; why?: string }> {
  const ids = await campaignIds(coreUrl);
  const raw: BudgetStatus[] = [];
  for (const id of ids) {
    const r = await getJson(`${coreUrl}/v1/budgets/${encodeURIComponent(id)}`, DEV_ADMIN_TOKEN);
    if (!r.ok) return { why: r.why };
    raw.push(r.body as BudgetStatus);
  }
  const spend: CampaignSpend[] = [];
  for (const s of raw) {
    spend.push({
      campaignId: s.campaignId,
      budgetMicros: s.budgetMicros,
      spentMicros: s.spentMicros + s.overrunMicros,
      leasedMicros: s.leasedMicros,
      availableMicros: s.remainingMicros,
    });
    if (s.today?.capMicros != null)
      spend.push({
        campaignId: `${s.campaignId} (today)`,
        budgetMicros: s.today.capMicros,
        spentMicros: s.today.usedMicros,
      });
  }
  return { view: { spend, raw, leasedMicros: raw.reduce((n, s) => n + s.leasedMicros, 0) } };
}

type Rows = Array<Record<string, unknown>>;
const total = (rows: Rows, key: string) => rows.reduce((n, r) => n + Number(r[key] ?? 0), 0);

/**
 * Events that landed in the store, by type, read back through the core's reporting API
 * (ClickHouse rollups, whole-window totals): auctions from bid-density, bids/wins/losses from
 * win-rate, own-campaign impressions/clicks/conversions from spend. Lease events and DSP trackers have no report and are not
 * compared. The window starts at the minute the load started (rollups are per minute); each
 * single-node run has its own store, so nothing from an earlier run is counted.
 */
export async function landedEvents(
  coreUrl: string,
  sinceMs: number,
): Promise<{ counts?: Record<string, number>; why?: string }> {
  const from = Math.floor(sinceMs / 60_000) * 60_000;
  const q = `from=${from}&to=${Date.now() + 120_000}&step=total&limit=10000`;
  const get = async (name: string) => getJson(`${coreUrl}/v1/reports/${name}?${q}`, DEV_ADMIN_TOKEN);
  const [density, winRate, spend] = await Promise.all([get('bid-density'), get('win-rate'), get('spend')]);
  for (const r of [density, winRate, spend])
    if (!r.ok) return { why: `reporting API unavailable (${r.why})` };
  // Reports answer { report, from, to, step, rows }.
  const rows = (r: typeof density): Rows => {
    if (!r.ok) return [];
    const body = r.body as { rows?: Rows } | Rows;
    return Array.isArray(body) ? body : (body.rows ?? []);
  };
  return {
    counts: {
      auction: total(rows(density), 'auctions'),
      bid: total(rows(winRate), 'bids'),
      win: total(rows(winRate), 'wins'),
      loss: total(rows(winRate), 'losses'),
      // The spend rollup is per campaign: it holds own-campaign trackers only.
      'impression(campaign)': total(rows(spend), 'impressions'),
      'click(campaign)': total(rows(spend), 'clicks'),
      'conversion(campaign)': total(rows(spend), 'conversions'),
    },
  };
}
