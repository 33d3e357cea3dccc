// One conformance suite for both EventLog implementations (local-log.test.ts runs it on the
// local log, kafka-log.int.test.ts on the real broker). Keys carry a per-run prefix so a
// shared broker's older records never confuse a run.
import { describe, expect, it } from 'vitest';
import type { ConsumedRecord, EventLog, LogConsumer, LogRecord, Topic } from './log.ts';
import { TOPICS } from './log.ts';

export interface LogFixture {
  /** A fresh log over the same storage each call (a restart). */
  open(): Promise<EventLog>;
}

async function drain(c: LogConsumer, run: string, want: number, waitMs = 15_000): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  const until = Date.now() + waitMs;
  while (out.length < want && Date.now() < until)
    out.push(...(await c.poll(1000, 200)).filter((r) => r.key.startsWith(run)));
  return out;
}

const recs = (run: string, n: number, topic: Topic = TOPICS.bids): LogRecord[] =>
  Array.from({ length: n }, (_, i) => ({ topic, key: `${run}k${i % 3}`, value: JSON.stringify({ i }) }));

export function logConformance(name: string, fixture: LogFixture): void {
  describe(`EventLog conformance: ${name}`, () => {
    it('delivers appended records in order per key, across topics', async () => {
      const run = `r${Date.now()}a`;
      const log = await fixture.open();
      await log.append([...recs(run, 30), ...recs(run, 5, TOPICS.leases)]);
      const c = await log.consumer(`${run}g`, [TOPICS.bids, TOPICS.leases]);
      const got = await drain(c, run, 35);
      expect(got).toHaveLength(35);
      for (const key of [`${run}k0`, `${run}k1`]) {
        const seq = got
          .filter((r) => r.key === key && r.topic === TOPICS.bids)
          .map((r) => JSON.parse(r.value).i);
        expect(seq).toEqual([...seq].sort((a, b) => a - b));
      }
      await c.close();
      await log.close();
    });

    it('redelivers what was not committed and resumes after a commit, across a restart', async () => {
      const run = `r${Date.now()}b`;
      let log = await fixture.open();
      await log.append(recs(run, 10));
      let c = await log.consumer(`${run}g`, [TOPICS.bids]);
      expect(await drain(c, run, 10)).toHaveLength(10);
      await c.commit();
      await log.append(recs(run, 4).map((r) => ({ ...r, value: JSON.stringify({ late: true }) })));
      expect(await drain(c, run, 4)).toHaveLength(4); // read but not committed
      await c.close();
      await log.close();
      log = await fixture.open();
      c = await log.consumer(`${run}g`, [TOPICS.bids]);
      const again = await drain(c, run, 4);
      expect(again.map((r) => JSON.parse(r.value))).toEqual(Array(4).fill({ late: true }));
      await c.close();
      await log.close();
    });

    it('keeps groups independent and wakes a waiting poll on append', async () => {
      const run = `r${Date.now()}c`;
      const log = await fixture.open();
      const a = await log.consumer(`${run}ga`, [TOPICS.outcomes]);
      const b = await log.consumer(`${run}gb`, [TOPICS.outcomes]);
      setTimeout(() => void log.append(recs(run, 3, TOPICS.outcomes)), 100);
      expect(await drain(a, run, 3)).toHaveLength(3);
      expect(await drain(b, run, 3)).toHaveLength(3);
      await a.close();
      await b.close();
      await log.close();
    });
  });
}
