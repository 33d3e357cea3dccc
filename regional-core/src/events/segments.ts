// Segment files of one local-log topic, and a reader over them. A segment is named by the
// offset of its first line (20 digits, so names sort), and holds whole lines only.
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConsumedRecord, Topic } from './log.ts';

interface Segment {
  base: number;
  path: string;
  /** Bytes durable on disk; readers never read past it. */
  size: number;
}

const NL = 0x0a;
const name = (base: number) => `${String(base).padStart(20, '0')}.log`;

export class TopicFiles {
  segments: Segment[] = [];
  nextOffset = 0;
  private fh: FileHandle | null = null;
  private readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async open(dir: string): Promise<TopicFiles> {
    await mkdir(dir, { recursive: true });
    const t = new TopicFiles(dir);
    const bases = (await readdir(dir))
      .filter((f) => f.endsWith('.log'))
      .map((f) => Number(f.slice(0, -4)))
      .sort((a, b) => a - b);
    if (bases.length === 0) bases.push(0);
    for (const base of bases) t.segments.push({ base, path: join(dir, name(base)), size: 0 });
    const last = t.segments.at(-1)!;
    t.fh = await open(last.path, 'a+');
    const data = await t.fh.readFile();
    // Cut a torn tail: it was never fsynced-and-acknowledged.
    const end = data.lastIndexOf(NL) + 1;
    if (end < data.length) await t.fh.truncate(end);
    let lines = 0;
    for (let i = 0; i < end; i++) if (data[i] === NL) lines++;
    last.size = end;
    t.nextOffset = last.base + lines;
    for (const s of t.segments.slice(0, -1)) {
      const fh = await open(s.path, 'r');
      s.size = (await fh.stat()).size;
      await fh.close();
    }
    return t;
  }

  async append(lines: string[], segmentBytes: number): Promise<void> {
    let active = this.segments.at(-1)!;
    if (active.size >= segmentBytes) {
      await this.fh!.close();
      active = { base: this.nextOffset, path: join(this.dir, name(this.nextOffset)), size: 0 };
      this.fh = await open(active.path, 'a+');
      this.segments.push(active);
    }
    const buf = Buffer.from(lines.join(''));
    await this.fh!.write(buf, 0, buf.length, active.size);
    await this.fh!.datasync();
    active.size += buf.length;
    this.nextOffset += lines.length;
  }

  async retireBelow(offset: number): Promise<void> {
    while (this.segments.length > 1 && this.segments[1]!.base <= offset) {
      const s = this.segments.shift()!;
      await rm(s.path, { force: true });
    }
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }
}

/** Reads one topic from an offset onwards, a chunk at a time. */
export class SegmentReader {
  private offset: number;
  private seg = -1;
  private pos = 0;
  private fh: FileHandle | null = null;
  private readonly files: TopicFiles;
  readonly topic: Topic;

  constructor(files: TopicFiles, topic: Topic, from?: number) {
    this.files = files;
    this.topic = topic;
    this.offset = Math.max(from ?? 0, files.segments[0]!.base);
  }

  position(): number {
    return this.offset;
  }

  hasMore(): boolean {
    return this.offset < this.files.nextOffset;
  }

  /** Finds the segment holding `offset` and the byte where its line starts. */
  private async seek(): Promise<void> {
    const segs = this.files.segments;
    let i = segs.length - 1;
    while (i > 0 && segs[i]!.base > this.offset) i--;
    await this.openSegment(segs[i]!);
    this.seg = segs[i]!.base;
    let skip = this.offset - segs[i]!.base;
    this.pos = 0;
    if (skip === 0) return;
    const data = await this.fh!.readFile();
    for (let b = 0; b < data.length && skip > 0; b++)
      if (data[b] === NL) {
        skip--;
        this.pos = b + 1;
      }
  }

  private async openSegment(s: Segment): Promise<void> {
    await this.fh?.close();
    this.fh = await open(s.path, 'r');
  }

  async read(max: number): Promise<ConsumedRecord[]> {
    const out: ConsumedRecord[] = [];
    if (!this.hasMore()) return out;
    if (this.seg < 0) await this.seek();
    let chunk = 1 << 20;
    while (out.length < max && this.hasMore()) {
      const segs = this.files.segments;
      const idx = segs.findIndex((s) => s.base === this.seg);
      const s = segs[idx]!;
      if (this.pos >= s.size) {
        const next = segs[idx + 1];
        if (!next) break;
        await this.openSegment(next);
        this.seg = next.base;
        this.pos = 0;
        continue;
      }
      const len = Math.min(chunk, s.size - this.pos);
      const buf = Buffer.allocUnsafe(len);
      const { bytesRead } = await this.fh!.read(buf, 0, len, this.pos);
      let start = 0;
      for (let b = 0; b < bytesRead && out.length < max; b++) {
        if (buf[b] !== NL) continue;
        const line = buf.toString('utf8', start, b);
        const tab = line.indexOf('\t');
        out.push({
          topic: this.topic,
          key: JSON.parse(line.slice(0, tab)) as string,
          value: line.slice(tab + 1),
          partition: 0,
          offset: String(this.offset++),
        });
        start = b + 1;
      }
      if (start === 0) chunk *= 2; // a line longer than the chunk: read more at once
      this.pos += start;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }
}
