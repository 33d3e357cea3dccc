// Replay dedupe for notices: one Durable Object per auction id remembers which notice keys it
// has accepted, so the same win/bill/impression counted twice anywhere in the world is
// recognised. Entries need to outlive only the token's expiry; an alarm wipes them after.
import { DurableObject } from 'cloudflare:workers';

export class NoticeLedger extends DurableObject {
  /** True the first time `key` is seen, false on every repeat. Atomic: a DO runs one call at a time. */
  async firstSeen(key: string, expiresAt: number): Promise<boolean> {
    const kv = this.ctx.storage.kv;
    if (kv.get(key) !== undefined) return false;
    kv.put(key, expiresAt);
    const alarm = await this.ctx.storage.getAlarm();
    // Keep one alarm at the latest expiry plus a margin for clock skew between PoPs.
    const wipeAt = expiresAt + 60_000;
    if (alarm === null || alarm < wipeAt) await this.ctx.storage.setAlarm(wipeAt);
    return true;
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
