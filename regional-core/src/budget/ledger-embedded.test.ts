import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeLedgerConformance, grantInput } from './ledger.conformance.ts';
import { openEmbeddedLedger } from './ledger-embedded.ts';

const root = mkdtempSync(join(tmpdir(), 'ledger-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

describeLedgerConformance(
  'embedded',
  {
    async fresh() {
      const dir = join(root, `l${n++}`);
      // A small compaction threshold so the suite also runs through snapshots.
      return () => openEmbeddedLedger({ dir, compactEvery: 97 });
    },
  },
  { propertyRuns: 150 },
);

describe('embedded ledger journal', () => {
  it('forgets finished lease records after the retention time, keeps the money', async () => {
    const timing = { settleGraceMs: 1_000, retentionMs: 10_000 };
    const l = await openEmbeddedLedger({ dir: join(root, 'retention'), timing });
    await l.fund('c', 10_000);
    const t0 = Date.UTC(2026, 10, 25);
    await l.grant(grantInput({ campaignId: 'c', leaseId: 'a', now: t0, expiresAt: t0 + 100 }));
    await l.grant(grantInput({ campaignId: 'c', leaseId: 'b', now: t0, expiresAt: t0 + 5_000 }));
    await l.settle('c', 'a', 400, t0);
    expect(await l.sweep(t0 + 9_000)).toBe(1); // b expired; a still kept
    expect(await l.lease('c', 'a')).not.toBeNull();
    await l.sweep(t0 + 10_100);
    expect(await l.lease('c', 'a')).toBeNull();
    expect(await l.lease('c', 'b')).not.toBeNull();
    await l.sweep(t0 + 15_000);
    expect(await l.lease('c', 'b')).toBeNull();
    expect(await l.balances('c')).toMatchObject({ spent: 1_400, leased: 0, available: 8_600 });
    await l.close();
  });

  it('replays from snapshot + journal and ignores a torn last line', async () => {
    const dir = join(root, 'torn');
    const a = await openEmbeddedLedger({ dir, compactEvery: 5 });
    await a.fund('c', 10_000);
    for (let i = 0; i < 12; i++)
      await a.grant(grantInput({ campaignId: 'c', leaseId: `l${i}`, requestedMicros: 100 }));
    const before = await a.balances('c');
    await a.close();
    expect(readFileSync(join(dir, 'ledger.snapshot.json'), 'utf8')).toContain('"seq"');
    appendFileSync(join(dir, 'ledger.journal'), '{"s":999,"c":"c","t":[["available","le'); // crash mid-write
    const b = await openEmbeddedLedger({ dir, compactEvery: 5 });
    expect(await b.balances('c')).toEqual(before);
    await b.grant(grantInput({ campaignId: 'c', leaseId: 'after', requestedMicros: 100 }));
    await b.close();
    const c = await openEmbeddedLedger({ dir });
    expect((await c.balances('c'))?.leased).toBe(1_300);
    await c.close();
  });
});
