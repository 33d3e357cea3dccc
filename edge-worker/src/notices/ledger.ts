// Replay dedupe for notices: a Durable Object remembers which notice keys it has accepted, so the
// same win/bill/impression counted twice anywhere in the world is recognised.
//
// Tokens signed since the ledger was sharded name their object (claim `ledger`, see
// noticeLedgerName): one of NOTICE_LEDGER_SHARDS objects picked by the auction id, each holding
// many auctions' keys in one SQL table with their expiry, wiped by an alarm once expired. Before,
// every auction had its own object: in the full load mix that created (and later wiped) one SQLite
// database per won auction, ~100 a second, about 2 of the edge's ~7 ms CPU per auction (bench-F). Because the token
// carries the name, changing the shard count later does not move a token's keys to another object.
// Older tokens (no claim) still go to the per-auction object through `firstSeen`.
import { DurableObject } from 'cloudflare:workers';

// Entries outlive their token by this margin (clock skew between PoPs), and an alarm wipes at most
// this often, so a busy shard is not woken for every expiry.
const SKEW_MS = 60_000;
const WIPE_EVERY_MS = 60_000;

export class NoticeLedger extends DurableObject {
  /** When the next wipe alarm is due (undefined: not read yet this activation; null: none). */
  private wipeAt: number | null | undefined;
  private tableReady = false;

  /**
   * Sharded path: true the first time `key` is seen, false on every repeat. One INSERT OR IGNORE:
   * a DO runs one call at a time and the write is durable before the answer (output gate).
   */
  async claim(key: string, expiresAt: number): Promise<boolean> {
    const sql = this.ctx.storage.sql;
    if (!this.tableReady) {
      sql.exec('CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, exp INTEGER NOT NULL) WITHOUT ROWID');
      sql.exec('CREATE INDEX IF NOT EXISTS seen_exp ON seen (exp)');
      this.tableReady = true;
    }
    const first =
      sql.exec('INSERT OR IGNORE INTO seen (key, exp) VALUES (?, ?)', key, expiresAt).rowsWritten > 0;
    if (first) {
      // Later keys expire later, so an alarm already set covers them; only the first needs one.
      if (this.wipeAt === undefined) this.wipeAt = await this.ctx.storage.getAlarm();
      if (this.wipeAt === null) {
        this.wipeAt = expiresAt + SKEW_MS;
        await this.ctx.storage.setAlarm(this.wipeAt);
      }
    }
    return first;
  }

  /** Per-auction path (tokens without a `ledger` claim): the whole object is that auction's keys. */
  async firstSeen(key: string, expiresAt: number): Promise<boolean> {
    const kv = this.ctx.storage.kv;
    if (kv.get(key) !== undefined) return false;
    kv.put(key, expiresAt);
    const alarm = await this.ctx.storage.getAlarm();
    // Keep one alarm at the latest expiry plus a margin for clock skew between PoPs.
    const wipeAt = expiresAt + SKEW_MS;
    if (alarm === null || alarm < wipeAt) await this.ctx.storage.setAlarm(wipeAt);
    return true;
  }

  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const sharded =
      sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'seen'").toArray().length > 0;
    if (!sharded) {
      await this.ctx.storage.deleteAll();
      return;
    }
    const now = Date.now();
    sql.exec('DELETE FROM seen WHERE exp < ?', now - SKEW_MS);
    const next = sql.exec<{ t: number | null }>('SELECT MIN(exp) AS t FROM seen').one().t;
    this.wipeAt = next === null ? null : Math.max(next + SKEW_MS, now + WIPE_EVERY_MS);
    if (this.wipeAt !== null) await this.ctx.storage.setAlarm(this.wipeAt);
  }
}
