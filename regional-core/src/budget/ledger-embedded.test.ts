import { spawn } from 'node:child_process';
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
  it('keeps every acknowledged grant and settle across a kill -9', async () => {
    const dir = join(root, 'crash');
    // A child grants and settles as fast as it can, printing each id once acknowledged.
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { openEmbeddedLedger } from ${JSON.stringify(new URL('./ledger-embedded.ts', import.meta.url).href)};
         const l = await openEmbeddedLedger({ dir: ${JSON.stringify(dir)}, compactEvery: 150 });
         await l.fund('c', 1e12);
         const t = Date.now();
         const g = { campaignId: 'c', holder: 'h', requestedMicros: 1000, now: t, expiresAt: t + 60000,
                     day: 'd', dailyCapMicros: null, committedCapMicros: null };
         for (let i = 0; ; i++) {
           await Promise.all([0, 1, 2, 3].map(async (k) => {
             const id = 'l' + i + '-' + k;
             await l.grant({ ...g, leaseId: id });
             process.stdout.write('G ' + id + '\\n');
             if (k % 2 === 0) { await l.settle('c', id, 400, t); process.stdout.write('S ' + id + '\\n'); }
           }));
         }`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.split('\n').length > 600) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.once('exit', r));
    const lines = out.split('\n').slice(0, -1); // the last piece may be a half-written line
    expect(lines.length).toBeGreaterThan(500);
    const l = await openEmbeddedLedger({ dir });
    for (const line of lines) {
      const [kind, id] = line.split(' ') as ['G' | 'S', string];
      const lease = await l.lease('c', id);
      expect(lease, `${kind} ${id} was acknowledged`).not.toBeNull();
      if (kind === 'S') expect(lease!.state).toBe('settled');
    }
    const b = (await l.balances('c'))!;
    expect(b.available + b.leased + b.spent + b.funding).toBe(0);
    await l.close();
  });

  it('forgets finished lease records after the retention time, keeps the money', async () => {
    const timing = { settleGraceMs: 1_000, retentionMs: 10_000 };
    const l = await openEmbeddedLedger({ dir: join(root, 'retention'), timing });
    await l.fund('c', 10_000);
    const t0 = Date.UTC(2026, 10, 25);
    await l.grant(grantInput({ campaignId: 'c', leaseId: 'a', now: t0, expiresAt: t0 + 100 }));
    await l.grant(grantInput({ campaignId: 'c', leaseId: 'b', now: t0, expiresAt: t0 + 5_000 }));
    await l.settle('c', 'a', 400, t0);
    expect((await l.sweep(t0 + 9_000)).map((x) => x.leaseId)).toEqual(['b']); // b expired; a still kept
    expect(await l.lease('c', 'a')).not.toBeNull();
    expect(await l.sweep(t0 + 10_100)).toEqual([]); // dropping a record is not an expiry
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
