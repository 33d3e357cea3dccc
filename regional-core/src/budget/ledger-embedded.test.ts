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
