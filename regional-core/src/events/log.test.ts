import { sampleAuction } from '@edge-rtb/shared/events/sample';
import { describe, expect, it } from 'vitest';
import { rowTsMs } from './ch/rows.ts';
import { fromRecord, MAX_RECORD_BYTES, partitionOf, TOPICS, toRecords } from './log.ts';

describe('toRecords', () => {
  const events = Array.from({ length: 300 }, (_, n) => sampleAuction(n)).flat();

  it('packs events per family and partition, keeping each auction in order on one partition', () => {
    const recs = toRecords(events, 3);
    expect(recs.flatMap(fromRecord)).toHaveLength(events.length);
    const where = new Map<string, number>();
    for (const r of recs)
      for (const e of fromRecord(r)) {
        expect(r.partition).toBe(partitionOf(String(e.auction_id), 3));
        where.set(String(e.auction_id), r.partition!);
      }
    const bids = recs.filter((r) => r.topic === TOPICS.bids).flatMap(fromRecord);
    const a7 = bids.filter((e) => e.auction_id === 'a7').map((e) => e.id);
    expect(a7).toEqual(events.filter((e) => e.auctionId === 'a7' && e.type === 'bid').map((e) => e.id));
    expect(new Set(where.values())).toEqual(new Set([0, 1, 2]));
  });

  it('caps a record at MAX_RECORD_BYTES', () => {
    const many = Array.from({ length: 5000 }, (_, n) => sampleAuction(n)).flat();
    const recs = toRecords(many, 1);
    for (const r of recs) expect(r.value.length).toBeLessThanOrEqual(MAX_RECORD_BYTES);
    expect(recs.flatMap(fromRecord)).toHaveLength(many.length);
  });

  it('carries ClickHouse rows whose first field is ts_ms, and still reads the earlier JSON-array records', () => {
    const [r] = toRecords([events[0]!], 1);
    expect(r!.value.startsWith(`{"ts_ms":${events[0]!.ts},`)).toBe(true);
    const old = { topic: TOPICS.auctions, key: 'a0', value: JSON.stringify([events[0]]) };
    expect(fromRecord(old)).toEqual(fromRecord(r!));
    expect(rowTsMs(r!.value)).toBe(events[0]!.ts);
  });
});
