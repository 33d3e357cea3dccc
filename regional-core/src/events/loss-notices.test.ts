// The core's loss-notice sender against a real local HTTP server: each accepted loss event's
// lurl is called once, other events and loss events without an lurl call nothing, a DSP that
// does not answer counts as failed, and a full queue drops (and counts) the oldest.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RtbEvent } from '@edge-rtb/shared/events';
import { sampleAuction } from '@edge-rtb/shared/events/sample';
import { createLogger } from '@edge-rtb/shared/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLossNoticeSender } from './loss-notices.ts';

const hits: string[] = [];
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/hang')) return; // never answers
    hits.push(req.url ?? '');
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const logger = createLogger({}, 'error');
const loss = (n: number, lurl?: string): RtbEvent => {
  const l = sampleAuction(n).find((e) => e.type === 'loss');
  if (!l) throw new Error('sample has no loss event');
  return { ...l, ...(lurl ? { lurl } : {}) } as RtbEvent;
};

describe('loss notices sent by the core', () => {
  it('calls each loss event lurl once and nothing else', async () => {
    hits.length = 0;
    const s = createLossNoticeSender({ logger, concurrency: 2 });
    const events = [
      ...sampleAuction(1), // its loss event has no lurl
      loss(2, `${base}/l?bid=2&loss=102`),
      loss(3, `${base}/l?bid=3&loss=102`),
      loss(4, `${base}/l?bid=4&loss=103`),
    ];
    s.deliver(events);
    await s.close(5_000);
    expect(hits.sort()).toEqual(['/l?bid=2&loss=102', '/l?bid=3&loss=102', '/l?bid=4&loss=103']);
    expect(s.stats()).toMatchObject({ sent: 3, failed: 0, dropped: 0, queued: 0, inFlight: 0 });
  });

  it('counts a DSP that does not answer in time as failed', async () => {
    const s = createLossNoticeSender({ logger, timeoutMs: 200 });
    s.deliver([loss(5, `${base}/hang`), loss(6, 'http://127.0.0.1:1/refused')]);
    await s.close(2_000);
    expect(s.stats()).toMatchObject({ sent: 0, failed: 2, queued: 0, inFlight: 0 });
  });

  it('keeps at most maxQueued waiting: the oldest are dropped and counted', async () => {
    hits.length = 0;
    const s = createLossNoticeSender({ logger, concurrency: 1, maxQueued: 2 });
    s.deliver([1, 2, 3, 4, 5].map((i) => loss(10 + i, `${base}/q?${i}`)));
    await s.close(5_000);
    // All five arrived at once; only the newest two fit the queue.
    expect(hits).toEqual(['/q?4', '/q?5']);
    expect(s.stats()).toMatchObject({ sent: 2, dropped: 3 });
  });
});
