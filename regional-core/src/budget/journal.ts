// Append-only journal with group commit, for the embedded ledger.
// Records are JSON lines with a sequence number. append() resolves only after the line is
// on disk (write + fdatasync), so an acknowledged grant/settle survives a crash. Concurrent
// appends share one fdatasync (group commit): the ledger stays fast without giving up fsync.
// Every `compactEvery` records the whole state is written as a snapshot (tmp + fsync +
// rename), which also stands in for the records still pending, and the journal restarts empty.
import { mkdirSync } from 'node:fs';
import { type FileHandle, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

export interface JournalRecord {
  s: number;
}

export interface Recovered<S, R> {
  snapshot: S | null;
  records: R[];
}

export class Journal<S, R extends JournalRecord> {
  private seq: number;
  private sinceSnapshot = 0;
  private pending: string[] = [];
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private flushing: Promise<void> | null = null;
  private failed: Error | null = null;
  private closed = false;
  private readonly dir: string;
  private readonly fh: FileHandle;
  private readonly snapshotOf: () => S;
  private readonly compactEvery: number;

  private constructor(dir: string, fh: FileHandle, seq: number, snapshotOf: () => S, compactEvery: number) {
    this.dir = dir;
    this.fh = fh;
    this.seq = seq;
    this.snapshotOf = snapshotOf;
    this.compactEvery = compactEvery;
  }

  /** Reads snapshot + journal (a torn last line from a crash mid-write is cut off), then opens for append. */
  static async open<S, R extends JournalRecord>(
    dir: string,
    snapshotOf: () => S,
    compactEvery = 50_000,
  ): Promise<{ journal: Journal<S, R>; recovered: Recovered<S, R> }> {
    mkdirSync(dir, { recursive: true });
    const file = await readJson<{ seq: number; state: S }>(join(dir, 'ledger.snapshot.json'));
    const base = file?.seq ?? 0;
    const path = join(dir, 'ledger.journal');
    const text = await readFile(path, 'utf8').catch(() => '');
    const records: R[] = [];
    let validBytes = 0;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      let rec: R;
      try {
        rec = JSON.parse(line) as R;
      } catch {
        // Only the last line may be torn (the crash interrupted its write, so it was never acknowledged).
        if (i >= lines.length - 2) break;
        throw new Error(`ledger journal ${path} is corrupt at line ${i + 1}`);
      }
      validBytes += Buffer.byteLength(line) + 1;
      if (rec.s > base) records.push(rec);
    }
    const fh = await open(path, 'a+');
    if (validBytes < Buffer.byteLength(text)) await fh.truncate(validBytes);
    const last = records.at(-1)?.s ?? base;
    const journal = new Journal<S, R>(dir, fh, last, snapshotOf, compactEvery);
    journal.sinceSnapshot = records.length;
    return { journal, recovered: { snapshot: file?.state ?? null, records } };
  }

  /** Next sequence number; the caller puts it in the record it then appends. */
  nextSeq(): number {
    return ++this.seq;
  }

  append(rec: R): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    this.pending.push(`${JSON.stringify(rec)}\n`);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.flushing ??= this.flushLoop();
    return done;
  }

  /** A journal that failed to write refuses further appends: memory is ahead of disk. */
  get error(): Error | null {
    return this.failed;
  }

  async close(): Promise<void> {
    await this.flushing;
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }

  private async flushLoop(): Promise<void> {
    // Let the current tick's appends join this batch.
    await new Promise<void>((r) => setImmediate(r));
    try {
      while (this.pending.length > 0) {
        const lines = this.pending;
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        this.sinceSnapshot += lines.length;
        if (this.sinceSnapshot >= this.compactEvery) await this.compact();
        else {
          await this.fh.write(lines.join(''));
          await this.fh.datasync();
        }
        for (const w of waiters) w.resolve();
      }
    } catch (e) {
      this.failed = e instanceof Error ? e : new Error(String(e));
      for (const w of this.waiters) w.reject(this.failed);
      this.waiters = [];
    } finally {
      this.flushing = null;
    }
  }

  /** The snapshot is taken synchronously, so it holds exactly the records taken from pending. */
  private async compact(): Promise<void> {
    const state = { seq: this.seq, state: this.snapshotOf() };
    const tmp = join(this.dir, 'ledger.snapshot.json.tmp');
    const fh = await open(tmp, 'w');
    await fh.write(JSON.stringify(state));
    await fh.sync();
    await fh.close();
    await rename(tmp, join(this.dir, 'ledger.snapshot.json'));
    const d = await open(this.dir, 'r');
    await d.sync().finally(() => d.close());
    // Records up to state.seq are now in the snapshot; a crash before this truncate only leaves
    // records that replay skips (seq <= snapshot seq).
    await this.fh.truncate(0);
    await this.fh.datasync();
    this.sinceSnapshot = 0;
  }
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
