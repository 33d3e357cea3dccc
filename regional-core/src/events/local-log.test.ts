import { appendFile, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalLog } from './local-log.ts';
import { logConformance } from './log.conformance.ts';
import { TOPICS } from './log.ts';

const dir = await mkdtemp(join(tmpdir(), 'local-log-'));
logConformance('local log', {
  open: async () => {
    const log = createLocalLog({ dir, segmentBytes: 512 });
    await log.start();
    return log;
  },
});

describe('local log files', () => {
  it('cuts a torn tail on open and rolls and retires segments', async () => {
    const d = await mkdtemp(join(tmpdir(), 'local-log-'));
    let log = createLocalLog({ dir: d, segmentBytes: 200 });
    await log.start();
    const recs = Array.from({ length: 20 }, (_, i) => ({
      topic: TOPICS.bids,
      key: `k${i}`,
      value: `{"i":${i}}`,
    }));
    for (const r of recs) await log.append([r]);
    await log.close();
    const topicDir = join(d, TOPICS.bids);
    const segs = (await readdir(topicDir)).sort();
    expect(segs.length).toBeGreaterThan(1);
    await appendFile(join(topicDir, segs.at(-1)!), '"torn"\t{"half');
    log = createLocalLog({ dir: d, segmentBytes: 200 });
    await log.start();
    const c = await log.consumer('g', [TOPICS.bids]);
    const got = await c.poll(100, 0);
    expect(got.map((r) => r.key)).toEqual(recs.map((r) => r.key));
    expect(await readFile(join(topicDir, segs.at(-1)!), 'utf8')).not.toContain('torn');
    await c.commit();
    expect((await readdir(topicDir)).length).toBe(1);
    await log.append([{ topic: TOPICS.bids, key: 'after', value: '1' }]);
    expect((await c.poll(10, 0)).map((r) => [r.key, r.offset])).toEqual([['after', '20']]);
    await log.close();
  });
});
