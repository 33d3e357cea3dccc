import { createClient } from '@clickhouse/client';
import { afterAll, describe, expect, it } from 'vitest';
import { runId, serviceEnv } from './env.ts';

// The reporting path on the server build we run locally, ClickHouse 18.16: only SQL it
// accepts (no query parameters, no CTEs, no DateTime64), values escaped by us.
describe('ClickHouse server through @clickhouse/client', () => {
  const client = createClient({ url: serviceEnv('CLICKHOUSE_URL') });
  const table = `smoke.events_${runId}`;

  afterAll(async () => {
    await client.command({ query: `DROP TABLE IF EXISTS ${table}` });
    await client.close();
  });

  it('inserts JSONEachRow and aggregates; ReplacingMergeTree FINAL drops replays', async () => {
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS smoke' });
    await client.command({
      query: `CREATE TABLE ${table} (
        event_id String,
        campaign_id UInt32,
        kind Enum8('impression' = 1, 'click' = 2),
        cost_micros UInt64,
        ts DateTime
      ) ENGINE = ReplacingMergeTree ORDER BY (campaign_id, event_id)`,
    });

    const rows = Array.from({ length: 1000 }, (_, i) => ({
      event_id: `e-${i}`,
      campaign_id: i % 4,
      kind: i % 10 === 0 ? 'click' : 'impression',
      cost_micros: 1_000 + i,
      ts: '2026-11-25 12:00:00',
    }));
    await client.insert({ table, values: rows, format: 'JSONEachRow' });
    // a sink replaying a batch after a crash: same event ids again
    await client.insert({ table, values: rows.slice(0, 100), format: 'JSONEachRow' });

    const perCampaign = await client.query({
      query: `SELECT campaign_id, count() AS events, sum(cost_micros) AS spend, countIf(kind = 'click') AS clicks
              FROM ${table} FINAL GROUP BY campaign_id ORDER BY campaign_id`,
      format: 'JSONEachRow',
    });
    const result = await perCampaign.json<{
      campaign_id: number;
      events: string;
      spend: string;
      clicks: string;
    }>();
    expect(result.map((r) => Number(r.events))).toEqual([250, 250, 250, 250]);
    const spend = (c: number) =>
      rows.filter((r) => r.campaign_id === c).reduce((s, r) => s + r.cost_micros, 0);
    // UInt64 comes back as a string in JSON: exact, never a rounded number
    expect(result.map((r) => r.spend)).toEqual([0, 1, 2, 3].map((c) => String(spend(c))));
    expect(result.reduce((s, r) => s + Number(r.clicks), 0)).toBe(100);

    const version = await (
      await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })
    ).json<{
      v: string;
    }>();
    expect(version[0]!.v).toMatch(/^\d+\.\d+/);
  });
});
