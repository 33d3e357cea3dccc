// Ids ingest has recently made durable (or is making durable), so an edge retry is answered
// 202 and counted as duplicates without appending again. Two generations of Sets bound the
// memory: when the young one fills, the old one is dropped. Past that horizon (or after a
// restart) a repeat is appended again and the sink's insert-once check catches it.
export class RecentIds {
  private young = new Set<string>();
  private old = new Set<string>();
  private readonly perGeneration: number;

  constructor(capacity = 1_000_000) {
    this.perGeneration = Math.max(1, Math.floor(capacity / 2));
  }

  has(id: string): boolean {
    return this.young.has(id) || this.old.has(id);
  }

  add(id: string): void {
    if (this.young.size >= this.perGeneration) {
      this.old = this.young;
      this.young = new Set();
    }
    this.young.add(id);
  }

  delete(id: string): void {
    this.young.delete(id);
    this.old.delete(id);
  }
}
