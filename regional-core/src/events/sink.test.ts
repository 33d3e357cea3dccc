import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleAuction } from '@edge-rtb/shared/events/sample';
import { createLogger } from '@edge-rtb/shared/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from './ch/migrate.ts';
import type { ChStore } from './ch/store.ts';
import { createChdbStore } from './ch/store.ts';
import { createLocalLog } from './local-log.ts';
import type { EventLog } from './log.ts';
import { toRecords } from './log.ts';
import { createSink } from './sink.ts';

const logger = createLogger({}, 'error');
let store: ChStore;
let log: EventLog;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sink-'));
  store = await createChdbStore(join(dir, 'ch'));
  expect(await migrate(store)).toEqual(['001_events.sql', '002_rollups.sql']);
  expect(await migrate(store)).toEqual([]); // recorded, not applied twice
  log = createLocalLog({ dir: join(dir, 'log') });
  await log.start();
});
afterAll(async () => {
  await log.close();
  await store.close();
});

async function until(check: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

describe('ClickHouse sink on chDB + local log', () => {
  it('inserts each event once, even when redelivered, and feeds the rollups', async () => {
    const events = Array.from({ length: 200 }, (_, n) => sampleAuction(n)).flat();
    await log.append(toRecords(events));
    await log.append(toRecords(events.slice(0, 50))); // an edge retry
    const sink = createSink({ log, store, logger, batchSize: 300, maxDelayMs: 100 });
    await sink.start();
    await until(async () => sink.status().inserted + sink.status().duplicates >= events.length + 50);
    await sink.stop();
    expect(sink.status()).toMatchObject({ inserted: events.length, duplicates: 50 });
    // a restarted sink with uncommitted records would skip them too: replay everything under a new group
    const again = createSink({ log, store, logger, group: 'replay', batchSize: 10_000, maxDelayMs: 100 });
    await again.start();
    await until(async () => again.status().duplicates >= events.length);
    await again.stop();
    expect(again.status().inserted).toBe(0);

    // a replayed win notice, stamped 90 s after the first one: same id, still counted once
    const win = events.find((e) => e.type === 'win')!;
    await log.append(toRecords([{ ...win, ts: win.ts + 90_000 }]));
    const replay = createSink({ log, store, logger, group: 'replayed-notice', batchSize: 1, maxDelayMs: 10 });
    await replay.start();
    await until(async () => replay.status().duplicates + replay.status().inserted > events.length + 50);
    await replay.stop();

    const [all] = await store.query<{ n: string }>('SELECT count() AS n FROM events');
    expect(Number(all!.n)).toBe(events.length);
    const wins = events.filter((e) => e.type === 'win' && e.bidderKind === 'campaign');
    const spend = wins.reduce(
      (s, e) => s + Math.ceil((e as { clearingCpmMicros: number }).clearingCpmMicros / 1000),
      0,
    );
    const [rollup] = await store.query<{ w: string; s: string }>(
      'SELECT sum(wins) AS w, sum(spend_micros) AS s FROM spend_minute',
    );
    expect({ w: Number(rollup!.w), s: Number(rollup!.s) }).toEqual({ w: wins.length, s: spend });
    const dsp = await store.query<{ dsp_id: string; n: string; q: number[] }>(
      `SELECT dsp_id, countMerge(requests) AS n, quantilesMerge(0.5, 0.95, 0.99)(latency) AS q
       FROM dsp_minute GROUP BY dsp_id ORDER BY dsp_id`,
    );
    expect(dsp.map((d) => [d.dsp_id, Number(d.n)])).toEqual([
      ['dsp0', 200],
      ['dsp1', 200],
      ['dsp2', 200],
    ]);
    const [nb] = await store.query<{ n: string }>(
      `SELECT sum(n) AS n FROM no_bid_minute WHERE source = 'dsp' AND reason = 'timeout'`,
    );
    expect(Number(nb!.n)).toBe(Math.ceil(200 / 7));
  });

  // chDB also collapses repeats within one insert block of a ReplacingMergeTree (optimize_on_insert),
  // so here the counters are what this pins down; on 18.16 the sink's LIMIT 1 BY id is what does it.
  it('inserts an id repeated within one batch once (ClickHouse drops the repeat, not the sink)', async () => {
    const events = Array.from({ length: 20 }, (_, n) => sampleAuction(10_000 + n)).flat();
    const own = createLocalLog({ dir: await mkdtemp(join(tmpdir(), 'sink-in-batch-')) });
    await own.start();
    await own.append([...toRecords(events), ...toRecords(events.slice(0, 30))]);
    const sink = createSink({
      log: own,
      store,
      logger,
      group: 'in-batch',
      batchSize: 100_000,
      maxDelayMs: 300,
    });
    await sink.start();
    await until(async () => sink.status().inserted + sink.status().duplicates >= events.length + 30);
    await sink.stop();
    await own.close();
    expect(sink.status()).toMatchObject({ inserted: events.length, duplicates: 30 });
    const [n] = await store.query<{ n: string; ids: string }>(
      `SELECT count() AS n, uniqExact(id) AS ids FROM events WHERE auction_id LIKE 'a1____'`,
    );
    expect({ n: Number(n!.n), ids: Number(n!.ids) }).toEqual({ n: events.length, ids: events.length });
  });
});
