// The reporting API (admin): GET /v1/reports/<name> as JSON, or CSV with `Accept: text/csv`
// or `?format=csv`. Parameters are validated up front (400 naming each bad one); a
// ClickHouse that cannot answer is a 503, never a 500.
import { Hono } from 'hono';
import type { ChStore } from '../events/ch/store.ts';
import { bearerMatches } from '../events/ingest.ts';
import { toCsv } from './csv.ts';
import type { ReportQuery } from './params.ts';
import { parseReportQuery } from './params.ts';
import type { Row } from './queries.ts';
import {
  bidDensityReport,
  dspLatencyReport,
  leaseDrift,
  noBidReport,
  spendReport,
  winRateReport,
} from './queries.ts';

type Report = (store: ChStore, q: ReportQuery) => Promise<Row[]>;

const REPORTS: Record<string, { run: Report; step: ReportQuery['step']; about: string }> = {
  spend: { run: spendReport, step: 'minute', about: 'spend and pacing per campaign over time' },
  'win-rate': { run: winRateReport, step: 'total', about: 'bids, wins and win rate per bidder' },
  'bid-density': { run: bidDensityReport, step: 'minute', about: 'auctions, bids per auction, no-bid rate' },
  'dsp-latency': { run: dspLatencyReport, step: 'total', about: 'DSP latency P50/P95/P99, timeouts, errors' },
  'no-bids': { run: noBidReport, step: 'total', about: 'no-bid reasons (auction and per DSP)' },
  reconciliation: {
    run: async (store, q) => {
      const rows = await leaseDrift(store, q);
      return (q.onlyDrift === 'true' ? rows.filter((r) => r.driftMicros !== 0) : rows) as unknown as Row[];
    },
    step: 'total',
    about: 'ended leases: reported spend against spend proven by win events',
  },
};

export function createReportingRoutes({
  store,
  adminToken,
}: {
  store: () => ChStore | null;
  adminToken: string;
}): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    if (!bearerMatches(c.req.header('authorization'), adminToken))
      return c.json({ error: 'unauthorized', message: 'send Authorization: Bearer <ADMIN_TOKEN>' }, 401);
    await next();
  });
  app.get('/', (c) =>
    c.json({ reports: Object.entries(REPORTS).map(([name, r]) => ({ name, about: r.about })) }),
  );
  app.get('/:name', async (c) => {
    const report = REPORTS[c.req.param('name')];
    if (!report)
      return c.json({ error: 'not_found', message: `reports: ${Object.keys(REPORTS).join(', ')}` }, 404);
    const parsed = parseReportQuery(c.req.query());
    if (!parsed.ok)
      return c.json(
        { error: 'invalid_query', message: 'fix these query parameters', errors: parsed.errors },
        400,
      );
    const q = { ...parsed.q, step: parsed.q.step ?? report.step };
    const s = store();
    if (!s) return c.json({ error: 'unavailable', message: 'ClickHouse is not ready yet; retry' }, 503);
    let rows: Row[];
    try {
      rows = await report.run(s, q);
    } catch (e) {
      return c.json(
        { error: 'unavailable', message: `ClickHouse did not answer: ${(e as Error).message}` },
        503,
      );
    }
    const csv = q.format === 'csv' || (!q.format && (c.req.header('accept') ?? '').includes('text/csv'));
    if (csv) {
      c.header('content-type', 'text/csv; charset=utf-8');
      return c.body(toCsv(rows));
    }
    return c.json({
      report: c.req.param('name'),
      from: new Date(q.from).toISOString(),
      to: new Date(q.to).toISOString(),
      step: q.step,
      rows,
    });
  });
  return app;
}
