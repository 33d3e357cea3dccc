// The single-node stand-in for Kafka: per topic, append-only segment files of lines
// `"key"\tvalue\n`, written with group commit (one write + fdatasync per topic per flush,
// whatever the number of waiting appends) and consumer offsets persisted per group.
// One process owns a data directory (like chDB). A torn last line (crash mid-write) was never
// acknowledged, so it is cut off on open.
import { EventEmitter } from 'node:events';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConsumedRecord, EventLog, LogConsumer, LogRecord, Topic } from './log.ts';
import { ALL_TOPICS } from './log.ts';
import { SegmentReader, TopicFiles } from './segments.ts';

export interface LocalLogOptions {
  dir: string;
  /** Roll to a new segment past this size. */
  segmentBytes?: number;
}

export function createLocalLog({ dir, segmentBytes = 64 * 1024 * 1024 }: LocalLogOptions): EventLog {
  const topics = new Map<Topic, TopicFiles>();
  const appended = new EventEmitter();
  appended.setMaxListeners(0);
  let pending: Array<{ records: LogRecord[]; done: (e?: unknown) => void }> = [];
  let flushing: Promise<void> | null = null;
  let closed = false;
  const offsetsDir = join(dir, '_offsets');

  async function flush(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      const lines = new Map<Topic, string[]>();
      for (const { records } of batch)
        for (const r of records) {
          const list = lines.get(r.topic) ?? [];
          list.push(`${JSON.stringify(r.key)}\t${r.value}\n`);
          lines.set(r.topic, list);
        }
      try {
        await Promise.all([...lines].map(([t, l]) => topics.get(t)!.append(l, segmentBytes)));
        for (const b of batch) b.done();
        appended.emit('data');
      } catch (e) {
        for (const b of batch) b.done(e);
      }
    }
    flushing = null;
  }

  async function readOffsets(group: string): Promise<Record<string, number>> {
    try {
      return JSON.parse(await readFile(join(offsetsDir, `${encodeURIComponent(group)}.json`), 'utf8'));
    } catch {
      return {};
    }
  }

  async function writeOffsets(group: string, position: Record<string, number>): Promise<void> {
    const file = join(offsetsDir, `${encodeURIComponent(group)}.json`);
    const tmp = `${file}.tmp`;
    const fh = await open(tmp, 'w');
    await fh.writeFile(JSON.stringify(position));
    await fh.datasync();
    await fh.close();
    await rename(tmp, file);
  }

  /** Drops whole segments every group has consumed (the active one stays). */
  async function retire(): Promise<void> {
    const groups = (await readdir(offsetsDir)).filter((f) => f.endsWith('.json'));
    const all = await Promise.all(groups.map((g) => readOffsets(decodeURIComponent(g.slice(0, -5)))));
    for (const [topic, files] of topics) {
      const low = Math.min(...all.map((o) => o[topic] ?? 0));
      await files.retireBelow(low);
    }
  }

  return {
    kind: 'local',
    partitions: 1,
    async start() {
      await mkdir(offsetsDir, { recursive: true });
      for (const t of ALL_TOPICS) topics.set(t, await TopicFiles.open(join(dir, t)));
    },
    append(records) {
      if (closed) return Promise.reject(new Error('local log closed'));
      for (const r of records)
        if (r.value.includes('\n')) return Promise.reject(new Error('record value must be one line'));
      if (records.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        pending.push({ records, done: (e) => (e ? reject(e) : resolve()) });
        flushing ??= flush();
      });
    },
    async consumer(group, wanted): Promise<LogConsumer> {
      const committed = await readOffsets(group);
      const readers = wanted.map((t) => new SegmentReader(topics.get(t)!, t, committed[t]));
      const position: Record<string, number> = { ...committed };
      for (const r of readers) position[r.topic] = r.position();
      // Registers the group at once so retire() never drops what it has yet to read.
      await writeOffsets(group, position);
      let rr = 0;
      const available = () => readers.some((r) => r.hasMore());
      return {
        async poll(max, waitMs) {
          if (!available() && waitMs > 0)
            await new Promise<void>((resolve) => {
              const timer = setTimeout(done, waitMs);
              function done() {
                clearTimeout(timer);
                appended.off('data', done);
                resolve();
              }
              appended.on('data', done);
            });
          const out: ConsumedRecord[] = [];
          for (let i = 0; i < readers.length && out.length < max; i++) {
            const reader = readers[(rr + i) % readers.length]!;
            for (const r of await reader.read(max - out.length)) {
              out.push(r);
              position[r.topic] = Number(r.offset) + 1;
            }
          }
          rr++;
          return out;
        },
        async commit() {
          await writeOffsets(group, position);
          await retire();
        },
        async close() {
          for (const r of readers) await r.close();
        },
      };
    },
    health: () => ({ ok: !closed }),
    async close() {
      closed = true;
      await flushing;
      for (const t of topics.values()) await t.close();
    },
  };
}

/** Removes a local log's files (tests). */
export async function removeLocalLog(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
