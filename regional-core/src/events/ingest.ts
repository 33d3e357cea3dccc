// POST /v1/events: the edge's batches. 202 only once the batch is durable (the log's append
// resolved: Kafka acknowledged, or fsynced to the local log / outbox). Bad input gets a 400
// naming each bad event's field and reason and changes nothing; a repeated id is accepted and
// counted as a duplicate. Only a failing durable write answers 503 (retry), never bad input.
import { timingSafeEqual } from 'node:crypto';
import type { RtbEvent } from '@edge-rtb/shared/events';
import { parseEventBatch } from '@edge-rtb/shared/events';
import type { Logger } from '@edge-rtb/shared/log';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { RecentIds } from './dedup.ts';
import type { EventLog } from './log.ts';
import { toRecords } from './log.ts';
import type { LossNoticeSender } from './loss-notices.ts';
import type { EventMetrics } from './metrics.ts';

export interface IngestOptions {
  edgeToken: string;
  log: EventLog;
  logger: Logger;
  metrics?: EventMetrics;
  maxBodyBytes?: number;
  recent?: RecentIds;
  /** Calls the lurl of accepted loss events (loss-notices.ts); once per event id. */
  lossNotices?: LossNoticeSender;
}

export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export function createIngestRoutes({
  edgeToken,
  log,
  logger,
  metrics,
  maxBodyBytes = 16 * 1024 * 1024,
  recent = new RecentIds(),
  lossNotices,
}: IngestOptions): Hono {
  const app = new Hono();
  const inflight = new Map<string, Promise<void>>();
  app.post(
    '/v1/events',
    async (c, next) => {
      if (!bearerMatches(c.req.header('authorization'), edgeToken))
        return c.json({ error: 'unauthorized', message: 'send Authorization: Bearer <EDGE_TOKEN>' }, 401);
      await next();
    },
    // Counts streamed bytes too (chunked bodies have no content-length).
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) =>
        c.json({ error: 'too_large', message: `body over ${maxBodyBytes} bytes; send smaller batches` }, 413),
    }),
    async (c) => {
      const text = await c.req.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        metrics?.rejectedBatches.inc();
        return c.json({ error: 'invalid_json', message: 'body must be JSON: {"events": [...]}' }, 400);
      }
      const parsed = parseEventBatch(body);
      if (!parsed.ok) {
        metrics?.rejectedBatches.inc();
        return c.json(
          {
            error: 'invalid_events',
            message: 'no event of this batch was kept; fix these and resend',
            errors: parsed.errors,
          },
          400,
        );
      }
      // A repeat of an id still being appended waits for that append: 202 means durable for it too.
      const fresh: RtbEvent[] = [];
      const waitFor = new Set<Promise<void>>();
      for (const e of parsed.batch.events) {
        const p = inflight.get(e.id);
        if (p) waitFor.add(p);
        else if (!recent.has(e.id)) {
          recent.add(e.id);
          fresh.push(e);
        }
      }
      const duplicates = parsed.batch.events.length - fresh.length;
      const append = log.append(toRecords(fresh, log.partitions));
      for (const e of fresh) inflight.set(e.id, append);
      try {
        await Promise.all([append, ...waitFor]);
      } catch (e) {
        for (const ev of fresh) recent.delete(ev.id);
        logger.error('event append failed', { error: e, events: fresh.length });
        return c.json(
          { error: 'unavailable', message: 'events could not be made durable; retry the batch' },
          503,
        );
      } finally {
        for (const e of fresh) inflight.delete(e.id);
      }
      lossNotices?.deliver(fresh);
      if (metrics) {
        const byType: Record<string, number> = {};
        for (const e of fresh) byType[e.type] = (byType[e.type] ?? 0) + 1;
        for (const [type, n] of Object.entries(byType)) metrics.ingested.inc({ type }, n);
        metrics.duplicates.inc(duplicates);
      }
      return c.json({ accepted: parsed.batch.events.length, duplicates }, 202);
    },
  );
  return app;
}
