import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { drainPending, Session } from 'chdb';
import { afterAll, describe, expect, it } from 'vitest';
import { runId } from './env.ts';

// chDB is the single-node mode's ClickHouse: in process, a data directory instead of a
// server. What single-node needs from it is that the directory is a database: tables
// and rows written by one session are there when a later one opens it.
describe('chDB persistent session', () => {
  const dir = resolve(import.meta.dirname, '../../../.data/test', `chdb-smoke-${runId}`);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps tables and rows across closing and reopening the session', async () => {
    mkdirSync(dir, { recursive: true });
    const first = new Session(dir);
    await first.queryAsync('CREATE DATABASE IF NOT EXISTS smoke');
    await first.queryAsync(
      'CREATE TABLE smoke.spend (campaign_id UInt32, cost_micros UInt64) ENGINE = MergeTree ORDER BY campaign_id',
    );
    await first.queryAsync('INSERT INTO smoke.spend SELECT number % 3, number FROM numbers(1000)');
    first.close();
    await drainPending();

    const second = new Session(dir);
    try {
      const rows = (
        await second.queryAsync(
          'SELECT campaign_id, count() AS n, sum(cost_micros) AS total FROM smoke.spend GROUP BY campaign_id ORDER BY campaign_id',
          { format: 'JSONEachRow' },
        )
      )
        .text()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { campaign_id: number; n: string; total: string });
      expect(rows.map((r) => Number(r.n))).toEqual([334, 333, 333]);
      expect(rows.reduce((s, r) => s + BigInt(r.total), 0n)).toBe(499_500n);
    } finally {
      second.close();
      await drainPending();
    }
  });
});
